package io.bqexport.exporter;

import static io.bqexport.exporter.StorageExporterHarness.hour;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

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

  /**
   * The integrity re-check reads the bucket too: once recheckAfter has passed, late events and a late merged-ID
   * file of a committed hour replace the hour in both tables (generation 2), and the repairs name the table. The
   * re-check runs at recheckAfter 2 h (its least, the availabilityDelay), not the default 24 h: the same re-check,
   * without a run through 23 more hours first.
   */
  @Test
  void lateObjectsAreRepairedByTheIntegrityReCheckInBothTables() {
    writeHours();
    h.run(NOW);
    h.events.hour(hour(12), 30);
    h.export.writeEvents(h.events, hour(12));
    h.export.writeMergeIds(hour(12), 5, 3);
    h.integrity = new ExporterConfig.Integrity(true, "PT2H", "P7D", 24);

    RunSummary recheck = h.run(hour(16));

    assertThat(recheck.result()).as(recheck.message()).isEqualTo(RunSummary.SUCCEEDED);
    assertThat(recheck.repaired()).extracting(RunSummary.Repaired::hour, RunSummary.Repaired::before,
        RunSummary.Repaired::after, RunSummary.Repaired::table).containsExactly(
            tuple(hour(12).toString(), 0L, 30L, null), tuple(hour(12).toString(), 0L, 5L, "merge_ids"));
    assertThat(h.rows("events")).isEqualTo(255 + 30);
    assertThat(h.distinct("events", "uuid")).isEqualTo(255 + 30);
    assertThat(h.rows("merge_ids")).isEqualTo(60 + 5);
    for (String table : List.of("events", "merge_ids")) {
      Map<String, Object> hour12 = h.ledger(table).get(3);
      assertThat(hour12.get("hour")).isEqualTo(hour(12));
      assertThat(hour12.get("verified")).as(table).isEqualTo(true);
      assertThat(((Number) h.query("SELECT generation FROM `acme-analytics.amplitude._bqexport_ledger` WHERE "
          + "table_name = '" + table + "' AND hour = TIMESTAMP '2026-11-28 12:00:00+00'").get(0).get("generation"))
          .longValue()).as(table).isEqualTo(2);
    }

    RunSummary again = h.run(hour(17));

    assertThat(again.repaired()).isEmpty();
    assertThat(h.rows("events")).isEqualTo(255 + 30);
    assertThat(h.rows("merge_ids")).isEqualTo(60 + 5);
  }

  /**
   * Events hours whose objects are gone (a bucket lifecycle rule) while they have rows never verify; they must not
   * take the shared budget from the merged IDs' hours run after run.
   */
  @Test
  void eventsHoursThatNeverVerifyDoNotStarveTheMergedIdsOfTheBudget() {
    h.startFrom = hour(1);
    List<String> gone = new java.util.ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      h.events.hour(hour(i), 20);
      List<String> names = h.export.writeEvents(h.events, hour(i));
      if (i <= 2) {
        gone.addAll(names);
      }
      h.export.writeMergeIds(hour(i), 5, i);
    }
    h.integrity = new ExporterConfig.Integrity(true, "PT2H", "P7D", 0);
    assertThat(h.run(hour(7)).hours()).isEqualTo(4);
    gone.forEach(name -> h.gcs.delete(StorageExporterHarness.BUCKET, name));
    h.integrity = new ExporterConfig.Integrity(true, "PT2H", "P7D", 2);

    for (int run = 0; run < 4; run++) {
      RunSummary summary = h.run(hour(7));
      assertThat(summary.result()).as(summary.message()).isEqualTo(RunSummary.SUCCEEDED);
    }

    assertThat(h.query("SELECT hour FROM `acme-analytics.amplitude._bqexport_ledger` WHERE table_name = 'merge_ids'"
        + " AND verified_at IS NOT NULL ORDER BY hour")).as("every merged-ID hour verified in 4 runs of 2 hours")
        .extracting(r -> r.get("hour")).containsExactly(hour(1), hour(2), hour(3), hour(4));
    assertThat(h.query("SELECT hour FROM `acme-analytics.amplitude._bqexport_ledger` WHERE table_name = 'events'"
        + " AND verified_at IS NOT NULL ORDER BY hour")).extracting(r -> r.get("hour"))
        .containsExactly(hour(3), hour(4));
    assertThat(h.rows("events")).as("hours 1 and 2 keep their rows").isEqualTo(80);
    assertThat(h.rows("merge_ids")).isEqualTo(20);
  }

  /** A crash at any step of a merged-ID hour's repair, then a rerun: the Merge IDs table holds each record once. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(CommitStep.class)
  void aCrashInTheMiddleOfAMergedIdRepairThenARerunIsExact(CommitStep step) {
    h.startFrom = hour(1);
    h.events.hour(hour(1), 30);
    h.export.writeEvents(h.events, hour(1));
    h.export.writeMergeIds(hour(1), 15, 7);
    h.integrity = new ExporterConfig.Integrity(true, "PT2H", "P7D", 0);
    assertThat(h.run(hour(4)).result()).isEqualTo(RunSummary.SUCCEEDED);
    List<String> grown = h.export.writeMergeIds(hour(1), 20, 7); // the same 15 records and 5 late ones
    h.integrity = new ExporterConfig.Integrity(true, "PT2H", "P7D", 24);

    boolean crashed = false;
    try {
      h.run(hour(4), null, ExportMode.FillGaps, (reached, window) -> {
        if (reached == step) {
          throw new ExporterHarness.SimulatedCrash(step);
        }
      });
    } catch (ExporterHarness.SimulatedCrash expected) {
      crashed = true; // the pod died here
    }
    assertThat(crashed || step == CommitStep.MID_UPLOAD).as("a 20-record upload has no middle").isTrue();
    RunSummary rerun = h.run(hour(4));

    assertThat(rerun.result()).as(rerun.message()).isEqualTo(RunSummary.SUCCEEDED);
    assertThat(h.rows("merge_ids")).isEqualTo(20);
    assertThat(h.query("SELECT amplitude_id, merged_amplitude_id, COUNT(*) AS n FROM "
        + "`acme-analytics.amplitude.merge_ids` GROUP BY amplitude_id, merged_amplitude_id")).as("each record once")
        .hasSize(20).allSatisfy(r -> assertThat(((Number) r.get("n")).longValue()).isEqualTo(1));
    assertThat(grown).hasSize(20);
    assertThat(h.rows("events")).isEqualTo(30);
    Map<String, Object> row = h.query("SELECT generation, source_lines, source_lines_before_repair, verified "
        + "FROM `acme-analytics.amplitude._bqexport_ledger` WHERE table_name = 'merge_ids' AND hour = "
        + "TIMESTAMP '2026-11-28 01:00:00+00'").get(0);
    assertThat(((Number) row.get("generation")).longValue()).isEqualTo(2);
    assertThat(((Number) row.get("source_lines")).longValue()).isEqualTo(20);
    assertThat(((Number) row.get("source_lines_before_repair")).longValue()).isEqualTo(15);
    assertThat(row.get("verified")).isEqualTo(true);
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
