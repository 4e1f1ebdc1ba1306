package io.bqexport.operator.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.api.v1alpha1.RunRecord;
import io.bqexport.exporter.RunSummary;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Run records from Jobs and their pods as the Job controller and kubelet leave them, without any server. */
class RunHistoryTest {

  private static Job job(String name, String condition, String reason, String message) {
    var builder = new JobBuilder().withNewMetadata().withName(name).withUid(name + "-uid")
        .withCreationTimestamp("2026-11-28T10:05:00Z").addToLabels(ExportLabels.TRIGGER, "RunNow").endMetadata()
        .withNewStatus().withStartTime("2026-11-28T10:05:01Z");
    if (condition != null) {
      builder.addNewCondition().withType(condition).withStatus("True").withReason(reason).withMessage(message)
          .withLastTransitionTime("2026-11-28T10:09:00Z").endCondition();
    }
    return builder.endStatus().build();
  }

  /** A Pod as the Job controller creates it: labelled with the Job's name and controlled by its uid. */
  private static PodBuilder pod(String name, String job, String created) {
    return new PodBuilder().withNewMetadata().withName(name).withCreationTimestamp(created)
        .addToLabels("batch.kubernetes.io/job-name", job).withOwnerReferences(jobOwner(job, job + "-uid"))
        .endMetadata();
  }

  private static OwnerReference jobOwner(String job, String uid) {
    return new OwnerReferenceBuilder().withApiVersion("batch/v1").withKind("Job").withName(job).withUid(uid)
        .withController(true).build();
  }

  private static Pod terminated(String name, String job, String created, String reason, String message) {
    return pod(name, job, created).withNewStatus().withContainerStatuses(new ContainerStatusBuilder()
        .withName(ExportPodTemplate.CONTAINER).withNewState().withNewTerminated().withExitCode(1).withReason(reason)
        .withMessage(message).endTerminated().endState().build()).endStatus().build();
  }

  private static RunRecord record(Job job, Pod... pods) {
    return RunHistory.observe(List.of(job), List.of(pods)).get(0).record();
  }

  @Test
  void aSucceededRunCarriesTheExportersFiguresFromItsLatestPod() {
    RunSummary summary = new RunSummary(RunSummary.SUCCEEDED, null, "done", 0, "recurring", null,
        List.of("2026-11-28T07:00:00Z/2026-11-28T09:00:00Z", "2026-11-28T10:00:00Z/2026-11-28T11:00:00Z"), 3, 4200,
        9000, "2026-11-28T11:00:00Z", 0, List.of(), "a", "b", 0, 0, 0, List.of(), 5, List.of(), null, 12, 0);
    Job job = new JobBuilder(job("events-1", "Complete", null, null)).editStatus()
        .withCompletionTime("2026-11-28T10:08:00Z").endStatus().build();

    RunRecord record = record(job, terminated("events-1-old", "events-1", "2026-11-28T10:05:02Z", "Error", "boom"),
        terminated("events-1-new", "events-1", "2026-11-28T10:06:00Z", "Completed", summary.toJson()));

    assertThat(record).isEqualTo(new RunRecord("events-1", "events-1-new", "RunNow", "2026-11-28T10:05:01Z",
        "2026-11-28T10:08:00Z", RunSummary.SUCCEEDED, 3L, 4200L,
        "2026-11-28T07:00:00Z/2026-11-28T09:00:00Z,2026-11-28T10:00:00Z/2026-11-28T11:00:00Z", 5L, 0L, null, "done",
        12L, null));
  }

