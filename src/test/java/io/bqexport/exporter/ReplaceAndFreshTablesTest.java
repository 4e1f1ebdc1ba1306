package io.bqexport.exporter;

import static io.bqexport.exporter.ExporterHarness.hour;
import static io.bqexport.exporter.ExporterHarness.number;
import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.ExportWindow;
import io.bqexport.bigquery.CommitStep;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Replace, staging and brand-new tables under attack, with exact content per hour. */
class ReplaceAndFreshTablesTest {

  private final LinesSource source = new LinesSource();
  /** Hours whose files Amplitude does not serve right now (not yet available, or withdrawn). */
  private final Set<Instant> missing = ConcurrentHashMap.newKeySet();
  private ExporterHarness h;

  @BeforeEach
  void start() {
    h = new ExporterHarness(hour -> missing.contains(hour) ? List.of() : source.files(hour));
    h.startFrom = hour(10);
  }

  @AfterEach
  void stop() {
    h.close();
  }

  private static String event(String uuid, int uploadHour, String eventTime) {
    String time = eventTime == null ? "" : ",\"event_time\":\"" + eventTime + "\"";
    return "{\"uuid\":\"" + uuid + "\",\"event_type\":\"Play\",\"server_upload_time\":\"2026-11-28 "
        + uploadHour + ":30:00.000000\"" + time + "}";
  }

