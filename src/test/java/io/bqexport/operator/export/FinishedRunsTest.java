package io.bqexport.operator.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bqexport.api.v1alpha1.RunRecord;
import io.bqexport.operator.status.ConditionType;
import io.bqexport.testing.ExportFixtures;
import io.bqexport.testing.ExportScenario;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Finished runs are recorded once from the API and then left out of the operator's caches: the Job is labelled
 * recorded once status.runs holds it, also when it finished while the operator was down, and a record is never
 * repeated when the label did not make it (a crash between the status write and the label).
 */
class FinishedRunsTest {
  private static final Instant NOW = Instant.parse("2026-11-28T10:10:00Z");
  private static final Instant START = Instant.parse("2026-11-28T05:00:00Z");
  private static final String EXPORT = "product-events";

  private ExportScenario scenario;
  private KubernetesClient client;

  @BeforeEach
  void start() {
    scenario = new ExportScenario(NOW);
    scenario.events.hours(START, Instant.parse("2026-11-28T10:00:00Z"), 200);
    client = scenario.kubernetes.client();
  }

  @AfterEach
  void stop() {
    scenario.close();
  }

  @Test
  void aRunThatFinishedWhileTheOperatorWasDownIsRecordedOnceAfterTheRestartAndThenLabelled() {
    scenario.create(scenario.export(EXPORT, START));
    scenario.await(EXPORT, ConditionType.SCHEDULED, c -> c.isTrue());
    scenario.stopOperator();
    Job job = jobOfCronJob();
    scenario.jobs.killWithoutMessage(job, NOW, "OOMKilled");

    scenario.startOperator();
    // The reason comes from the finished Pod, which only the list by job-name brings (the Pod informer selects
    // unfinished Pods where the API server honours field selectors).
    RunRecord record = awaitRecorded(job);
    assertThat(record.result()).isEqualTo("Failed");
    assertThat(record.reason()).isEqualTo("OOMKilled");
    awaitLabelled(job);
    assertThat(runFailedEvents()).singleElement().satisfies(e -> assertThat(e.getCount()).isEqualTo(1));

    // As if the operator died between the status write and the label: the next one records nothing twice.
    scenario.stopOperator();
    client.batch().v1().jobs().inNamespace(ExportScenario.NAMESPACE).withName(job.getMetadata().getName())
        .edit(j -> {
          j.getMetadata().getLabels().remove(ExportLabels.RUN_RECORDED);
          return j;
        });
    scenario.startOperator();
    awaitLabelled(job);
    assertThat(scenario.get(EXPORT).getStatus().runs()).singleElement()
        .satisfies(r -> assertThat(r).isEqualTo(record));
    assertThat(runFailedEvents()).singleElement().satisfies(e -> assertThat(e.getCount()).isEqualTo(1));
  }

  @Test
  void aRunFinishedWhileRunningKeepsItsRecordWithTheFiguresOfItsPodAfterItsJobLeavesTheCache() {
    scenario.create(scenario.export(EXPORT, START));
    scenario.await(EXPORT, ConditionType.SCHEDULED, c -> c.isTrue());
    var run = scenario.fire(EXPORT);
    assertThat(run.exitCode()).as(run.output()).isZero();

    awaitLabelled(run.job());
    RunRecord record = awaitRecorded(run.job());
    assertThat(record.result()).isEqualTo("Succeeded");
    assertThat(record.rows()).isEqualTo(600);
    // A later reconcile (a Secret touched) no longer sees the Job, and the record stays as it was.
    scenario.clock.advance(Duration.ofMinutes(1));
    String touched = client.secrets().inNamespace(ExportScenario.NAMESPACE).withName(ExportFixtures.AMPLITUDE_SECRET)
        .edit(s -> {
          s.getMetadata().getLabels().put("touched", "yes");
          return s;
        }).getMetadata().getResourceVersion();
    await().atMost(Duration.ofMinutes(2)).until(() -> scenario.get(EXPORT).getStatus().credentials()
        .secretVersions().contains(ExportFixtures.AMPLITUDE_SECRET + "@" + touched) && scenario.condition(EXPORT, ConditionType.READY)
        .map(c -> c.isTrue()).orElse(false));
    assertThat(scenario.get(EXPORT).getStatus().runs()).containsExactly(record);
    assertThat(scenario.get(EXPORT).getStatus().exportedThrough()).isEqualTo("2026-11-28T08:00:00Z");
  }