  @Test
  void aRunThatDiedWithoutASummaryShowsThePodsReasonWithAFix() {
    Job failed = job("events-2", "Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit");

    RunRecord oom = record(failed, terminated("p", "events-2", "2026-11-28T10:05:02Z", "OOMKilled", null));
    RunRecord backoff = record(failed);
    RunRecord deadline = record(job("events-3", "Failed", "DeadlineExceeded", "Job was active longer"));
    Pod evictedPod = pod("p", "events-4", "2026-11-28T10:05:02Z").withNewStatus().withReason("Evicted")
        .withMessage("The node was low on resource: memory.").endStatus().build();
    RunRecord evicted = record(job("events-4", "Failed", "BackoffLimitExceeded", null), evictedPod);

    assertThat(List.of(oom.result(), oom.reason(), oom.message())).containsExactly(RunSummary.FAILED, "OOMKilled",
        "The exporter ran out of memory; raise spec.pod.resources.limits.memory.");
    assertThat(oom.completionTime()).as("the Failed condition's time").isEqualTo("2026-11-28T10:09:00Z");
    assertThat(List.of(backoff.reason(), backoff.message())).containsExactly("BackoffLimitExceeded",
        "The exporter failed on every retry: Job has reached the specified backoff limit");
    assertThat(backoff.pod()).isNull();
    assertThat(List.of(deadline.reason(), deadline.message())).containsExactly("DeadlineExceeded", "The run hit its"
        + " deadline before the next scheduled run; it resumes where the ledger ends. Lower spec.maxHoursPerRun if"
        + " catch-up runs are too long.");
    assertThat(List.of(evicted.reason(), evicted.message())).containsExactly("Evicted",
        "The node evicted the exporter pod; the next run retries. ");
  }

  @Test
  void aPodThatCannotStartIsNamedWhileTheRunIsStillRunning() {
    Pod waiting = pod("p", "events-5", "2026-11-28T10:05:02Z").withNewStatus().withContainerStatuses(
        new ContainerStatusBuilder().withName(ExportPodTemplate.CONTAINER).withNewState().withNewWaiting()
            .withReason("ImagePullBackOff").endWaiting().endState().build()).endStatus().build();
    Pod badConfig = pod("p", "events-6", "2026-11-28T10:05:02Z").withNewStatus().withContainerStatuses(
        new ContainerStatusBuilder().withName(ExportPodTemplate.CONTAINER).withNewState().withNewWaiting()
            .withReason("CreateContainerConfigError").withMessage("secret not found").endWaiting().endState()
            .build()).endStatus().build();

    RunRecord pull = record(job("events-5", null, null, null), waiting);
    RunRecord config = record(job("events-6", null, null, null), badConfig);

    assertThat(List.of(pull.result(), pull.reason(), pull.message())).containsExactly(RunHistory.RUNNING,
        "ImagePullBackOff", "The exporter pod cannot start: The exporter image cannot be pulled; check the"
            + " operator's exporter image setting and spec.pod.imagePullSecrets.");
    assertThat(pull.completionTime()).isNull();
    assertThat(config.reason()).isEqualTo("CreateContainerConfigError");
    assertThat(config.message()).as("the kubelet's own words, not \"null\"")
        .isEqualTo("The exporter pod cannot start: secret not found");
  }

  @Test
  void aCrashWithoutASummaryShowsTheLastLineOfTheLogTailCutAt300Characters() {
    Job failed = job("events-7", "Failed", "BackoffLimitExceeded", null);
    String tail = "starting\nmapping\n" + "x".repeat(400) + "\n";

    RunRecord record = record(failed, terminated("p", "events-7", "2026-11-28T10:05:02Z", "Error", tail));
    RunRecord shortTail = record(failed, terminated("p", "events-7", "2026-11-28T10:05:02Z", "Error",
        "starting\nNullPointerException at Mapper.java:12\n"));

    assertThat(record.reason()).isEqualTo("Error");
    assertThat(record.message()).isEqualTo("x".repeat(300) + "...");
    assertThat(shortTail.message()).isEqualTo("NullPointerException at Mapper.java:12");
    assertThat(record(failed, terminated("p", "events-7", "2026-11-28T10:05:02Z", "Error", "y".repeat(300)))
        .message()).as("exactly 300 characters are kept whole").isEqualTo("y".repeat(300));
  }

  @Test
  void podsBelongToTheirJobOnlyByItsControllerReferenceNotByTheirLabels() {
    Job a = job("events-a", null, null, null);
    Job b = job("events-b", null, null, null);
    Pod byOwner = pod("pb", "events-b", "2").build();
    // Anyone who may create Pods can label one with a Job's name and end it with any summary.
    Pod labelledOnly = new PodBuilder().withNewMetadata().withName("pa").withCreationTimestamp("9")
        .withLabels(Map.of("job-name", "events-a", "batch.kubernetes.io/job-name", "events-b")).endMetadata()
        .build();
    Pod notController = pod("pc", "events-a", "9").editMetadata().editFirstOwnerReference().withController(false)
        .endOwnerReference().endMetadata().build();

    List<RunHistory.Run> runs = RunHistory.observe(List.of(a, b), List.of(labelledOnly, byOwner, notController));

    assertThat(runs).extracting(r -> r.record().pod()).containsExactly(null, "pb");
  }