  private static List<String> events(String prefix, int uploadHour, int n) {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      lines.add(event(prefix + i, uploadHour, "2026-11-28 " + uploadHour + ":10:00.000000"));
    }
    return lines;
  }

  private Map<String, Long> tableByHour() {
    Map<String, Long> rows = new HashMap<>();
    for (Map<String, Object> r : h.query("SELECT bqexport_hour AS hour, COUNT(*) AS n, COUNT(DISTINCT uuid) AS d"
        + " FROM `" + ExporterHarness.PROJECT + "." + h.dataset + "." + ExporterHarness.TABLE
        + "` GROUP BY bqexport_hour")) {
      assertThat(number(r.get("d"))).as("distinct uuids of %s", r.get("hour")).isEqualTo(number(r.get("n")));
      rows.put(r.get("hour").toString(), number(r.get("n")));
    }
    return rows;
  }

  private Map<String, Long> ledgerByHour() {
    Map<String, Long> rows = new HashMap<>();
    for (Map<String, Object> r : h.query("SELECT hour, row_count FROM `" + ExporterHarness.PROJECT + "."
        + h.dataset + "._bqexport_ledger`")) {
      assertThat(rows.put(r.get("hour").toString(), number(r.get("row_count")))).as("ledger rows of %s",
          r.get("hour")).isNull();
    }
    rows.values().removeIf(n -> n == 0);
    return rows;
  }

  @Test
  void replaceRemovesOldRowsWhateverTheirEventTimeAndTheLedgerFollowsTheSource() {
    source.hour(hour(10), List.of(event("a", 10, null), event("b", 10, "1999-01-01 00:00:00.000000"),
        event("c", 10, "2026-11-28 10:05:00.000000")));
    assertThat(h.run(hour(20), new ExportWindow(hour(10), hour(11)), ExportMode.FillGaps).succeeded()).isTrue();
    source.hour(hour(10), List.of(event("a", 10, null), event("d", 10, "2030-01-01 00:00:00.000000")));

    RunSummary replaced = h.run(hour(20), new ExportWindow(hour(10), hour(11)), ExportMode.Replace);
    RunSummary again = h.run(hour(20), new ExportWindow(hour(10), hour(11)), ExportMode.Replace);

    assertThat(replaced.succeeded()).as(replaced.toJson()).isTrue();
    assertThat(again.succeeded()).as(again.toJson()).isTrue();
    assertThat(h.query("SELECT uuid FROM `acme-analytics.amplitude.events` ORDER BY uuid"))
        .extracting(r -> r.get("uuid")).containsExactly("a", "d");
    assertThat(tableByHour()).isEqualTo(ledgerByHour()).isEqualTo(Map.of(hour(10).toString(), 2L));
    assertThat(h.query("SELECT generation FROM `acme-analytics.amplitude._bqexport_ledger`"))
        .extracting(r -> number(r.get("generation"))).containsExactly(3L);
  }

  @Test
  void replaceAlsoRemovesRowsWrittenBeforeTheSourceColumnExisted() {
    source.hour(hour(10), events("old", 10, 3));
    assertThat(h.run(hour(20), new ExportWindow(hour(10), hour(11)), ExportMode.FillGaps).succeeded()).isTrue();
    // Rows and ledger entries of an older exporter carry no source: they count as this source's own.
    h.query("UPDATE `acme-analytics.amplitude.events` SET bqexport_source = NULL WHERE TRUE");
    h.query("UPDATE `acme-analytics.amplitude._bqexport_ledger` SET `source` = NULL WHERE TRUE");
    source.hour(hour(10), events("new", 10, 2));

    RunSummary replaced = h.run(hour(20), new ExportWindow(hour(10), hour(11)), ExportMode.Replace);

    assertThat(replaced.succeeded()).as(replaced.toJson()).isTrue();
    assertThat(h.query("SELECT uuid FROM `acme-analytics.amplitude.events` ORDER BY uuid"))
        .extracting(r -> r.get("uuid")).containsExactly("new0", "new1");
    assertThat(tableByHour()).isEqualTo(ledgerByHour()).isEqualTo(Map.of(hour(10).toString(), 2L));
  }

  @Test
  void aCrashAfterTheCommitLeavesAStagingTableThatExpiresAndNothingElse() {
    source.hour(hour(10), events("a", 10, 5));
    h.runCrashingAt(CommitStep.AFTER_TRANSACTION, hour(20), null, ExportMode.FillGaps);
    assertThat(h.stagingTables()).hasSize(1);

    RunSummary rerun = h.run(hour(20));
    h.clock.set(hour(20).plus(Duration.ofHours(24)).plusSeconds(1));

    assertThat(rerun.succeeded()).as(rerun.toJson()).isTrue();
    assertThat(h.stagingTables()).as("the abandoned staging table expired").isEmpty();
    assertThat(tableByHour()).isEqualTo(ledgerByHour()).isEqualTo(Map.of(hour(10).toString(), 5L));
  }

  @Test
  void threeExportersCreatingTheTablesAtOnceOnAFreshDatasetCommitEachHourOnce() throws Exception {
    for (int hr = 10; hr < 16; hr++) {
      source.hour(hour(hr), events("h" + hr + "-", hr, 7));
    }
    h.dataset = "fresh_" + System.nanoTime();
    h.bigquery.createDataset(ExporterHarness.PROJECT, h.dataset);
    List<CompletableFuture<RunSummary>> runs = List.of(
        CompletableFuture.supplyAsync(() -> h.run(hour(20))),
        CompletableFuture.supplyAsync(() -> h.run(hour(20), new ExportWindow(hour(10), hour(14)),
            ExportMode.FillGaps)),
        CompletableFuture.supplyAsync(() -> h.run(hour(20), new ExportWindow(hour(12), hour(16)),
            ExportMode.Replace)));
    List<RunSummary> summaries = new ArrayList<>();
    for (CompletableFuture<RunSummary> run : runs) {
      summaries.add(run.get(3, TimeUnit.MINUTES));
    }
    RunSummary healing = h.run(hour(20), new ExportWindow(hour(10), hour(16)), ExportMode.FillGaps);

    assertThat(healing.succeeded()).as(healing.toJson() + summaries).isTrue();
    Map<String, Long> expected = new HashMap<>();
    for (int hr = 10; hr < 16; hr++) {
      expected.put(hour(hr).toString(), 7L);
    }
    assertThat(tableByHour()).isEqualTo(ledgerByHour()).isEqualTo(expected);
    assertThat(h.query("SELECT table_name FROM `" + ExporterHarness.PROJECT + "." + h.dataset
        + "._bqexport_lock`")).isNotEmpty();
    assertThat(h.stagingTables()).isEmpty();
  }

  @Test
  void aReplaceNeverEmptiesAnHourBecauseItsFilesAreMissingFromAWiderWindow() {
    source.hour(hour(10), events("a", 10, 4)).hour(hour(11), events("b", 11, 3));
    assertThat(h.run(hour(20), new ExportWindow(hour(10), hour(12)), ExportMode.FillGaps).succeeded()).isTrue();
    missing.add(hour(10));

    RunSummary oneHour = h.run(hour(20), new ExportWindow(hour(10), hour(11)), ExportMode.Replace);
    RunSummary twoHours = h.run(hour(20), new ExportWindow(hour(10), hour(12)), ExportMode.Replace);

    assertThat(oneHour.succeeded()).as(oneHour.toJson()).isTrue();
    assertThat(twoHours.succeeded()).as(twoHours.toJson()).isTrue();
    assertThat(tableByHour()).isEqualTo(ledgerByHour())
        .isEqualTo(Map.of(hour(10).toString(), 4L, hour(11).toString(), 3L));
  }
}
