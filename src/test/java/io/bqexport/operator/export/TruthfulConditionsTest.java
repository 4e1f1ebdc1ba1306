package io.bqexport.operator.export;

import static io.bqexport.testing.ExportSpecs.withDataset;
import static io.bqexport.testing.ExportSpecs.withSchedule;
import static io.bqexport.testing.ExportSpecs.withStartFrom;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.BigQueryExportSpec;
import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.operator.status.ConditionType;
import io.bqexport.testing.ExportScenario;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Status never claims more than the operator knows: a changed spec is not Ready before it is checked. */
class TruthfulConditionsTest {
  private static final Instant NOW = Instant.parse("2026-11-28T10:10:00Z");
  private static final Instant START = Instant.parse("2026-11-28T09:00:00Z");

  private ExportScenario scenario;

  @BeforeEach
  void start() {
    scenario = new ExportScenario(NOW);
  }

  @AfterEach
  void stop() {
    scenario.close();
  }

  @Test
  void aSpecChangeToAMissingDatasetIsValidatingUntilCheckedWhileTheChildrenKeepTheValidatedConfiguration()
      throws InterruptedException {
    scenario.create(scenario.export("moving", START));
    scenario.await("moving", ConditionType.READY, c -> c.isTrue());
    String configBefore = exporterConfig("moving");

    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch held = new CountDownLatch(1);
    scenario.bigquery.faults().onRequest("GET", ".*/datasets/no_such_dataset$", request -> {
      held.countDown();
      try {
        release.await(2, TimeUnit.MINUTES); // the probe of the new spec is held here until the test has looked
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    scenario.patchSpec("moving", withDataset(scenario.get("moving").getSpec(), "no_such_dataset"));

    assertThat(held.await(2, TimeUnit.MINUTES)).as("the new spec is being probed").isTrue();
    var ready = scenario.await("moving", ConditionType.READY, c -> "Unknown".equals(c.status()));
    assertThat(ready.reason()).isEqualTo(Reasons.VALIDATING);
    BigQueryExport export = scenario.get("moving");
    assertThat(export.getStatus().observedGeneration()).isEqualTo(export.getMetadata().getGeneration());
    var reconciling = scenario.condition("moving", ConditionType.RECONCILING).orElseThrow();
    assertThat(reconciling.status()).isEqualTo("True");
    assertThat(reconciling.reason()).isEqualTo(Reasons.VALIDATING);
    assertThat(scenario.condition("moving", ConditionType.CREDENTIALS_VALID).orElseThrow().status())
        .isEqualTo("Unknown");
    assertThat(exporterConfig("moving")).as("the ConfigMap keeps the validated dataset").isEqualTo(configBefore);
    assertThat(cronJob("moving").getSpec().getSuspend()).isFalse();

    release.countDown();
    var stalled = scenario.awaitReason("moving", ConditionType.STALLED, Reasons.DATASET_NOT_FOUND);
    assertThat(stalled.status()).isEqualTo("True");
    assertThat(scenario.condition("moving", ConditionType.READY).orElseThrow().status()).isEqualTo("False");
    await().atMost(Duration.ofMinutes(2)).until(() -> cronJob("moving").getSpec().getSuspend());
  }

  @Test
  void anInvalidSpecSuspendsTheCronJobAndKeepsScheduledAndDataFreshVisible() {
    scenario.create(scenario.export("broken", START));
    scenario.await("broken", ConditionType.READY, c -> c.isTrue());
    BigQueryExportSpec valid = scenario.get("broken").getSpec();

    scenario.patchSpec("broken", withSchedule(valid, "61 * * * *"));
    scenario.awaitReason("broken", ConditionType.STALLED, Reasons.INVALID_SCHEDULE);
    await().atMost(Duration.ofMinutes(2)).until(() -> cronJob("broken").getSpec().getSuspend());
    var scheduled = scenario.condition("broken", ConditionType.SCHEDULED).orElseThrow();
    assertThat(scheduled.status()).isEqualTo("False");
    assertThat(scheduled.reason()).isEqualTo(Reasons.SPEC_INVALID);
    assertThat(scenario.condition("broken", ConditionType.DATA_FRESH)).isPresent();

    scenario.patchSpec("broken", valid);
    scenario.await("broken", ConditionType.READY, c -> c.isTrue());
    assertThat(cronJob("broken").getSpec().getSuspend()).isFalse();
    assertThat(scenario.kubernetes.client().v1().events().inNamespace(ExportScenario.NAMESPACE).list().getItems())
        .as("resuming after a fix is not a hand edit")
        .noneSatisfy(e -> assertThat(e.getReason()).isEqualTo(Reasons.MANUAL_CHANGE_REVERTED));
  }

  @Test
  void aDeniedSuspendOfAnInvalidSpecsCronJobIsReportedAsStillRunning() {
    // The operator writes a refused child again 2 s later, not after the production minute: it waits in real time.
    scenario.restartOperatorWithRetries(ExportRetries.DEFAULT.withApplyRetry(Duration.ofSeconds(2)));
    scenario.create(scenario.export("frozen", START));
    scenario.await("frozen", ConditionType.READY, c -> c.isTrue());
    scenario.kubernetes.denyByWebhook("PATCH", ".*/namespaces/analytics/cronjobs/frozen.*", "policy.example.com",
        "CronJobs may not be suspended");

    scenario.patchSpec("frozen", withSchedule(scenario.get("frozen").getSpec(), "61 * * * *"));
    scenario.awaitReason("frozen", ConditionType.STALLED, Reasons.INVALID_SCHEDULE);
    var scheduled = scenario.await("frozen", ConditionType.SCHEDULED,
        c -> Reasons.APPLY_FAILED.equals(c.reason()));
    assertThat(cronJob("frozen").getSpec().getSuspend()).as("the webhook kept it running").isFalse();
    assertThat(scheduled.status()).isEqualTo("True");
    assertThat(scheduled.message()).contains("still runs the last valid spec", "CronJobs may not be suspended");

    scenario.kubernetes.allowAll(); // the retry suspends it
    await().atMost(Duration.ofMinutes(2)).until(() -> cronJob("frozen").getSpec().getSuspend());
    scenario.awaitReason("frozen", ConditionType.SCHEDULED, Reasons.SPEC_INVALID);
  }

  @Test
  void aStartFromTooFarAheadBecomesValidByItself() {
    assertThat(ExportSpecValidator.validAt(withStartFrom(scenario.export("x", START).getSpec(),
        "2026-11-28T15:00:00Z"), NOW)).contains(Instant.parse("2026-11-28T14:00:00Z"));
    assertThat(new ExportSpecValidator(true).validate(withStartFrom(scenario.export("x", START).getSpec(),
        "2026-11-28T15:00:00Z"), Instant.parse("2026-11-28T14:00:00Z"))).isEmpty();
  }

  private String exporterConfig(String name) {
    return scenario.kubernetes.client().configMaps().inNamespace(ExportScenario.NAMESPACE)
        .withName(name + "-exporter").get().getData().get(ExporterConfigMap.CONFIG_KEY);
  }

  private CronJob cronJob(String name) {
    return scenario.kubernetes.client().batch().v1().cronjobs().inNamespace(ExportScenario.NAMESPACE)
        .withName(name).get();
  }
}
