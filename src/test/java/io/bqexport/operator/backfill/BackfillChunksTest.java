package io.bqexport.operator.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.api.v1alpha1.BackfillMode;
import io.bqexport.exporter.ChunkPlan;
import io.bqexport.exporter.RunSummary;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Progress per chunk from the Job status and the pods' termination messages, without any server. */
class BackfillChunksTest {
  private static final ChunkPlan PLAN = ChunkPlan.parse("2025-01-01T00:00:00Z/2025-01-04T00:00:00Z/24");
  private static final String JOB_UID = "4f1c2a9e-job";
  /** The controller reference the Job controller gives each Pod it creates. */
  private static final OwnerReference BY_THE_JOB = new OwnerReferenceBuilder().withApiVersion("batch/v1")
      .withKind("Job").withName("history-backfill").withUid(JOB_UID).withController(true).build();

  private static Job job(String completed, String failed, String condition, String reason) {
    var status = new io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder().withCompletedIndexes(completed)
        .withFailedIndexes(failed).withStartTime("2026-11-28T10:00:00Z");
    if (condition != null) {
      status.addNewCondition().withType(condition).withStatus("True").withReason(reason)
          .withLastTransitionTime("2026-11-28T11:00:00Z").endCondition();
    }
    return new JobBuilder().withNewMetadata().withName("history-backfill").withUid(JOB_UID).endMetadata()
        .withNewSpec().withSuspend(false).withCompletions(3).endSpec().withStatus(status.build()).build();
  }

  private static Pod pod(int index, int exitCode, String reason, RunSummary summary, String finishedAt) {
    return new PodBuilder().withNewMetadata().withName("p" + index + finishedAt).withOwnerReferences(BY_THE_JOB)
        .addToAnnotations(BackfillChunks.INDEX_ANNOTATION, Integer.toString(index)).endMetadata()
        .withNewStatus().withContainerStatuses(new ContainerStatusBuilder().withName("exporter").withNewState()
            .withNewTerminated().withExitCode(exitCode).withReason(reason)
            .withMessage(summary == null ? null : summary.toJson()).withFinishedAt(finishedAt).endTerminated()
            .endState().build()).endStatus().build();
  }

  private static RunSummary summary(boolean ok, String reason, long rows) {
    return new RunSummary(ok ? RunSummary.SUCCEEDED : RunSummary.FAILED, reason, ok ? "done" : "it broke",
        ok ? 0 : 4, "FillGaps", null, List.of(), 24, rows, 0, null, 0, List.of(), "a", "b");
  }

  @Test
  void sumsRowsOfEveryAttemptInFillGapsButOnlyTheLastInReplace() {
    List<Pod> pods = List.of(pod(0, 0, "Completed", summary(true, null, 480), "2026-11-28T10:10:00Z"),
        pod(1, 4, "Error", summary(false, "SourceUnavailable", 100), "2026-11-28T10:10:00Z"),
        pod(1, 0, "Completed", summary(true, null, 380), "2026-11-28T10:20:00Z"));
    Job job = job("0-1", null, null, null);

    BackfillChunks fillGaps = BackfillChunks.observe(job, pods, PLAN, BackfillMode.FillGaps);
    assertThat(fillGaps.state()).isEqualTo(BackfillChunks.JobState.Running);
    assertThat(fillGaps.hoursDone()).isEqualTo(48);
    assertThat(fillGaps.rows()).isEqualTo(960);
    assertThat(fillGaps.failed()).isEmpty();
    assertThat(BackfillChunks.observe(job, pods, PLAN, BackfillMode.Replace).rows()).isEqualTo(860);
  }

  @Test
  void aChunkThatDiedWithoutASummaryShowsThePodsReason() {
    List<Pod> pods = List.of(pod(2, 137, "OOMKilled", null, "2026-11-28T10:10:00Z"));
    BackfillChunks chunks = BackfillChunks.observe(job("0-1", "2", "Failed", "FailedIndexes"), pods, PLAN,
        BackfillMode.FillGaps);

    assertThat(chunks.state()).isEqualTo(BackfillChunks.JobState.Failed);
    assertThat(chunks.hoursFailed()).isEqualTo(24);
    assertThat(chunks.completionTime()).isEqualTo("2026-11-28T11:00:00Z");
    assertThat(chunks.failed()).singleElement().satisfies(f -> {
      assertThat(f.index()).isEqualTo(2);
      assertThat(f.window()).isEqualTo("2025-01-03T00:00:00Z/2025-01-04T00:00:00Z");
      assertThat(f.reason()).isEqualTo("OOMKilled");
      assertThat(f.message()).contains("exit code 137");
    });
  }

  @Test
  void indexListsAreParsedFromTheirCompactForm() {
    assertThat(IndexSet.parse("0-2,5,7-8")).containsExactly(0, 1, 2, 5, 7, 8);
    assertThat(IndexSet.parse(null)).isEmpty();
  }

