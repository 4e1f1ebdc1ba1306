package io.bqexport.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.ExportWindow;
import io.bqexport.testing.amplitude.AmplitudeEventGenerator;
import io.bqexport.testing.amplitude.GeneratedEvents;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * data.events.filter on both sources: include (exact and prefix) and exclude rules, the dropped events counted in
 * the summary, the filter recorded in the ledger, and what a filter change does to committed hours.
 */
class EventFilterTest {

  /** Keeps Amplitude's session events and purchases, except session ends. */
  private static final ExporterConfig.EventFilter FILTER = new ExporterConfig.EventFilter(
      List.of(new ExporterConfig.FilterRule(null, "[Amplitude]"),
          new ExporterConfig.FilterRule("Purchase Completed", null)),
      List.of(new ExporterConfig.FilterRule("[Amplitude] End Session", null)));
  private static final String CANONICAL = "{\"include\":[{\"eventType\":\"Purchase Completed\"},"
      + "{\"prefix\":\"[Amplitude]\"}],\"exclude\":[{\"eventType\":\"[Amplitude] End Session\"}]}";
  private static final Predicate<String> KEPT = t -> (t.startsWith("[Amplitude]") || t.equals("Purchase Completed"))
      && !t.equals("[Amplitude] End Session");

  private static long kept(GeneratedEvents events, Instant hour) {
    return events.values(hour, "event_type").stream().filter(KEPT).count();
  }

  @Test
  void theExportApiSourceKeepsOnlyMatchingEventsAndRecordsTheFilter() {
    GeneratedEvents events = new GeneratedEvents(new AmplitudeEventGenerator(42, 187520)).eventsPerFile(150);
    Instant hour = ExporterHarness.hour(10);
    events.hour(hour, 600);
    try (ExporterHarness h = new ExporterHarness(events)) {
      h.startFrom = hour;
      h.filter = FILTER;

      RunSummary run = h.run(ExporterHarness.hour(13));

      long kept = kept(events, hour);
      assertThat(kept).isBetween(1L, 599L);
      assertThat(run.result()).as(run.message()).isEqualTo(RunSummary.SUCCEEDED);
      assertThat(run.rows()).isEqualTo(kept);
      assertThat(run.filteredEvents()).isEqualTo(600 - kept);
      assertThat(run.message()).contains("the events filter dropped " + (600 - kept) + " event(s)");
      assertThat(h.rows()).isEqualTo(kept);
      List<String> types = h.query("SELECT DISTINCT event_type FROM `acme-analytics.amplitude.events`").stream()
          .map(r -> (String) r.get("event_type")).toList();
      assertThat(types).isNotEmpty().allMatch(KEPT);
      assertThat(h.query("SELECT row_count, `filter` FROM `acme-analytics.amplitude._bqexport_ledger`"))
          .containsExactly(Map.of("row_count", kept, "filter", CANONICAL));
    }
  }

  /**
   * A filter change does not rewrite history: committed hours keep their rows and their recorded filter, new hours
   * use the new one, and only a Replace re-applies the current filter to its range.
   */
  @Test
  void aChangedFilterAppliesToNewHoursAndToReplacedRangesOnly() {
    try (StorageExporterHarness h = new StorageExporterHarness()) {
      h.mergeIds = false;
      h.startFrom = StorageExporterHarness.hour(1);
      Instant first = StorageExporterHarness.hour(1);
      Instant second = StorageExporterHarness.hour(2);
      h.events.hour(first, 300).hour(second, 300).eventsPerFile(100);
      h.export.writeEvents(h.events, first);
      h.export.writeEvents(h.events, second);
      h.filter = FILTER;

      RunSummary filtered = h.run(StorageExporterHarness.hour(4));

      assertThat(filtered.rows()).isEqualTo(kept(h.events, first));
      assertThat(filtered.filteredEvents()).isEqualTo(300 - kept(h.events, first));

      h.filter = null;
      RunSummary unfiltered = h.run(StorageExporterHarness.hour(5));

      assertThat(unfiltered.rows()).as("hour 2 with the new (no) filter").isEqualTo(300);
      assertThat(unfiltered.filteredEvents()).isZero();
      assertThat(h.ledger("events")).extracting(r -> r.get("filter")).containsExactly(CANONICAL, null);
      assertThat(h.rows("events")).as("hour 1 kept its filtered rows").isEqualTo(kept(h.events, first) + 300);

      RunSummary replaced = h.run(StorageExporterHarness.hour(5), ExportWindow.ofHour(first), ExportMode.Replace,
          io.bqexport.bigquery.CommitObserver.NONE);

      assertThat(replaced.result()).as(replaced.message()).isEqualTo(RunSummary.SUCCEEDED);
      assertThat(h.rows("events")).isEqualTo(600);
      assertThat(h.ledger("events")).extracting(r -> r.get("filter")).containsExactly(null, null);
      assertThat(h.distinct("events", "uuid")).isEqualTo(600);
    }
  }

