package io.bqexport.operator.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.operator.status.ConditionType;
import io.bqexport.testing.ExportScenario;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Apply Secrets and an export; it validates itself, runs on schedule and tells the truth on its status. */
class ExportLifecycleTest {
  private static final Instant NOW = Instant.parse("2026-11-28T10:10:00Z");
  private static final Instant START = Instant.parse("2026-11-28T05:00:00Z");

  private ExportScenario scenario;

  @BeforeEach
  void start() {
    scenario = new ExportScenario(NOW);
    scenario.events.hours(START, Instant.parse("2026-11-28T10:00:00Z"), 200);
  }

  @AfterEach
  void stop() {
    scenario.close();
  }

  @Test
  void validatesSchedulesRunsAndBecomesReady() {
    scenario.create(scenario.export("product-events", START));

    var credentials = scenario.awaitReason("product-events", ConditionType.CREDENTIALS_VALID, Reasons.VALIDATED);
    assertThat(credentials.status()).isEqualTo("True");
    assertThat(credentials.message()).contains("bq-writer@acme-analytics.iam.gserviceaccount.com");
    assertThat(scenario.bigquery.tableExists(ExportScenario.PROJECT, ExportScenario.DATASET, "events")).isTrue();
    assertThat(scenario.bigquery.tableExists(ExportScenario.PROJECT, ExportScenario.DATASET, "_bqexport_ledger"))
        .isTrue();
    scenario.await("product-events", ConditionType.SCHEDULED, c -> c.isTrue());
    // Hours 05, 06 and 07 are due (H + 1h + 2h <= 10:10) and nothing is exported: 3h behind > 2h threshold.
    var stale = scenario.awaitReason("product-events", ConditionType.DATA_FRESH, Reasons.STALE);
    assertThat(stale.message()).contains("hours are due through 2026-11-28T08:00:00Z", "3 hour(s) behind");
    assertThat(scenario.condition("product-events", ConditionType.READY).orElseThrow().reason())
        .isEqualTo(Reasons.STALE);

    CronJob cronJob = scenario.kubernetes.client().batch().v1().cronjobs().inNamespace(ExportScenario.NAMESPACE)
        .withName("product-events").get();
    assertThat(cronJob.getSpec().getSuspend()).isFalse();
    assertThat(cronJob.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(o -> assertThat(o.getKind()).isEqualTo("BigQueryExport"));
    ConfigMap config = scenario.kubernetes.client().configMaps().inNamespace(ExportScenario.NAMESPACE)
        .withName("product-events-exporter").get();
    assertThat(config.getData().get("config.json")).doesNotContain(ExportScenario.SECRET_KEY, "PRIVATE KEY");

    var run = scenario.fire("product-events");
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(scenario.rows("events")).isEqualTo(600);

    var ready = scenario.await("product-events", ConditionType.READY, c -> c.isTrue());
    assertThat(ready.message()).contains("through 2026-11-28T08:00:00Z");
    // Ready follows the pod's run summary, which can be seen before the Job controller marks the Job complete: the
    // run's record says Running until then.
    await().atMost(Duration.ofMinutes(2)).until(() -> "Succeeded".equals(scenario.get("product-events").getStatus()
        .runs().get(0).result()));
    BigQueryExport export = scenario.get("product-events");
    assertThat(export.getStatus().exportedThrough()).isEqualTo("2026-11-28T08:00:00Z");
    assertThat(export.getStatus().missingHours()).isZero();
    assertThat(export.getStatus().runs()).singleElement().satisfies(r -> {
      assertThat(r.result()).isEqualTo("Succeeded");
      assertThat(r.hours()).isEqualTo(3);
      assertThat(r.rows()).isEqualTo(600);
      assertThat(r.trigger()).isEqualTo("Scheduled");
    });
    assertThat(export.getStatus().lastSuccessfulRun().job()).isEqualTo(run.job().getMetadata().getName());
    assertThat(export.getStatus().credentials().serviceAccount())
        .isEqualTo("bq-writer@acme-analytics.iam.gserviceaccount.com");
  }

  @Test
  void scheduleThatStopsProducingDataTurnsReadyFalse() {
    scenario.create(scenario.export("product-events", START));
    scenario.await("product-events", ConditionType.SCHEDULED, c -> c.isTrue());
    scenario.fire("product-events");
    scenario.await("product-events", ConditionType.READY, c -> c.isTrue());

    // Three hours pass and no run happens. In a cluster the periodic requeue (at Freshness.reevaluateAt, see
    // FreshnessTest) re-evaluates; here the clock is simulated, so a harmless Secret label wakes the reconciler.
    scenario.clock.advance(Duration.ofHours(3));
    scenario.kubernetes.client().secrets().inNamespace(ExportScenario.NAMESPACE).withName("amplitude-prod")
        .edit(s -> {
          s.getMetadata().getLabels().put("touched", "yes");
          return s;
        });
    var stale = scenario.awaitReason("product-events", ConditionType.DATA_FRESH, Reasons.STALE);
    assertThat(stale.status()).isEqualTo("False");
    // The touched Secret is validated again first (Ready=Unknown meanwhile), then Ready reports the stale data.
    assertThat(scenario.await("product-events", ConditionType.READY, c -> !"Unknown".equals(c.status())).status())
        .isEqualTo("False");
    await().untilAsserted(() -> assertThat(scenario.kubernetes.client().v1().events()
        .inNamespace(ExportScenario.NAMESPACE).list().getItems())
        .anySatisfy(e -> assertThat(e.getReason()).isEqualTo(Reasons.STALE)));
  }
}
