package io.bqexport.exporter;

import static io.bqexport.exporter.ExporterHarness.hour;
import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.ExportWindow;
import io.bqexport.testing.amplitude.AmplitudeEventGenerator;
import io.bqexport.testing.amplitude.GeneratedEvents;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A permanently failing hour never stops later hours, is quarantined after 3 runs, and a retry path exists. */
class QuarantineTest {

  private final GeneratedEvents events = new GeneratedEvents(new AmplitudeEventGenerator(5, 187520));
  private final AtomicBoolean poisonNextLoad = new AtomicBoolean();
  private ExporterHarness h;

  @BeforeEach
  void start() {
    h = new ExporterHarness(events);
    h.startFrom = hour(10);
    events.hours(hour(10), hour(12), 6);
    // BigQuery rejects the rows of the next load (DONE with errorResult "invalid": a field the table lacks), as it
    // rejects rows it cannot read.
    h.bigquery.faults().onRequest("POST", "^/upload/", request -> {
      if (poisonNextLoad.getAndSet(false)) {
        h.stagingTables().forEach(t -> h.bigquery.query(ExporterHarness.PROJECT, "ALTER TABLE `"
            + ExporterHarness.PROJECT + "." + ExporterHarness.DATASET + "." + t + "` DROP COLUMN uuid"));
      }
    });
  }

  @AfterEach
  void stop() {
    h.close();
  }

  private RunSummary runPoisoningHour10() {
    poisonNextLoad.set(true);
    return h.run(hour(14));
  }

  @Test
  void anHourRejectedThreeRunsInARowIsQuarantinedSkippedAndRetriedByRunNow() {
    RunSummary first = runPoisoningHour10();

    assertThat(first.result()).isEqualTo("Failed");
    assertThat(first.reason()).isEqualTo("LoadRejected");
    assertThat(first.message()).contains("invalid").contains("uuid");
    assertThat(first.committed()).as("later hours go on").containsExactly(hour(11) + "/" + hour(12));
    assertThat(first.quarantined()).isEmpty();

    runPoisoningHour10();
    RunSummary third = runPoisoningHour10();

    assertThat(third.quarantined()).singleElement().satisfies(q -> {
      assertThat(q.hour()).isEqualTo(hour(10).toString());
      assertThat(q.reason()).isEqualTo("LoadRejected");
      assertThat(q.failures()).isEqualTo(3);
      assertThat(q.since()).isEqualTo(hour(14).toString());
    });

    RunSummary skipping = h.run(hour(15));

    assertThat(skipping.result()).as(skipping.toJson()).isEqualTo("Succeeded");
    assertThat(skipping.committed()).as("the newly due hour").containsExactly(hour(12) + "/" + hour(13));
    assertThat(skipping.message()).contains("1 quarantined hour(s) skipped");
    assertThat(skipping.missingHours()).as("hour 10 is still missing").isEqualTo(1);
    assertThat(skipping.exportedThrough()).as("stalls before the quarantined hour").isNull();
    assertThat(skipping.quarantined()).hasSize(1);

    h.retryQuarantined = true; // run-now
    RunSummary retried = h.run(hour(15));

    assertThat(retried.result()).as(retried.toJson()).isEqualTo("Succeeded");
    assertThat(retried.quarantined()).isEmpty();
    assertThat(h.query("SELECT COUNT(*) AS n FROM `" + ExporterHarness.PROJECT + "." + ExporterHarness.DATASET
        + "._bqexport_quarantine`").get(0).get("n")).isEqualTo(0L);
    ExactlyOnce.assertHolds(h, ExporterHarness.DATASET, ExactlyOnce.sourceId("product-events"), events,
        new ExportWindow(hour(10), hour(12)).hourList());
  }

  @Test
  void aBackfillRetriesAQuarantinedHour() {
    for (int i = 0; i < 3; i++) {
      runPoisoningHour10();
    }
    RunSummary backfill = h.run(hour(14), new ExportWindow(hour(10), hour(11)), ExportMode.FillGaps);

    assertThat(backfill.result()).as(backfill.toJson()).isEqualTo("Succeeded");
    assertThat(backfill.quarantined()).isEmpty();
    ExactlyOnce.assertHolds(h, ExporterHarness.DATASET, ExactlyOnce.sourceId("product-events"), events,
        new ExportWindow(hour(10), hour(12)).hourList());
  }

  @Test
  void anEmptyHourIsCommittedUnverifiedAndReplaceNeverShrinksAnHourOnA404() {
    events.hour(hour(12), 0);
    h.run(hour(15));
    List<Map<String, Object>> ledger = h.query("SELECT hour, row_count, verified FROM `" + ExporterHarness.PROJECT
        + "." + ExporterHarness.DATASET + "._bqexport_ledger` ORDER BY hour");
    assertThat(ledger).extracting(r -> r.get("verified")).containsExactly(null, null, false);

    events.hour(hour(11), 0); // Amplitude now answers 404 for hour 11
    RunSummary replace = h.run(hour(15), new ExportWindow(hour(11), hour(12)), ExportMode.Replace);

    assertThat(replace.result()).as(replace.toJson()).isEqualTo("Succeeded");
    assertThat(h.query("SELECT COUNT(*) AS n FROM `" + ExporterHarness.PROJECT + "." + ExporterHarness.DATASET
        + ".events` WHERE bqexport_hour = TIMESTAMP '" + hour(11) + "'").get(0).get("n")).isEqualTo(6L);
  }
}
