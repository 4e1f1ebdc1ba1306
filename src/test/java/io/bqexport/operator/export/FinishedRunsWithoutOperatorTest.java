package io.bqexport.operator.export;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.exporter.RunSummary;
import io.bqexport.testing.ExportFixtures;
import io.bqexport.testing.KubernetesStandIn;
import io.bqexport.testing.RunHistoryFixtures;
import io.bqexport.testing.RunHistoryFixtures.FinishedRun;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * What {@link FinishedRuns} hands the reconciler, without an operator: Jobs and Pods stored in the Kubernetes
 * stand-in as the CronJob and Job controllers leave them ({@link RunHistoryFixtures}), and the informer's copies
 * passed in as plain objects. A finished run is reported until it is labelled recorded and then never again, even
 * from a stale informer copy; a running one is reported every time from the cached Pods, without a Pod list, unless
 * an attempt failed (whose Pod only the API still has).
 */
class FinishedRunsWithoutOperatorTest {
  private static final String NS = "analytics";
  private static final Instant HOUR = Instant.parse("2026-11-28T06:00:00Z");

  private final KubernetesStandIn kubernetes = new KubernetesStandIn().namespace(NS);
  private final KubernetesClient client = kubernetes.client();
  private final BigQueryExport export = ExportFixtures.export(NS, "product-events", null);
  private final CronJob cronJob;
  private final FinishedRuns finishedRuns = new FinishedRuns(client);
  private final ListAppender<ILoggingEvent> log = new ListAppender<>();

  FinishedRunsWithoutOperatorTest() {
    export.getMetadata().setUid("uid-product-events");
    cronJob = RunHistoryFixtures.cronJob(export, "registry.test/bqexport:1");
    cronJob.getMetadata().setOwnerReferences(List.of(new io.fabric8.kubernetes.api.model.OwnerReferenceBuilder()
        .withApiVersion("bqexport.io/v1alpha1").withKind("BigQueryExport").withName("product-events")
        .withUid(export.getMetadata().getUid()).withController(true).build()));
    log.start();
    finishedRunsLogger().addAppender(log);
  }

  @AfterEach
  void stop() {
    finishedRunsLogger().detachAppender(log);
    kubernetes.close();
  }

  @Test
  void aFinishedRunIsReportedUntilLabelledRecordedThenNeitherItsStaleCopyNorTheLabelledOneIsReported() {
    FinishedRun run = stored(finished(0));

    List<RunHistory.Run> first = finishedRuns.observe(export, Optional.of(cronJob), List.of(run.job()), List.of());
    assertThat(first).singleElement().satisfies(r -> {
      assertThat(r.record().pod()).as("its Pod is read from the API").isEqualTo(run.pod().getMetadata().getName());
      assertThat(r.record().rows()).isEqualTo(100L);
    });
    finishedRuns.markRecorded(NS, first);

    Job labelled = apiCopy(run.job());
    assertThat(FinishedRuns.recorded(labelled)).isTrue();
    assertThat(observe(run.job())).as("the informer's copy from before the label").isEmpty();
    assertThat(new FinishedRuns(client).observe(export, Optional.of(cronJob), List.of(labelled), List.of()))
        .as("after a restart, the labelled Job").isEmpty();
  }

  @Test
  void labellingOneRunLeavesOthersAndAJobReCreatedUnderItsNameToBeReported() {
    FinishedRun labelled = stored(finished(0));
    FinishedRun other = stored(finished(1));
    finishedRuns.markRecorded(NS, observe(labelled.job()));
    client.resource(labelled.job()).delete();
    Job reCreated = new JobBuilder(labelled.job()).editMetadata().withUid("uid-re-created").endMetadata().build();

    assertThat(observe(other.job(), reCreated)).extracting(r -> r.record().job())
        .containsExactly(other.job().getMetadata().getName(), reCreated.getMetadata().getName());
  }

  @Test
  void aRunningRunIsReportedFromTheCachedPodsWithoutAPodListAndIsNeverLabelled() {
    FinishedRun done = stored(finished(0));
    Job starting = new JobBuilder(finished(1).job()).withStatus(null).build(); // no status written yet
    Job active = running(finished(2).job(), new JobStatusBuilder().withActive(1).build());
    Job zeroFailed = running(finished(3).job(), new JobStatusBuilder().withActive(1).withFailed(0).build());
    List<Job> unfinished = List.of(starting, active, zeroFailed);
    kubernetes.preload(unfinished);
    List<Pod> cachedPods = unfinished.stream().map(FinishedRunsWithoutOperatorTest::runningPod).toList();
    kubernetes.preload(cachedPods);

    List<RunHistory.Run> runs = finishedRuns.observe(export, Optional.of(cronJob), unfinished, cachedPods);
    assertThat(runs).extracting(r -> r.record().pod())
        .containsExactlyElementsOf(cachedPods.stream().map(p -> p.getMetadata().getName()).toList());
    assertThat(runs).allSatisfy(r -> assertThat(r.record().result()).isEqualTo(RunHistory.RUNNING));
    assertThat(kubernetes.requests()).as("no Pod list for a run the Pod cache covers")
        .noneMatch(r -> r.path().contains("/pods"));

    List<RunHistory.Run> withTheFinished = new ArrayList<>(runs);
    withTheFinished.addAll(observe(done.job()));
    finishedRuns.markRecorded(NS, withTheFinished);
    assertThat(unfinished).allSatisfy(job -> assertThat(FinishedRuns.recorded(apiCopy(job))).isFalse());
    assertThat(FinishedRuns.recorded(apiCopy(done.job()))).isTrue();
    assertThat(observe(starting, active, zeroFailed)).hasSize(3);
  }

