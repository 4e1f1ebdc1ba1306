package io.bqexport.operator.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bqexport.api.v1alpha1.BigQueryExportSpec;
import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.operator.status.ConditionType;
import io.bqexport.testing.ExportScenario;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Day-two operations on a running export: suspend, run-now, history, failures, an operator restart. */
class ExportOperationsTest {
  private static final Instant NOW = Instant.parse("2026-11-28T10:10:00Z");
  private static final Instant START = Instant.parse("2026-11-28T05:00:00Z");
  private static final String NAME = "product-events";

  private ExportScenario scenario;

  @BeforeEach
  void start() {
    scenario = new ExportScenario(NOW);
    scenario.events.hours(START, Instant.parse("2026-11-28T20:00:00Z"), 50);
    scenario.create(scenario.export(NAME, START));
    scenario.await(NAME, ConditionType.SCHEDULED, c -> c.isTrue());
  }

  @AfterEach
  void stop() {
    scenario.close();
  }

  @Test
  void suspendStopsTheScheduleAndResumeRestartsIt() {
    CronJob running = cronJob();
    assertThat(running.getSpec().getSuspend()).isFalse();

    // What the operator does: the status of the edited generation describes the CronJob it wrote in that
    // reconcile, so both are checked at once, without waiting for a stand-in to act on them.
    long suspendedGeneration = edit(spec -> withSuspend(spec, true));
    var scheduled = scenario.await(NAME, ConditionType.SCHEDULED, c -> c.observedGeneration() == suspendedGeneration);
    assertThat(scheduled.status()).isEqualTo("False");
    assertThat(scheduled.reason()).isEqualTo(Reasons.SUSPENDED);
    assertThat(scheduled.message()).isEqualTo("spec.suspend is true: no run starts.");
    assertThat(scenario.condition(NAME, ConditionType.READY).orElseThrow().reason()).isEqualTo(Reasons.SUSPENDED);
    assertThat(scenario.condition(NAME, ConditionType.STALLED).orElseThrow().status())
        .as("a suspended export needs no person").isEqualTo("False");
    CronJob suspended = cronJob();
    assertThat(suspended.getSpec().getSuspend()).isTrue();
    assertThat(suspended.getSpec().getSchedule()).isEqualTo(running.getSpec().getSchedule());
    assertThat(suspended.getSpec().getJobTemplate()).as("suspending changes nothing else")
        .isEqualTo(running.getSpec().getJobTemplate());
    assertThat(scenario.fire(NAME)).as("so the CronJob starts no Job").isNull();

    long resumedGeneration = edit(spec -> withSuspend(spec, false));
    var resumed = scenario.await(NAME, ConditionType.SCHEDULED, c -> c.observedGeneration() == resumedGeneration);
    assertThat(resumed.status()).isEqualTo("True");
    assertThat(resumed.reason()).isEqualTo(Reasons.SCHEDULED);
    assertThat(resumed.message()).isEqualTo("CronJob " + NAME + " runs on \"" + running.getSpec().getSchedule()
        + "\".");
    CronJob again = cronJob();
    assertThat(again.getSpec().getSuspend()).isFalse();
    assertThat(again.getSpec().getJobTemplate()).isEqualTo(running.getSpec().getJobTemplate());
    assertThat(scenario.fire(NAME).exitCode()).isZero();
    scenario.await(NAME, ConditionType.READY, c -> c.isTrue());
  }