  @Test
  void aJobLabelledHereIsNotListedAgainFromAStaleCacheCopyButOneReCreatedUnderItsNameIs() {
    scenario.create(scenario.export(EXPORT, START));
    scenario.await(EXPORT, ConditionType.SCHEDULED, c -> c.isTrue());
    scenario.stopOperator();
    Job job = jobOfCronJob();
    scenario.jobs.killWithoutMessage(job, NOW, "OOMKilled");
    Job cached = client.batch().v1().jobs().inNamespace(ExportScenario.NAMESPACE)
        .withName(job.getMetadata().getName()).get();
    FinishedRuns runs = new FinishedRuns(client);
    var export = scenario.get(EXPORT);
    var cronJob = Optional.of(client.batch().v1().cronjobs().inNamespace(ExportScenario.NAMESPACE).withName(EXPORT)
        .get());

    List<RunHistory.Run> seen = runs.observe(export, cronJob, List.of(cached), List.of());
    assertThat(seen).singleElement().satisfies(r -> assertThat(r.record().reason()).isEqualTo("OOMKilled"));
    runs.markRecorded(ExportScenario.NAMESPACE, seen);
    awaitLabelled(job);
    // A reconcile another event starts before the informer drops the Job still hands over the unlabelled copy.
    int before = scenario.kubernetes.requests().size();
    assertThat(runs.observe(export, cronJob, List.of(cached), List.of())).isEmpty();
    assertThat(scenario.kubernetes.requests().subList(before, scenario.kubernetes.requests().size())).isEmpty();

    client.resource(cached).delete();
    await().atMost(Duration.ofMinutes(2)).until(() -> client.batch().v1().jobs()
        .inNamespace(ExportScenario.NAMESPACE).withName(job.getMetadata().getName()).get() == null);
    Job again = jobOfCronJob();
    scenario.jobs.killWithoutMessage(again, NOW, "DeadlineExceeded");
    assertThat(runs.observe(export, cronJob, List.of(client.resource(again).get()), List.of())).singleElement()
        .satisfies(r -> assertThat(r.record().reason()).isEqualTo("DeadlineExceeded"));
  }

  private RunRecord awaitRecorded(Job job) {
    await().atMost(Duration.ofMinutes(2)).until(() -> recordOf(job) != null
        && !RunHistory.RUNNING.equals(recordOf(job).result()));
    return recordOf(job);
  }

  private RunRecord recordOf(Job job) {
    var status = scenario.get(EXPORT).getStatus();
    return status == null || status.runs() == null ? null : status.runs().stream()
        .filter(r -> r.job().equals(job.getMetadata().getName())).findFirst().orElse(null);
  }

  private void awaitLabelled(Job job) {
    await().atMost(Duration.ofMinutes(2)).until(() -> FinishedRuns.recorded(client.batch().v1().jobs()
        .inNamespace(ExportScenario.NAMESPACE).withName(job.getMetadata().getName()).get()));
  }

  private List<Event> runFailedEvents() {
    return client.v1().events().inNamespace(ExportScenario.NAMESPACE).list().getItems().stream()
        .filter(e -> "RunFailed".equals(e.getReason())).toList();
  }

  /** A Job as the CronJob controller starts it, left to the test to finish. */
  private Job jobOfCronJob() {
    return scenario.jobs.startFrom(ExportScenario.NAMESPACE, EXPORT, EXPORT + "-29411410");
  }
}