  @Test
  void aRunRetryingAfterAFailedAttemptShowsThatAttemptWhichOnlyTheApiStillHas() {
    FinishedRun base = finished(0);
    Job retrying = running(base.job(), new JobStatusBuilder().withStartTime(HOUR.toString()).withFailed(1).build());
    RunSummary failure = new RunSummary(RunSummary.FAILED, "BigQueryUnavailable", "BigQuery answered 503", 1,
        "recurring", null, List.of(), 0, 0, 0, null, 0, List.of(), HOUR.toString(), HOUR.plusSeconds(9).toString());
    Pod failedAttempt = new PodBuilder(base.pod()).editStatus().withPhase("Failed")
        .withContainerStatuses(new ContainerStatusBuilder().withName(ExportPodTemplate.CONTAINER).withNewState()
            .withNewTerminated().withExitCode(1).withReason("Error").withMessage(failure.toJson()).endTerminated()
            .endState().build())
        .endStatus().build();
    kubernetes.preload(List.of(retrying, failedAttempt));

    assertThat(finishedRuns.observe(export, Optional.of(cronJob), List.of(retrying), List.of()))
        .singleElement().satisfies(r -> {
          assertThat(r.record().result()).isEqualTo(RunHistory.RUNNING);
          assertThat(r.record().pod()).isEqualTo(failedAttempt.getMetadata().getName());
          assertThat(r.record().reason()).isEqualTo("BigQueryUnavailable");
        });
  }

  @Test
  void theMemoryOfLabelledRunsKeepsTheLatestOnesAndForgetsTheEldestFirst() {
    List<Job> jobs = IntStream.rangeClosed(0, FinishedRuns.RECENTLY_LABELLED).mapToObj(i -> finished(i).job())
        .toList();
    kubernetes.preload(jobs);

    finishedRuns.markRecorded(NS, RunHistory.observe(jobs, List.of()));

    assertThat(observe(jobs.get(0), jobs.get(1))).as("stale copies, one more than the memory holds")
        .extracting(r -> r.record().job()).containsExactly(jobs.get(0).getMetadata().getName());
  }

  @Test
  void aJobTheExportDoesNotControlIsLoggedOnceNotAtEveryReconcile() {
    Job forged = new JobBuilder(finished(0).job()).editMetadata().withName("forged").withUid("uid-forged")
        .withOwnerReferences(List.of()).endMetadata().build();

    assertThat(observe(forged)).isEmpty();
    assertThat(logged(NS + "/forged")).as("at the first reconcile that sees it").hasSize(1);
    assertThat(observe(forged)).isEmpty();
    assertThat(observe(forged)).isEmpty();

    assertThat(logged(NS + "/forged")).singleElement()
        .satisfies(e -> assertThat(e.getLevel()).isEqualTo(Level.INFO));
  }

  @Test
  void aRefusedLabelIsAWarningWithTheApisReasonAndAJobAlreadyGoneIsNone() {
    FinishedRun refused = stored(finished(0));
    Job gone = finished(1).job(); // deleted (or collected) between the status write and the label
    kubernetes.denyByWebhook("PATCH", ".*/jobs/" + refused.job().getMetadata().getName() + "(\\?.*)?",
        "policy.example", "labels are frozen");

    finishedRuns.markRecorded(NS, RunHistory.observe(List.of(refused.job(), gone), List.of()));

    assertThat(log.list).filteredOn(e -> e.getLevel() == Level.WARN).singleElement()
        .satisfies(e -> assertThat(e.getFormattedMessage()).contains(refused.job().getMetadata().getName())
            .contains("(HTTP 403: admission webhook \"policy.example\" denied the request: labels are frozen)"));
    assertThat(FinishedRuns.recorded(apiCopy(refused.job()))).isFalse();
    assertThat(observe(refused.job())).as("the next reconcile tries again").hasSize(1);
  }

  /** The run of {@code hour} hours after {@link #HOUR}, finished, its Job controlled by the export's CronJob. */
  private FinishedRun finished(int hour) {
    return RunHistoryFixtures.succeeded(export, cronJob, HOUR.plusSeconds(3600L * hour), 100);
  }

  private FinishedRun stored(FinishedRun run) {
    kubernetes.preload(List.of(run.job(), run.pod()));
    return run;
  }

  private List<RunHistory.Run> observe(Job... jobs) {
    return finishedRuns.observe(export, Optional.of(cronJob), List.of(jobs), List.of());
  }

  private List<ILoggingEvent> logged(String text) {
    return log.list.stream().filter(e -> e.getFormattedMessage().contains(text)).toList();
  }

  private Job apiCopy(Job job) {
    return client.batch().v1().jobs().inNamespace(NS).withName(job.getMetadata().getName()).get();
  }

  private static Job running(Job job, io.fabric8.kubernetes.api.model.batch.v1.JobStatus status) {
    return new JobBuilder(job).withStatus(status).build();
  }

  /** The Job's Pod while its exporter runs, controlled by the Job as the Job controller creates it. */
  private static Pod runningPod(Job job) {
    return new PodBuilder().withNewMetadata().withName(job.getMetadata().getName() + "-run")
        .withNamespace(NS).withUid(job.getMetadata().getUid() + "-pod")
        .withCreationTimestamp(job.getMetadata().getCreationTimestamp())
        .addToLabels(FinishedRuns.JOB_NAME_LABEL, job.getMetadata().getName())
        .addNewOwnerReference().withApiVersion("batch/v1").withKind("Job").withName(job.getMetadata().getName())
        .withUid(job.getMetadata().getUid()).withController(true).endOwnerReference().endMetadata()
        .withNewStatus().withPhase("Running").endStatus().build();
  }

  private static Logger finishedRunsLogger() {
    return (Logger) LoggerFactory.getLogger(FinishedRuns.class);
  }
}