  @Test
  void runNowStartsOneJobPerNonce() {
    annotate("1700000000");
    await("one run-now Job").until(() -> runNowJobs().size() == 1);
    assertThat(runNowJobs().get(0).getSpec().getTemplate().getSpec().getAutomountServiceAccountToken()).isFalse();
    assertThat(runNowJobs().get(0).getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
        .as("a run-now retries quarantined hours").contains("--retry-quarantined");
    assertThat(cronJob().getSpec().getJobTemplate().getSpec().getTemplate().getSpec().getContainers().get(0)
        .getArgs()).as("scheduled runs skip them").doesNotContain("--retry-quarantined");
    await("status.lastRunNow 1700000000").until(() -> "1700000000".equals(scenario.get(NAME).getStatus().lastRunNow()));

    var run = scenario.jobs.run(runNowJobs().get(0), scenario.clock.instant());
    assertThat(run.exitCode()).as(run.output()).isZero();
    await().untilAsserted(() -> assertThat(scenario.get(NAME).getStatus().lastRun().trigger()).isEqualTo("RunNow"));

    annotate("1700000000"); // the same nonce again starts nothing new
    scenario.clock.advance(Duration.ofMinutes(1));
    scenario.fire(NAME); // and other changes reconcile without starting it again either
    await().untilAsserted(() -> assertThat(scenario.get(NAME).getStatus().lastRun().trigger())
        .isEqualTo("Scheduled"));
    assertThat(runNowJobs()).hasSize(1);
    annotate("1700000600");
    await("a second run-now Job").until(() -> runNowJobs().size() == 2);
  }

  @Test
  void historyKeepsTheNewestRunsUpToTheLimit() {
    edit(spec -> new BigQueryExportSpec(spec.source(), spec.destination(), spec.data(), spec.schedule(),
        spec.availabilityDelay(), spec.startFrom(), spec.suspend(), 2, 1, spec.freshnessThreshold(),
        spec.validationInterval(), spec.pod()));
    await("observedGeneration 2").until(() -> scenario.get(NAME).getStatus().observedGeneration() == 2L);
    for (int i = 0; i < 3; i++) {
      assertThat(scenario.fire(NAME).exitCode()).isZero();
      int runs = i + 1;
      await("status.runs after run " + runs).until(() -> scenario.get(NAME).getStatus().runs() != null
          && scenario.get(NAME).getStatus().runs().stream().filter(r -> r.hours() != null).count()
          == Math.min(runs, 2));
      scenario.clock.advance(Duration.ofMinutes(1));
    }
    var status = scenario.get(NAME).getStatus();
    assertThat(status.runs()).hasSize(2);
    assertThat(status.runs()).extracting(r -> r.hours()).containsOnly(1L); // maxHoursPerRun 1: one hour each
    assertThat(status.exportedThrough()).isEqualTo("2026-11-28T08:00:00Z");
    assertThat(scenario.rows("events")).isEqualTo(150);
  }

  @Test
  void aRunThatDiesWithoutAMessageShowsThePodsReason() {
    Job job = scenario.jobs.startFrom(ExportScenario.NAMESPACE, cronJob().getMetadata().getName(),
        "product-events-oom");
    scenario.jobs.killWithoutMessage(job, scenario.clock.instant(), "OOMKilled");

    await().untilAsserted(() -> {
      var last = scenario.get(NAME).getStatus().lastRun();
      assertThat(last).as("no run recorded yet").isNotNull();
      assertThat(last.job()).isEqualTo("product-events-oom");
      assertThat(last.result()).isEqualTo("Failed");
      assertThat(last.reason()).isEqualTo("OOMKilled");
      assertThat(last.message()).contains("spec.pod.resources.limits.memory");
    });
    await().untilAsserted(() -> assertThat(scenario.kubernetes.client().v1().events()
        .inNamespace(ExportScenario.NAMESPACE).list().getItems())
        .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("RunFailed")));
  }