  /** A Job failed by its pod failure policy lists no failed index: the chunks whose last attempt failed are named. */
  @Test
  void aJobFailedByPolicyNamesTheChunksWhoseLastAttemptFailed() {
    List<Pod> pods = List.of(
        pod(1, 0, "Completed", summary(true, null, 10), "2026-11-28T10:30:00Z"),
        pod(1, 4, "Error", summary(false, "SourceUnavailable", 0), "2026-11-28T10:10:00Z"),
        pod(2, 0, "Completed", summary(true, null, 5), "2026-11-28T10:10:00Z"),
        pod(2, 1, null, null, "2026-11-28T10:20:00Z"),
        pod(0, 0, "Completed", summary(true, null, 7), "2026-11-28T10:05:00Z"));
    Job job = job("0", null, "Failed", "PodFailurePolicy");
    job.getStatus().getConditions().get(0).setMessage("Container exporter exited with 1");

    BackfillChunks chunks = BackfillChunks.observe(job, pods, PLAN, BackfillMode.Replace);

    assertThat(chunks.state()).isEqualTo(BackfillChunks.JobState.Failed);
    assertThat(chunks.failed()).singleElement().satisfies(f -> {
      assertThat(f.index()).isEqualTo(2);
      assertThat(f.reason()).as("no summary, no container reason").isEqualTo("Error");
      assertThat(f.message()).isEqualTo("exit code 1");
    });
    assertThat(chunks.hoursDone()).isEqualTo(24);
    assertThat(chunks.hoursFailed()).isEqualTo(24);
    assertThat(chunks.rows()).as("Replace counts each chunk's last attempt").isEqualTo(7 + 10);
    assertThat(chunks.jobFailure()).isEqualTo("PodFailurePolicy: Container exporter exited with 1");
    assertThat(chunks.completionTime()).isEqualTo("2026-11-28T11:00:00Z");
    assertThat(chunks.chunksDone()).isEqualTo(1);
    assertThat(chunks.chunks()).isEqualTo(3);
  }

  @Test
  void aFailedIndexWithoutPodsSaysWhereToLook() {
    BackfillChunks chunks = BackfillChunks.observe(job(null, "1", "Failed", "BackoffLimitExceeded"), List.of(),
        PLAN, BackfillMode.FillGaps);

    assertThat(chunks.failed()).singleElement().satisfies(f -> {
      assertThat(f.reason()).isEqualTo("Unknown");
      assertThat(f.message()).isEqualTo("the chunk's pods left no termination message; see `kubectl describe job"
          + " history-backfill`");
    });
    assertThat(chunks.jobFailure()).isEqualTo("BackoffLimitExceeded");
  }

  @Test
  void indexesBeyondThePlanAndPodsThatAreNotFinishedExporterAttemptsAreIgnored() {
    Pod running = new PodBuilder().withNewMetadata().withName("running").withOwnerReferences(BY_THE_JOB)
        .addToAnnotations(BackfillChunks.INDEX_ANNOTATION, "0").endMetadata().withNewStatus()
        .withContainerStatuses(new ContainerStatusBuilder().withName("exporter").withNewState().withNewRunning()
            .endRunning().endState().build()).endStatus().build();
    Pod sidecar = new PodBuilder().withNewMetadata().withName("sidecar").withOwnerReferences(BY_THE_JOB)
        .addToAnnotations(BackfillChunks.INDEX_ANNOTATION, "0").endMetadata().withNewStatus()
        .withContainerStatuses(new ContainerStatusBuilder().withName("proxy").withNewState().withNewTerminated()
            .withExitCode(0).withMessage(summary(true, null, 999).toJson()).endTerminated().endState().build())
        .endStatus().build();
    Pod unindexed = new PodBuilder(pod(0, 0, "Completed", summary(true, null, 999), "2026-11-28T10:05:00Z"))
        .editMetadata().withAnnotations(null).endMetadata().build();
    Pod noStatus = new PodBuilder().withNewMetadata().withName("new").withOwnerReferences(BY_THE_JOB).addToAnnotations(
        BackfillChunks.INDEX_ANNOTATION, "1").endMetadata().build();

    BackfillChunks chunks = BackfillChunks.observe(job("0-7", "9", null, null),
        List.of(running, sidecar, unindexed, noStatus, pod(0, 0, "Completed", summary(true, null, 3), "t")), PLAN,
        BackfillMode.FillGaps);

    assertThat(chunks.hoursDone()).isEqualTo(72);
    assertThat(chunks.failed()).isEmpty();
    assertThat(chunks.hoursFailed()).isZero();
    assertThat(chunks.rows()).isEqualTo(3);
    assertThat(chunks.chunksDone()).as("the Job's own count").isEqualTo(8);
  }

