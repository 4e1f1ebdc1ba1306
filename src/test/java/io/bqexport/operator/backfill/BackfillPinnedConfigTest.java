package io.bqexport.operator.backfill;

import static io.bqexport.testing.ExportSpecs.withDataset;
import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.api.v1alpha1.BackfillMode;
import io.bqexport.operator.export.ExporterConfigMap;
import io.bqexport.testing.ExportScenario;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A backfill exports with the configuration it started with, whatever happens to its export meanwhile. */
class BackfillPinnedConfigTest {
  private static final Instant NOW = Instant.parse("2026-11-28T10:10:00Z");
  private static final Instant START = Instant.parse("2026-11-20T00:00:00Z");
  private static final Instant END = START.plus(2, ChronoUnit.DAYS);
  private static final int PER_HOUR = 20;

  private ExportScenario scenario;
  private BackfillHarness h;

  @BeforeEach
  void start() {
    scenario = new ExportScenario(NOW);
    scenario.events.hours(START, END, PER_HOUR);
    h = new BackfillHarness(scenario);
    scenario.create(scenario.export("product-events", Instant.parse("2026-11-28T09:00:00Z")));
    h.awaitExportValid("product-events");
  }

  @AfterEach
  void stop() {
    scenario.close();
  }

  @Test
  void changingTheExportsDestinationMidBackfillDoesNotRedirectTheRemainingChunks() {
    h.create("history", "product-events", START, END, BackfillMode.FillGaps, 24, 1);
    h.awaitJob("history");
    h.wave("history"); // the first chunk lands in the export's dataset

    scenario.bigquery.createDataset(ExportScenario.PROJECT, "moved");
    scenario.patchSpec("product-events", withDataset(scenario.get("product-events").getSpec(), "moved"));
    Awaitility.await().atMost(Duration.ofMinutes(2)).until(() -> exporterConfig("product-events-exporter")
        .contains("\"moved\""));

    h.runToEnd("history");
    h.awaitPhase("history", "Succeeded");
    assertThat(exporterConfig("history-backfill-config")).contains("\"" + ExportScenario.DATASET + "\"")
        .doesNotContain("\"moved\"");
    assertThat(scenario.rows("events")).as("both chunks in the dataset the backfill started with")
        .isEqualTo(48L * PER_HOUR);
    assertThat(scenario.bigquery.rowCount(ExportScenario.PROJECT, "moved", "events")).isZero();
  }

  private String exporterConfig(String configMap) {
    return scenario.kubernetes.client().configMaps().inNamespace(ExportScenario.NAMESPACE).withName(configMap).get()
        .getData().get(ExporterConfigMap.CONFIG_KEY);
  }
}
