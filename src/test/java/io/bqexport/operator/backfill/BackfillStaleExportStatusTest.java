package io.bqexport.operator.backfill;

import static io.bqexport.testing.ExportSpecs.withDataset;
import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.api.v1alpha1.BackfillMode;
import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.exporter.ExporterConfigReader;
import io.bqexport.operator.export.ExporterConfigMap;
import io.bqexport.testing.ExportScenario;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A backfill starts only on an export whose current generation was validated: a CredentialsValid=True left over
 * from an older generation says nothing about the spec the backfill would pin (a new destination, another Secret).
 */
class BackfillStaleExportStatusTest {
  private static final Instant NOW = Instant.parse("2026-11-28T10:10:00Z");
  private static final Instant START = Instant.parse("2026-11-20T00:00:00Z");
  private static final Instant END = START.plus(1, ChronoUnit.DAYS);

  private ExportScenario scenario;
  private BackfillHarness h;

  @BeforeEach
  void start() {
    scenario = new ExportScenario(NOW);
    scenario.events.hours(START, END, 5);
    h = new BackfillHarness(scenario);
    scenario.create(scenario.export("product-events", Instant.parse("2026-11-28T09:00:00Z")));
    h.awaitExportValid("product-events");
  }

  @AfterEach
  void stop() {
    scenario.close();
  }

  @Test
  void aBackfillWaitsWhileTheExportsNewGenerationIsUnchecked() {
    // The export's reconciler has not caught up with the new spec (here: its status writes are refused, as a
    // busy or briefly unavailable API server does); the status still says CredentialsValid=True for generation 1.
    scenario.kubernetes.denyByWebhook("PATCH", ".*/bigqueryexports/product-events/status.*", "freeze",
        "held by the test");
    scenario.kubernetes.denyByWebhook("PUT", ".*/bigqueryexports/product-events/status.*", "freeze",
        "held by the test");
    scenario.patchSpec("product-events", withDataset(scenario.get("product-events").getSpec(), "unvalidated"));

    h.create("history", "product-events", START, END, BackfillMode.FillGaps, 24, 1);
    var waiting = h.await("history", b -> BackfillHarness.condition(b, "Ready")
        .map(c -> Reasons.WAITING_FOR_EXPORT.equals(c.reason())).orElse(false));
    assertThat(h.job("history-backfill")).as("no Job on an unchecked export spec").isNull();
    assertThat(pinnedConfig()).as("no configuration pinned from it").isNull();
    assertThat(waiting.getStatus().phase()).isNotEqualTo("Running");
  }

  /**
   * The operator's copy of the export lags the API server when its watch is slow (a busy API server or operator): it
   * may still show generation 1, validated, after the user wrote generation 2. A backfill created after that write
   * once started from the copy and pinned the destination the user had replaced (the flake of the test above under
   * load). It starts only from the export as the API server has it, so here from the new destination once validated.
   */
  @Test
  void aBackfillCreatedAfterTheExportChangedNeverStartsFromTheOperatorsOlderCopy() {
    scenario.bigquery.createDataset(ExportScenario.PROJECT, "moved");
    scenario.kubernetes.holdWatchUpdates("bigqueryexports");
    scenario.patchSpec("product-events", withDataset(scenario.get("product-events").getSpec(), "moved"));

    h.create("history", "product-events", START, END, BackfillMode.FillGaps, 24, 1);
    h.await("history", b -> BackfillHarness.condition(b, "Ready")
        .map(c -> Reasons.WAITING_FOR_EXPORT.equals(c.reason())).orElse(false));
    assertThat(h.job("history-backfill")).as("no Job from the older copy").isNull();
    assertThat(pinnedConfig()).as("nothing pinned from the older copy").isNull();

    scenario.kubernetes.releaseWatches(); // the export validates generation 2; the backfill starts from it
    h.awaitJob("history");
    assertThat(ExporterConfigReader.parse(pinnedConfig().getData().get(ExporterConfigMap.CONFIG_KEY)).destination()
        .dataset()).isEqualTo("moved");
  }

  private ConfigMap pinnedConfig() {
    return scenario.kubernetes.client().configMaps().inNamespace(ExportScenario.NAMESPACE)
        .withName("history-backfill-config").get();
  }
}