  @Test
  void aFailedIndexEqualToTheChunkCountIsBeyondThePlanButTheLastChunkIsNot() {
    BackfillChunks chunks = BackfillChunks.observe(job("0-1", "2,3", null, null), List.of(), PLAN,
        BackfillMode.FillGaps);

    assertThat(chunks.failed()).extracting(f -> f.index()).containsExactly(2);
    assertThat(chunks.hoursFailed()).isEqualTo(24);
  }

  @Test
  void aSuspendedJobAndAJobWithoutStatus() {
    Job suspended = job("0", null, null, null);
    suspended.getSpec().setSuspend(true);
    Job fresh = new JobBuilder(job(null, null, null, null)).withStatus(null).build();
    Job complete = job("0-2", null, "Complete", null);

    assertThat(BackfillChunks.observe(suspended, List.of(), PLAN, BackfillMode.FillGaps).state())
        .isEqualTo(BackfillChunks.JobState.Suspended);
    BackfillChunks none = BackfillChunks.observe(fresh, List.of(), PLAN, BackfillMode.FillGaps);
    assertThat(none.state()).isEqualTo(BackfillChunks.JobState.Running);
    assertThat(none.hoursDone()).isZero();
    assertThat(none.hoursTotal()).isEqualTo(72);
    assertThat(none.startTime()).isNull();
    assertThat(none.completionTime()).isNull();
    BackfillChunks done = BackfillChunks.observe(complete, List.of(), PLAN, BackfillMode.FillGaps);
    assertThat(done.state()).isEqualTo(BackfillChunks.JobState.Succeeded);
    assertThat(done.completionTime()).as("no completionTime and no Failed condition").isNull();
    assertThat(done.jobFailure()).isNull();
  }

  /** Pods finished in the same second are ordered by the exporter's own end time. */
  @Test
  void attemptsOfTheSameSecondAreOrderedByTheExportersEndTime() {
    RunSummary failed = new RunSummary(RunSummary.FAILED, "LoadRejected", "bad row", 5, "Replace", null, List.of(),
        0, 0, 0, null, 0, List.of(), "a", "2026-11-28T10:10:00.900Z");
    RunSummary ok = new RunSummary(RunSummary.SUCCEEDED, null, "done", 0, "Replace", null, List.of(), 24, 40, 0,
        null, 0, List.of(), "a", "2026-11-28T10:10:00.100Z");
    List<Pod> pods = List.of(pod(0, 5, "Error", failed, "2026-11-28T10:10:00Z"),
        pod(0, 0, "Completed", ok, "2026-11-28T10:10:00Z"));

    BackfillChunks chunks = BackfillChunks.observe(job(null, null, "Failed", "PodFailurePolicy"), pods, PLAN,
        BackfillMode.Replace);

    assertThat(chunks.failed()).singleElement().satisfies(f -> {
      assertThat(f.reason()).isEqualTo("LoadRejected");
      assertThat(f.message()).isEqualTo("bad row");
    });
    assertThat(chunks.rows()).isZero();
  }

  @Test
  void onlyPodsTheJobControlsEndAChunk() {
    Pod genuine = pod(0, 0, "Completed", summary(true, null, 480), "2026-11-28T10:10:00Z");
    Pod unowned = new PodBuilder(pod(1, 0, "Completed", summary(true, null, 1_000_000), "2026-11-28T10:20:00Z"))
        .editMetadata().withOwnerReferences().endMetadata().build();
    Pod notController = new PodBuilder(pod(1, 0, "Completed", summary(true, null, 1_000_000), "2026-11-28T10:21:00Z"))
        .editMetadata().withOwnerReferences(new OwnerReferenceBuilder(BY_THE_JOB).withController(false).build())
        .endMetadata().build();
    Pod otherJobs = new PodBuilder(pod(1, 0, "Completed", summary(true, null, 1_000_000), "2026-11-28T10:22:00Z"))
        .editMetadata().withOwnerReferences(new OwnerReferenceBuilder(BY_THE_JOB).withUid("another-job").build())
        .endMetadata().build();
    Pod failsChunk2 = new PodBuilder(pod(2, 4, "Error", summary(false, "Forged", 0), "2026-11-28T10:23:00Z"))
        .editMetadata().withOwnerReferences().endMetadata().build();

    BackfillChunks chunks = BackfillChunks.observe(job("0", null, "Failed", "PodFailurePolicy"),
        List.of(genuine, unowned, notController, otherJobs, failsChunk2), PLAN, BackfillMode.FillGaps);

    assertThat(chunks.rows()).as("chunk 0's own Pod only").isEqualTo(480);
    assertThat(chunks.failed()).as("a failed last attempt only from a Pod of the Job").isEmpty();
  }
}
