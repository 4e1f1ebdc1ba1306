package io.bqexport.exporter;

import static io.bqexport.exporter.ExporterHarness.hour;
import static io.bqexport.exporter.ExporterHarness.number;
import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.ExportWindow;
import io.bqexport.bigquery.CommitStep;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An event's export hour must not depend on the window that carried it: the hour is the unit of commit, so an event
 * routed to hour 10 by one window and to hour 11 by another is committed twice (or never) when windows overlap. An
 * event whose server_upload_time is missing or unusable (the mapper sends it to {@code extra}) belongs to the hour of
 * the export file it came from.
 */
class EventHourRoutingTest {

  private final LinesSource source = new LinesSource();
  private ExporterHarness h;

  @BeforeEach
  void start() {
    h = new ExporterHarness(source);
    h.startFrom = hour(10);
    source.hour(hour(10), List.of(event("a1", "10:30"), event("a2", "10:31"), event("a3", "10:32")));
    source.hour(hour(11), List.of(event("b1", "11:30"), event("b2", null), event("b3", "11:32"),
        "{\"uuid\":\"b4\",\"event_type\":\"Play\",\"server_upload_time\":\"+10000-01-01 00:00:00\"}"));
  }

  @AfterEach
  void stop() {
    h.close();
  }

  /** An event of the hour's file; uploadMinute "HH:mm" of 2026-11-28, or null for no server_upload_time. */
  private static String event(String uuid, String uploadMinute) {
    String upload = uploadMinute == null ? "" : ",\"server_upload_time\":\"2026-11-28 " + uploadMinute + ":00.000000\"";
    return "{\"uuid\":\"" + uuid + "\",\"event_type\":\"Play\",\"event_time\":\"2026-11-28 09:00:00.000000\"" + upload
        + "}";
  }

  @Test
  void anEventWithoutAUsableUploadTimeCountsForItsFileHourInAMultiHourWindow() {
    RunSummary s = h.run(hour(20), new ExportWindow(hour(10), hour(12)), ExportMode.FillGaps);

    assertThat(s.result()).as(s.toJson()).isEqualTo("Succeeded");
    assertThat(rowsByHour()).containsExactlyInAnyOrderEntriesOf(Map.of(hour(10).toString(), 3L,
        hour(11).toString(), 4L));
    assertThat(ledgerByHour()).containsExactlyInAnyOrderEntriesOf(Map.of(hour(10).toString(), 3L,
        hour(11).toString(), 4L));
  }

  @Test
  void overlappingBackfillsNeverCommitAnEventWithoutAUsableUploadTimeTwice() {
    AtomicBoolean raced = new AtomicBoolean();
    // A two-hour backfill has staged both hours; a one-hour backfill of hour 11 commits before it.
    RunSummary wide = h.run(hour(20), new ExportWindow(hour(10), hour(12)), ExportMode.FillGaps, (step, w) -> {
      if (step == CommitStep.BEFORE_TRANSACTION && raced.compareAndSet(false, true)) {
        RunSummary narrow = h.run(hour(20), new ExportWindow(hour(11), hour(12)), ExportMode.FillGaps);
        assertThat(narrow.result()).as(narrow.toJson()).isEqualTo("Succeeded");
      }
    });

    assertThat(wide.result()).as(wide.toJson()).isEqualTo("Succeeded");
    assertThat(h.rows()).isEqualTo(7);
    assertThat(h.distinctUuids()).isEqualTo(7);
    assertThat(rowsByHour()).isEqualTo(ledgerByHour());
  }

  @Test
  void overlappingBackfillsNeverLoseAnEventWithoutAUsableUploadTime() {
    AtomicBoolean raced = new AtomicBoolean();
    // A two-hour backfill has staged both hours; a one-hour backfill of hour 10 commits before it.
    RunSummary wide = h.run(hour(20), new ExportWindow(hour(10), hour(12)), ExportMode.FillGaps, (step, w) -> {
      if (step == CommitStep.BEFORE_TRANSACTION && raced.compareAndSet(false, true)) {
        RunSummary narrow = h.run(hour(20), new ExportWindow(hour(10), hour(11)), ExportMode.FillGaps);
        assertThat(narrow.result()).as(narrow.toJson()).isEqualTo("Succeeded");
      }
    });

    assertThat(wide.result()).as(wide.toJson()).isEqualTo("Succeeded");
    assertThat(h.rows()).isEqualTo(7);
    assertThat(h.distinctUuids()).isEqualTo(7);
    assertThat(rowsByHour()).isEqualTo(ledgerByHour());
  }

  private Map<String, Long> rowsByHour() {
    Map<String, Long> rows = new HashMap<>();
    for (Map<String, Object> r : h.query("SELECT bqexport_hour AS hour, COUNT(*) AS n FROM `"
        + ExporterHarness.PROJECT + "." + ExporterHarness.DATASET + "." + ExporterHarness.TABLE
        + "` GROUP BY bqexport_hour")) {
      rows.put(r.get("hour").toString(), number(r.get("n")));
    }
    return rows;
  }

  private Map<String, Long> ledgerByHour() {
    Map<String, Long> rows = new HashMap<>();
    List<Map<String, Object>> ledger = new ArrayList<>(h.ledger());
    for (Map<String, Object> r : ledger) {
      rows.merge(r.get("hour").toString(), number(r.get("row_count")), Long::sum);
    }
    return rows;
  }
}
