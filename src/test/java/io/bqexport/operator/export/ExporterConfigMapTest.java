package io.bqexport.operator.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.IntegritySpec;
import io.bqexport.exporter.ExporterConfig;
import io.bqexport.testing.ExportFixtures;
import io.bqexport.testing.ExportSpecs;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What the exporter is told about an export: the ConfigMap's name, where to start, and the integrity re-check. */
class ExporterConfigMapTest {
  private static final Instant NOW = Instant.parse("2026-11-28T12:34:00Z");

  @Test
  void theConfigMapIsNamedAfterTheExportWithinTheCronJobLimit() {
    BigQueryExport export = ExportFixtures.export("team-a", "product-events", null);
    assertThat(ExporterConfigMap.name(export)).isEqualTo("product-events-exporter");
    var configMap = ExporterConfigMap.desired(export, NOW);
    assertThat(configMap.getMetadata().getName()).isEqualTo("product-events-exporter");
    assertThat(configMap.getMetadata().getNamespace()).isEqualTo("team-a");
    assertThat(configMap.getData()).containsKey(ExporterConfigMap.CONFIG_KEY);
    BigQueryExport longName = ExportFixtures.export("team-a", "e".repeat(60), null);
    assertThat(ExporterConfigMap.name(longName)).hasSize(ChildNames.MAX_CRONJOB_NAME).startsWith("e".repeat(30));
  }

  @Test
  void withoutStartFromTheExporterResumesFromItsLedgerAndWithOneItStartsThere() {
    BigQueryExport export = ExportFixtures.export("team-a", "product-events", null);
    assertThat(ExporterConfigMap.config(export, NOW).resumeFromLedger()).isTrue();
    export.setSpec(ExportSpecs.withStartFrom(export.getSpec(), "2026-11-01T00:00:00Z"));
    ExporterConfig config = ExporterConfigMap.config(export, NOW);
    assertThat(config.resumeFromLedger()).isNull();
    assertThat(config.startFrom()).isEqualTo("2026-11-01T00:00:00Z");
  }

  @Test
  void theIntegrityRecheckIsPassedInIsoDurations() {
    BigQueryExport export = ExportFixtures.export("team-a", "product-events", null);
    export.setSpec(ExportSpecs.withIntegrity(export.getSpec(), new IntegritySpec(true, "12h", "2d", 6)));
    assertThat(ExporterConfigMap.config(export, NOW).integrity())
        .isEqualTo(new ExporterConfig.Integrity(true, "PT12H", "PT48H", 6));
  }
}