  @Test
  void aPodOfAnEarlierJobOfTheSameNameIsNotTheRunsPod() {
    Job again = job("events-a", "Failed", "DeadlineExceeded", "Job was active longer than specified deadline");
    Pod ofTheDeletedJob = terminated("pa-old", "events-a", "2026-11-28T10:05:02Z", "OOMKilled", null).toBuilder()
        .editMetadata().withOwnerReferences(jobOwner("events-a", "deleted-uid")).endMetadata().build();
    Pod ofThisJob = terminated("pa-new", "events-a", "2026-11-28T10:05:02Z", "Error", null);

    assertThat(record(again, ofTheDeletedJob, ofThisJob).pod()).isEqualTo("pa-new");
    assertThat(record(again, ofThisJob, ofTheDeletedJob).pod()).isEqualTo("pa-new");
    RunRecord alone = record(again, ofTheDeletedJob);
    assertThat(alone.pod()).isNull();
    assertThat(alone.reason()).isEqualTo("DeadlineExceeded");
  }

  @Test
  void ofTwoAttemptsCreatedInTheSameSecondTheOneStillRunningIsTheLatestElseTheOneThatEndedLast() {
    Job job = job("events-s", null, null, null);
    String second = "2026-11-28T10:05:02Z";
    Pod ended = ended("s-1", "events-s", second, "2026-11-28T10:05:40Z");
    Pod endedLater = ended("s-2", "events-s", second, "2026-11-28T10:05:50Z");
    Pod stillRunning = pod("s-3", "events-s", second).withNewStatus().withPhase("Running").endStatus().build();

    // Both orders: of two equal attempts the first one listed would win.
    assertThat(record(job, stillRunning, ended).pod()).isEqualTo("s-3");
    assertThat(record(job, ended, stillRunning).pod()).isEqualTo("s-3");
    assertThat(record(job, endedLater, ended).pod()).isEqualTo("s-2");
    assertThat(record(job, ended, endedLater).pod()).isEqualTo("s-2");
  }

  private static Pod ended(String name, String job, String created, String finishedAt) {
    return pod(name, job, created).withNewStatus().withPhase("Failed").withContainerStatuses(
        new ContainerStatusBuilder().withName(ExportPodTemplate.CONTAINER).withNewState().withNewTerminated()
            .withExitCode(1).withReason("Error").withFinishedAt(finishedAt).endTerminated().endState().build())
        .endStatus().build();
  }

  @Test
  void mergeKeepsTheNewestRunsFirstAndTheObservedRecordWins() {
    RunRecord old = new RunRecord("events-1", null, null, "2026-11-28T08:05:00Z", null, RunHistory.RUNNING, null,
        null, null, null, null, null, null);
    RunRecord done = new RunRecord("events-1", null, null, "2026-11-28T08:05:00Z", null, RunSummary.SUCCEEDED, null,
        null, null, null, null, null, null);
    RunRecord later = new RunRecord("events-2", null, null, "2026-11-28T09:05:00Z", null, RunSummary.SUCCEEDED,
        null, null, null, null, null, null, null);
    RunRecord sameTime = new RunRecord("events-3", null, null, "2026-11-28T09:05:00Z", null, RunSummary.SUCCEEDED,
        null, null, null, null, null, null, null);
    RunRecord unstarted = new RunRecord("events-0", null, null, null, null, RunHistory.RUNNING, null, null, null,
        null, null, null, null);

    List<RunRecord> merged = RunHistory.merge(new ArrayList<>(List.of(old, later)),
        List.of(new RunHistory.Run(done, java.util.Optional.empty()),
            new RunHistory.Run(unstarted, java.util.Optional.empty()),
            new RunHistory.Run(sameTime, java.util.Optional.empty())), 3);

    assertThat(merged).containsExactly(sameTime, later, done);
    RunRecord newerButFirstByName = new RunRecord("events-10", null, null, "2026-11-28T11:05:00Z", null,
        RunHistory.RUNNING, null, null, null, null, null, null, null);
    assertThat(RunHistory.merge(List.of(later), List.of(new RunHistory.Run(newerButFirstByName,
        java.util.Optional.empty())), 5)).as("by start time, not by name").containsExactly(newerButFirstByName, later);
    assertThat(RunHistory.merge(null, List.of(new RunHistory.Run(unstarted, java.util.Optional.empty())), 5))
        .containsExactly(unstarted);
  }

