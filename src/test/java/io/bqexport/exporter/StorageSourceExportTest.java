package io.bqexport.exporter;

import static io.bqexport.exporter.StorageExporterHarness.hour;
import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.bigquery.CommitObserver;
import io.bqexport.bigquery.CommitStep;
import io.bqexport.testing.storage.AmplitudeStorageExport;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Events and merged IDs from Amplitude's Cloud Storage export, exactly once, counted in the tables and the ledger:
 * several files per hour (two-digit file numbers, hours without a leading zero), an hour without files, the legacy
 * merged-ID layout, a crash between the two tables' commits, an object that appears late, a truncated object.
 */
class StorageSourceExportTest {

  /** Hours 9 to 12 are due at 15:00 (availabilityDelay 2 h); hour 12 has no files. */
  private static final Instant NOW = hour(15);

  private StorageExporterHarness h;

  @BeforeEach
  void start() {
    h = new StorageExporterHarness();
    h.startFrom = hour(9);
    h.events.hour(hour(9), 120).hour(hour(10), 95).hour(hour(11), 40).eventsPerFile(9);
  }

  @AfterEach
  void stop() {
    h.close();
  }

  private void writeHours() {
    for (int i = 9; i <= 11; i++) {
      h.export.writeEvents(h.events, hour(i));
      h.export.writeMergeIds(hour(i), 10 + i, 7);
    }
  }

  private static long rowCount(Map<String, Object> ledgerRow) {
    return ((Number) ledgerRow.get("row_count")).longValue();
  }

  @Test
  void eventsAndMergedIdsLandOnceWithAnEmptyHourCommittedUnverified() {
    writeHours();
    assertThat(h.gcs.names(StorageExporterHarness.BUCKET)).contains(
        "amplitude/187520/187520_2026-11-28_9#13.json.gz", "amplitude/-189524/-189524_2026-11-28_10.json.gz");

    RunSummary first = h.run(NOW);

    assertThat(first.result()).as(first.message()).isEqualTo(RunSummary.SUCCEEDED);
    assertThat(first.rows()).isEqualTo(255);
    assertThat(first.mergeIdRows()).isEqualTo(19 + 20 + 21);
    assertThat(first.exportedThrough()).isEqualTo(hour(13).toString());
    assertThat(h.rows("events")).isEqualTo(255);
    assertThat(h.distinct("events", "uuid")).isEqualTo(255);
    assertThat(h.rows("merge_ids")).isEqualTo(60);
    List<Map<String, Object>> events = h.ledger("events");
    assertThat(events).extracting(StorageSourceExportTest::rowCount).containsExactly(120L, 95L, 40L, 0L);
    assertThat(events).extracting(r -> r.get("verified")).containsExactly(null, null, null, false);
    assertThat(((Number) events.get(0).get("source_files")).longValue()).isEqualTo(14);
    assertThat(h.ledger("merge_ids")).extracting(StorageSourceExportTest::rowCount)
        .containsExactly(19L, 20L, 21L, 0L);
    assertThat(h.query("SELECT COUNT(*) AS n FROM `acme-analytics.amplitude.merge_ids` WHERE scope = -189524 "
        + "AND bqexport_hour = TIMESTAMP_TRUNC(merge_server_time, HOUR)").get(0).get("n")).isEqualTo(60L);

    RunSummary again = h.run(NOW);

    assertThat(again.hours()).isZero();
    assertThat(again.message()).startsWith("nothing to export");
    assertThat(h.rows("events")).isEqualTo(255);
    assertThat(h.rows("merge_ids")).isEqualTo(60);
  }

  /** Amplitude writes on a best-effort basis: an object for a committed hour waits for the integrity re-check. */
  @Test
  void anObjectThatAppearsAfterItsHourWasCommittedLeavesTheHourUnverified() {
    writeHours();
    h.run(NOW);
    h.events.hour(hour(12), 30);
    h.export.writeEvents(h.events, hour(12));

    RunSummary later = h.run(hour(16));

    assertThat(later.result()).isEqualTo(RunSummary.SUCCEEDED);
    assertThat(h.rows("events")).isEqualTo(255 + 0);
    Map<String, Object> hour12 = h.ledger("events").get(3);
    assertThat(hour12.get("hour")).isEqualTo(hour(12));
    assertThat(rowCount(hour12)).isZero();
    assertThat(hour12.get("verified")).isEqualTo(false);
  }

