package io.bqexport.operator.export;

import static io.bqexport.testing.ExportSpecs.withIntegrity;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bqexport.api.v1alpha1.IntegritySpec;
import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.exporter.ExporterConfig;
import io.bqexport.exporter.ExporterConfigReader;
import io.bqexport.operator.status.ConditionType;
import io.bqexport.testing.ExportScenario;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** spec.integrity reaches the exporter's config (ISO-8601 durations), and a value that cannot work stalls the export. */
class IntegrityConfigTest {
  private static final Instant NOW = Instant.parse("2026-11-28T10:10:00Z");
  private static final String NAME = "product-events";

  private ExportScenario scenario;

  @BeforeEach
  void start() {
    scenario = new ExportScenario(NOW);
    scenario.create(scenario.export(NAME, Instant.parse("2026-11-28T05:00:00Z")));
    scenario.await(NAME, ConditionType.SCHEDULED, c -> c.isTrue());
  }

  @AfterEach
  void stop() {
    scenario.close();
  }

  @Test
  void theConfigCarriesTheDefaultsTheOverridesAndTheSwitch() {
    ExporterConfig.Integrity defaults = integrity();
    assertThat(defaults.enabledOrDefault()).isTrue();
    assertThat(defaults.recheckAfterOrDefault()).isEqualTo(Duration.ofHours(24));
    assertThat(defaults.lookbackOrDefault()).isEqualTo(Duration.ofDays(7));
    assertThat(defaults.maxHoursPerRunOrDefault()).isEqualTo(24);

    edit(new IntegritySpec(true, "1d12h", "14d", 6));
    await("integrity.maxHoursPerRun 6 in the exporter config").until(() -> integrity().maxHoursPerRunOrDefault() == 6);
    assertThat(integrity().recheckAfterOrDefault()).isEqualTo(Duration.ofHours(36));
    assertThat(integrity().lookbackOrDefault()).isEqualTo(Duration.ofDays(14));
    assertThat(integrity().enabledOrDefault()).isTrue();

    edit(new IntegritySpec(false, null, null, null));
    await("integrity disabled in the exporter config").until(() -> !integrity().enabledOrDefault());
    assertThat(integrity().enabled()).as("written out, not left to a default").isFalse();
  }

  @Test
  void aRecheckBeforeTheHourIsExportedStallsTheExportNamingTheField() {
    edit(new IntegritySpec(true, "1h", null, null)); // availabilityDelay is 2h
    var stalled = scenario.awaitReason(NAME, ConditionType.STALLED, Reasons.INVALID_INTEGRITY);
    assertThat(stalled.status()).isEqualTo("True");
    assertThat(stalled.message()).contains("spec.integrity.recheckAfter 1h", "spec.availabilityDelay");
    assertThat(scenario.condition(NAME, ConditionType.READY).orElseThrow().reason())
        .isEqualTo(Reasons.INVALID_INTEGRITY);

    edit(new IntegritySpec(true, "3h", null, null));
    scenario.await(NAME, ConditionType.STALLED, c -> "False".equals(c.status()));
    await("integrity.recheckAfter 3h in the exporter config").until(() -> integrity().recheckAfterOrDefault().equals(Duration.ofHours(3)));
  }

  private void edit(IntegritySpec integrity) {
    scenario.patchSpec(NAME, withIntegrity(scenario.get(NAME).getSpec(), integrity));
  }

  private ExporterConfig.Integrity integrity() {
    String json = scenario.kubernetes.client().configMaps().inNamespace(ExportScenario.NAMESPACE)
        .withName(NAME + "-exporter").get().getData().get(ExporterConfigMap.CONFIG_KEY);
    return ExporterConfigReader.parse(json).integrity();
  }
}