  @Test
  void onlyTrueConditionsTheExporterContainerAndRealFailuresCount() {
    Job notYetFailed = job("events-8", "Failed", "BackoffLimitExceeded", null);
    notYetFailed.getStatus().getConditions().get(0).setStatus("False");
    Pod sidecar = pod("p", "events-9", "2026-11-28T10:05:02Z").withNewStatus().withContainerStatuses(
        new ContainerStatusBuilder().withName("proxy").withNewState().withNewTerminated().withExitCode(137)
            .withReason("OOMKilled").endTerminated().endState().build()).endStatus().build();
    Job failed = job("events-9", "Failed", "DeadlineExceeded", null);

    assertThat(record(notYetFailed).result()).isEqualTo(RunHistory.RUNNING);
    assertThat(record(failed, sidecar).reason()).as("a sidecar's end is not the exporter's")
        .isEqualTo("DeadlineExceeded");
    assertThat(record(failed, terminated("p", "events-9", "2026-11-28T10:05:02Z", "Completed", null)).reason())
        .as("a container that completed is no failure reason").isEqualTo("DeadlineExceeded");
  }

  @Test
  void repairedHoursAreCountedAndNoFilteredEventsLeaveTheFieldUnset() {
    RunSummary summary = new RunSummary(RunSummary.SUCCEEDED, null, "done", 0, "recurring", null, List.of(), 1, 10,
        100, null, 0, List.of(), "a", "b", 0, 0, 0, List.of(), 4, List.of(
            new RunSummary.Repaired("2026-11-27T03:00:00Z", 10, 12, "2026-11-28T10:06:00Z", "events"),
            new RunSummary.Repaired("2026-11-27T04:00:00Z", 7, 5, "2026-11-28T10:06:00Z", "events")),
        null, 0, 0);

    RunRecord record = record(job("events-1", "Complete", null, null),
        terminated("p", "events-1", "2026-11-28T10:05:02Z", "Completed", summary.toJson()));

    assertThat(record.repairedHours()).isEqualTo(2L);
    assertThat(record.filteredEvents()).isNull();
    assertThat(record.mergeIdRows()).isNull();
  }

  @Test
  void aCompleteJobsReasonIsNoFailureAndAFailedJobWithoutAReasonShowsItsMessage() {
    // Newer clusters set reason CompletionsReached on Complete; it must not read as a failure reason.
    Job complete = job("events-10", "Complete", "CompletionsReached", "Reached expected number of succeeded pods");
    RunRecord succeeded = record(complete, terminated("p", "events-10", "2026-11-28T10:05:02Z", "Completed",
        "starting\nno summary written"));
    assertThat(succeeded.result()).isEqualTo(RunSummary.SUCCEEDED);
    assertThat(succeeded.message()).isEqualTo("Reached expected number of succeeded pods");

    Job failed = job("events-11", "Failed", null, "Job was active longer than specified deadline");
    assertThat(record(failed).message()).isEqualTo("Job was active longer than specified deadline");
    assertThat(record(failed).reason()).isNull();
  }

  @Test
  void aTrueConditionOfAnotherTypeLeavesTheJobRunning() {
    Job suspended = job("events-12", "Suspended", "JobSuspended", "Job suspended");
    assertThat(record(suspended).result()).isEqualTo(RunHistory.RUNNING);
    assertThat(RunHistory.finished(suspended)).isFalse();
    assertThat(RunHistory.finished(job("events-13", "Failed", "BackoffLimitExceeded", null))).isTrue();
    assertThat(RunHistory.finished(job("events-14", "Complete", null, null))).isTrue();
  }
}