  @Test
  void theLegacyLayoutReadsMergedIdsBesideTheEvents() {
    h.useLayout(true);
    writeHours();
    assertThat(h.gcs.names(StorageExporterHarness.BUCKET)).contains("amplitude/187520/187520_2026-11-28_10.json.gz");

    RunSummary run = h.run(NOW);

    assertThat(run.result()).as(run.message()).isEqualTo(RunSummary.SUCCEEDED);
    assertThat(h.rows("events")).as("merged-ID files are not read as events").isEqualTo(255);
    assertThat(h.rows("merge_ids")).isEqualTo(60);
    assertThat(h.query("SELECT COUNT(*) AS n FROM `acme-analytics.amplitude.merge_ids` WHERE scope = 187520")
        .get(0).get("n")).isEqualTo(60L);
  }

  /** Each table has its own ledger rows: a crash after the events' commit leaves only the merged IDs to commit. */
  @Test
  void aCrashBetweenTheEventsAndTheMergedIdsCommitsIsRepairedByTheNextRun() {
    writeHours();
    AtomicInteger loads = new AtomicInteger();
    CommitObserver crashOnSecondLoad = (step, window) -> {
      if (step == CommitStep.BEFORE_LOAD && loads.incrementAndGet() == 2) {
        throw new ExporterHarness.SimulatedCrash(step);
      }
    };
    try {
      h.run(NOW, null, ExportMode.FillGaps, crashOnSecondLoad);
    } catch (ExporterHarness.SimulatedCrash expected) {
      // the pod died between the two commits
    }
    assertThat(h.rows("events")).as("hour 9's events committed").isEqualTo(120);
    assertThat(h.rows("merge_ids")).as("hour 9's merged IDs not").isZero();

    RunSummary recovery = h.run(NOW);

    assertThat(recovery.result()).as(recovery.message()).isEqualTo(RunSummary.SUCCEEDED);
    assertThat(recovery.rows()).as("hour 9's events are not committed again").isEqualTo(95 + 40);
    assertThat(recovery.mergeIdRows()).isEqualTo(60);
    assertThat(recovery.exportedThrough()).isEqualTo(hour(13).toString());
    assertThat(h.rows("events")).isEqualTo(255);
    assertThat(h.distinct("events", "uuid")).isEqualTo(255);
    assertThat(h.rows("merge_ids")).isEqualTo(60);
    assertThat(h.ledger("events")).hasSize(4);
    assertThat(h.ledger("merge_ids")).hasSize(4);
  }

  @Test
  void aTruncatedObjectFailsItsHourNamingTheObjectAndCommitsNothingOfIt() {
    writeHours();
    String name = "amplitude/187520/187520_2026-11-28_10#3.json.gz";
    byte[] whole = AmplitudeStorageExport.gzip(List.of("{\"event_type\":\"a\",\"uuid\":\"x\"}"));
    h.gcs.put(StorageExporterHarness.BUCKET, name, java.util.Arrays.copyOf(whole, whole.length - 6));

    RunSummary run = h.run(NOW);

    assertThat(run.result()).isEqualTo(RunSummary.FAILED);
    assertThat(run.reason()).isEqualTo("ArchiveCorrupt");
    assertThat(run.exitCode()).isEqualTo(ExitCode.SOURCE_ERROR.code());
    assertThat(run.message()).contains("gs://amplitude-export/" + name);
    assertThat(h.ledger("events")).extracting(r -> r.get("hour"))
        .containsExactly(hour(9), hour(11), hour(12));
    assertThat(h.rows("events")).isEqualTo(120 + 40);
    assertThat(h.query("SELECT COUNT(*) AS n FROM `acme-analytics.amplitude.events` WHERE bqexport_hour = "
        + "TIMESTAMP '2026-11-28 10:00:00+00'").get(0).get("n")).isEqualTo(0L);
  }

  @Test
  void aBadLineNamesItsObjectAndTheStorageSetting() {
    writeHours();
    String name = "amplitude/187520/187520_2026-11-28_11#20.json.gz";
    h.gcs.put(StorageExporterHarness.BUCKET, name, AmplitudeStorageExport.gzip(List.of("not json")));

    RunSummary run = h.run(NOW);

    assertThat(run.reason()).isEqualTo("BadRecords");
    assertThat(run.message()).contains("file gs://amplitude-export/" + name + " line 1",
        "exceed storage.maxBadRecords=0");
    assertThat(h.ledger("events")).extracting(r -> r.get("hour")).doesNotContain(hour(11));
  }
}