  /**
   * A line naming event_type twice is stored with the last one (the mapper's JSON reading, like BigQuery's own JSON
   * loads, keeps the last duplicate key); the filter must judge that same value, or an excluded event slips through
   * under a kept name.
   */
  @Test
  void aDuplicatedEventTypeKeyIsJudgedByTheValueThatIsStored() throws java.io.IOException {
    try (StorageExporterHarness h = new StorageExporterHarness()) {
      h.mergeIds = false;
      Instant hour = StorageExporterHarness.hour(1);
      h.startFrom = hour;
      h.events.hour(hour, 200).eventsPerFile(200);
      List<String> lines = new java.util.ArrayList<>();
      h.events.files(hour).get(0).lines().forEachRemaining(
          line -> lines.add("{\"event_type\":\"Purchase Completed\"," + line.substring(1)));
      h.gcs.put(StorageExporterHarness.BUCKET, h.export.layout().eventsObject(hour, 1),
          io.bqexport.testing.storage.AmplitudeStorageExport.gzip(lines));
      h.filter = FILTER;

      RunSummary run = h.run(StorageExporterHarness.hour(4));

      assertThat(run.result()).as(run.message()).isEqualTo(RunSummary.SUCCEEDED);
      long kept = kept(h.events, hour);
      assertThat(kept).isBetween(1L, 199L);
      List<String> types = h.query("SELECT DISTINCT event_type FROM `acme-analytics.amplitude.events`").stream()
          .map(r -> (String) r.get("event_type")).toList();
      assertThat(types).isNotEmpty().allMatch(KEPT);
      assertThat(run.rows()).isEqualTo(kept);
      assertThat(run.filteredEvents()).isEqualTo(200 - kept);
    }
  }

  /**
   * Current behaviour, documented in the README: an integrity repair (the hour grew at the source) re-exports the
   * hour like a Replace, so with the filter changed since the hour's commit it applies the current filter to that
   * hour and records it in the ledger.
   */
  @Test
  void anIntegrityRepairAppliesTheCurrentFilterAndRecordsIt() {
    GeneratedEvents events = new GeneratedEvents(new AmplitudeEventGenerator(42, 187520)).eventsPerFile(150);
    Instant hour = ExporterHarness.hour(0);
    events.hour(hour, 300);
    try (ExporterHarness h = new ExporterHarness(events)) {
      h.startFrom = hour;
      h.filter = FILTER;
      h.integrity = new ExporterConfig.Integrity(true, "PT2H", "P7D", 0);
      assertThat(h.run(ExporterHarness.hour(3)).rows()).isEqualTo(kept(events, hour));
      h.filter = null;
      h.amplitude.appendLateEvents(hour, 20);
      h.integrity = new ExporterConfig.Integrity(true, "PT2H", "P7D", 24);

      RunSummary repair = h.run(ExporterHarness.hour(3));

      assertThat(repair.repaired()).extracting(RunSummary.Repaired::after).containsExactly(320L);
      assertThat(h.rows()).as("the hour under the current (no) filter").isEqualTo(320);
      assertThat(h.query("SELECT `filter` FROM `acme-analytics.amplitude._bqexport_ledger`"))
          .extracting(r -> r.get("filter")).containsOnlyNulls();
    }
  }

