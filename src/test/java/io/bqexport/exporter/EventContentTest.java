package io.bqexport.exporter;

import static io.bqexport.exporter.ExporterHarness.hour;
import static io.bqexport.exporter.ExporterHarness.number;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Exact content through the whole path: malformed lines, unicode, late events, the table function. */
class EventContentTest {

  private final LinesSource source = new LinesSource();
  private ExporterHarness h;

  @BeforeEach
  void start() {
    h = new ExporterHarness(source);
    h.startFrom = hour(10);
  }

  @AfterEach
  void stop() {
    h.close();
  }

  private static String event(String uuid, String eventTime, String properties) {
    return "{\"uuid\":\"" + uuid + "\",\"$insert_id\":\"i-" + uuid + "\",\"event_type\":\"Play\",\"amplitude_id\":"
        + "9007199254740993,\"event_time\":\"" + eventTime + "\",\"server_upload_time\":\"2026-11-28 10:30:00.000000\","
        + "\"event_properties\":" + properties + "}";
  }

  private static List<String> goodLines(int n) {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      lines.add(event("u" + i, "2026-11-28 10:20:00.123456", "{\"i\":" + i + "}"));
    }
    return lines;
  }

  @Test
  void aMalformedLineFailsTheWindowByDefaultNamingFileAndLine() {
    List<String> lines = goodLines(5);
    lines.add(3, "{\"uuid\": \"broken\", ");
    source.hour(hour(10), lines);

    RunSummary summary = h.run(hour(13));

    assertThat(summary.result()).isEqualTo("Failed");
    assertThat(summary.reason()).isEqualTo("BadRecords");
    assertThat(summary.exitCode()).isEqualTo(4);
    assertThat(summary.message()).contains("187520_2026-11-28_10#0.json.gz line 4").contains("maxBadRecords=0");
    assertThat(h.rows()).isZero();
    assertThat(h.ledger()).isEmpty();
  }

  @Test
  void malformedLinesUpToMaxBadRecordsAreSkipped() {
    List<String> lines = goodLines(5);
    lines.add(1, "not json at all");
    lines.add(4, "[1, 2, 3]");
    source.hour(hour(10), lines);
    h.maxBadRecords = 2;

    RunSummary summary = h.run(hour(13));

    assertThat(summary.result()).as(summary.toJson()).isEqualTo("Succeeded");
    assertThat(summary.message()).contains("skipped 2 malformed line(s)");
    assertThat(h.rows()).isEqualTo(5);
  }

  @Test
  void unicodeSurvivesTheRoundTrip() {
    String name = "Zoë 🎧 \\\"quoted\\\" back\\\\slash 中文 \\u00e9\\n";
    source.hour(hour(10), List.of(
        "{\"uuid\":\"u-1\",\"user_id\":\"用户-🎧\",\"event_type\":\"Écouter ▶\",\"server_upload_time\":"
            + "\"2026-11-28 10:00:01\",\"event_time\":\"2026-11-28 10:00:00\",\"event_properties\":{\"name\":\""
            + name + "\"}}"));

    RunSummary summary = h.run(hour(13));

    assertThat(summary.result()).as(summary.toJson()).isEqualTo("Succeeded");
    Map<String, Object> row = h.query("SELECT user_id, event_type, JSON_VALUE(event_properties, '$.name') AS name"
        + " FROM `acme-analytics.amplitude.events`").get(0);
    assertThat(row.get("user_id")).isEqualTo("用户-🎧");
    assertThat(row.get("event_type")).isEqualTo("Écouter ▶");
    assertThat(row.get("name")).isEqualTo("Zoë 🎧 \"quoted\" back\\slash 中文 é\n");
  }

  @Test
  void lateEventsLandInTheirEventTimePartition() {
    source.hour(hour(10), List.of(
        event("late-1", "2026-11-25 08:00:00", "{}"),
        event("late-2", "2026-11-25 23:59:59.999999", "{}"),
        event("on-time", "2026-11-28 10:29:00", "{}")));

    RunSummary summary = h.run(hour(13));

    assertThat(summary.result()).as(summary.toJson()).isEqualTo("Succeeded");
    List<Map<String, Object>> byDay = h.query("SELECT CAST(DATE(event_time) AS STRING) AS day, COUNT(*) AS n"
        + " FROM `acme-analytics.amplitude.events` GROUP BY day ORDER BY day");
    assertThat(byDay).extracting(r -> r.get("day") + "=" + number(r.get("n")))
        .containsExactly("2026-11-25=2", "2026-11-28=1");
    assertThat(h.ledger()).extracting(r -> number(r.get("row_count"))).containsExactly(3L);
    List<Map<String, Object>> viaFunction = h.query("SELECT uuid FROM"
        + " `acme-analytics.amplitude.deduplicated_events`(DATE '2026-11-25', DATE '2026-11-25') ORDER BY uuid");
    assertThat(viaFunction).extracting(r -> r.get("uuid")).containsExactly("late-1", "late-2");
  }

  @Test
  void amplitudeIdKeepsEverySignificantDigit() {
    source.hour(hour(10), goodLines(1));

    h.run(hour(13));

    assertThat(h.query("SELECT CAST(amplitude_id AS STRING) AS id FROM `acme-analytics.amplitude.events`")
        .get(0).get("id")).isEqualTo("9007199254740993");
  }
}