  @Test
  void anExporterFailureShowsItsReasonAndTheRecoveryIsRecorded() {
    scenario.amplitude.faults().next(1, io.bqexport.testing.amplitude.StandInFault.status(403));
    var failed = scenario.fire(NAME);
    assertThat(failed.exitCode()).isEqualTo(3);
    await().untilAsserted(() -> {
      var last = scenario.get(NAME).getStatus().lastRun();
      assertThat(last.result()).isEqualTo("Failed");
      assertThat(last.reason()).isEqualTo("AmplitudeAuthFailed");
    });

    scenario.clock.advance(Duration.ofMinutes(1));
    assertThat(scenario.fire(NAME).exitCode()).isZero();
    scenario.await(NAME, ConditionType.READY, c -> c.isTrue());
    await().untilAsserted(() -> assertThat(scenario.kubernetes.client().v1().events()
        .inNamespace(ExportScenario.NAMESPACE).list().getItems())
        .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("RunRecovered")));
  }

  @Test
  void quarantinedHoursShowInStatusAndAsAWarningEvent() {
    // BigQuery rejects every load (a field the staging table lacks): every due hour fails the same way each run.
    var client = io.bqexport.bigquery.BigQueryClientFactory.fromKeyJson(scenario.key.json(), null, "US",
        scenario.bigquery.endpoint()); // the emulator requires authentication
    scenario.bigquery.faults().onRequest("POST", "^/upload/", request -> client.listTables(
        com.google.cloud.bigquery.DatasetId.of(ExportScenario.PROJECT, ExportScenario.DATASET)).iterateAll()
        .forEach(t -> {
          if (t.getTableId().getTable().startsWith("_bqexport_stage_")) {
            scenario.bigquery.query(ExportScenario.PROJECT, "ALTER TABLE `" + ExportScenario.PROJECT + "."
                + ExportScenario.DATASET + "." + t.getTableId().getTable() + "` DROP COLUMN uuid");
          }
        }));
    Instant firstFailure = scenario.clock.instant().plus(Duration.ofMinutes(1));
    for (int run = 0; run < 3; run++) {
      scenario.clock.advance(Duration.ofMinutes(1));
      assertThat(scenario.fire(NAME).exitCode()).isEqualTo(5);
    }

    await().untilAsserted(() -> assertThat(scenario.get(NAME).getStatus().quarantinedHours())
        .isNotEmpty().allSatisfy(q -> {
          assertThat(q.reason()).isEqualTo("LoadRejected");
          assertThat(q.failures()).isEqualTo(3);
          assertThat(q.since()).as("the first of the three failures").isEqualTo(firstFailure.toString());
        }).extracting(q -> q.hour()).contains(START.toString()));
    await().untilAsserted(() -> assertThat(scenario.kubernetes.client().v1().events()
        .inNamespace(ExportScenario.NAMESPACE).list().getItems())
        .filteredOn(e -> "HoursQuarantined".equals(e.getReason())).singleElement()
        .satisfies(e -> assertThat(e.getType()).isEqualTo("Warning")));
  }

  @Test
  void anOperatorRestartedMidRunRebuildsTheStatus() {
    CronJob cronJob = cronJob();
    scenario.stopOperator();
    var run = scenario.jobs.fire(ExportScenario.NAMESPACE, cronJob.getMetadata().getName(), scenario.clock.instant());
    assertThat(run.exitCode()).isZero();

    scenario.startOperator();
    scenario.await(NAME, ConditionType.READY, c -> c.isTrue());
    var status = scenario.get(NAME).getStatus();
    assertThat(status.exportedThrough()).isEqualTo("2026-11-28T08:00:00Z");
    assertThat(status.lastRun().job()).isEqualTo(run.job().getMetadata().getName());
    assertThat(status.lastRun().rows()).isEqualTo(150);
  }

  private CronJob cronJob() {
    return scenario.kubernetes.client().batch().v1().cronjobs().inNamespace(ExportScenario.NAMESPACE)
        .withName(NAME).get();
  }

  private List<Job> runNowJobs() {
    return scenario.kubernetes.client().batch().v1().jobs().inNamespace(ExportScenario.NAMESPACE)
        .withLabel(ExportLabels.TRIGGER, "RunNow").list().getItems();
  }

  private void annotate(String nonce) {
    scenario.annotate(NAME, RunNow.ANNOTATION, nonce);
  }

  /** @return the generation of the edited export */
  private long edit(java.util.function.UnaryOperator<BigQueryExportSpec> change) {
    scenario.patchSpec(NAME, change.apply(scenario.get(NAME).getSpec()));
    return scenario.get(NAME).getMetadata().getGeneration();
  }

  private static BigQueryExportSpec withSuspend(BigQueryExportSpec s, boolean suspend) {
    return new BigQueryExportSpec(s.source(), s.destination(), s.data(), s.schedule(), s.availabilityDelay(),
        s.startFrom(), suspend, s.historyLimit(), s.maxHoursPerRun(), s.freshnessThreshold(),
        s.validationInterval(), s.pod());
  }
}