  /** The analyst's sums: summary rows = table rows = ledger row_count; source_lines = rows + filtered events. */
  @Test
  void theCountsAddUpAcrossSummaryTableAndLedger() {
    try (StorageExporterHarness h = new StorageExporterHarness()) {
      h.mergeIds = false;
      h.startFrom = StorageExporterHarness.hour(1);
      for (int i = 1; i <= 3; i++) {
        h.events.hour(StorageExporterHarness.hour(i), 100 + 37 * i).eventsPerFile(40);
        h.export.writeEvents(h.events, StorageExporterHarness.hour(i));
      }
      h.filter = FILTER;

      RunSummary run = h.run(StorageExporterHarness.hour(6));

      assertThat(run.result()).as(run.message()).isEqualTo(RunSummary.SUCCEEDED);
      long lines = 100 * 3 + 37 * 6;
      assertThat(run.rows() + run.filteredEvents()).isEqualTo(lines);
      assertThat(h.rows("events")).isEqualTo(run.rows());
      assertThat(h.distinct("events", "uuid")).isEqualTo(run.rows());
      Map<String, Object> sums = h.query("SELECT SUM(row_count) AS rows_, SUM(source_lines) AS lines FROM "
          + "`acme-analytics.amplitude._bqexport_ledger` WHERE table_name = 'events'").get(0);
      assertThat(((Number) sums.get("rows_")).longValue()).isEqualTo(run.rows());
      assertThat(((Number) sums.get("lines")).longValue()).isEqualTo(lines);
    }
  }

  @Test
  void theFilterReadsOnlyTheTopLevelEventType() {
    EventTypeFilter filter = EventTypeFilter.of(FILTER);

    assertThat(filter.keeps("{\"event_properties\":{\"event_type\":\"Purchase Completed\"},"
        + "\"event_type\":\"Login\"}")).isFalse();
    assertThat(filter.keeps("{\"event_type\":\"[Amplitude] Start Session\",\"user_properties\":[1,{\"a\":2}]}"))
        .isTrue();
    assertThat(filter.keeps("{\"event_type\":\"[Amplitude] End Session\"}")).isFalse();
    assertThat(filter.keeps("{\"uuid\":\"u\"}")).as("no event_type matches no include rule").isFalse();
    assertThat(filter.keeps("not json")).as("left to the mapper, which counts a bad line").isTrue();
    assertThat(filter.keeps("[1]")).isTrue();
    assertThat(EventTypeFilter.of(new ExporterConfig.EventFilter(List.of(), List.of(
        new ExporterConfig.FilterRule(null, "$")))).keeps("{\"uuid\":\"u\"}"))
        .as("with include empty, an event without event_type is kept").isTrue();
  }

  @Test
  void equalFiltersRecordTheSameCanonicalText() {
    ExporterConfig.EventFilter reordered = new ExporterConfig.EventFilter(
        List.of(new ExporterConfig.FilterRule("Purchase Completed", null),
            new ExporterConfig.FilterRule(null, "[Amplitude]"),
            new ExporterConfig.FilterRule("Purchase Completed", null)),
        FILTER.exclude());

    assertThat(EventTypeFilter.of(reordered).canonical()).isEqualTo(CANONICAL)
        .isEqualTo(EventTypeFilter.of(FILTER).canonical());
    assertThat(EventTypeFilter.of(new ExporterConfig.EventFilter(List.of(), null)).canonical()).isNull();
    assertThat(EventTypeFilter.of(new ExporterConfig.EventFilter(List.of(), null)).keepsEverything()).isTrue();
    assertThat(EventTypeFilter.of(FILTER).keepsEverything()).isFalse();
    assertThat(EventTypeFilter.of(new ExporterConfig.EventFilter(List.of(new ExporterConfig.FilterRule(
        "say \"hi\"", null)), null)).canonical()).isEqualTo("{\"include\":[{\"eventType\":\"say \\\"hi\\\"\"}],"
        + "\"exclude\":[]}");
  }
}
