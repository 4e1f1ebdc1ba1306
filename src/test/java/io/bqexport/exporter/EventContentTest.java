package io.bqexport.exporter;

import static io.bqexport.exporter.ExporterHarness.hour;
import static io.bqexport.exporter.ExporterHarness.number;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
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
    assertThat(summary.message()).contains("skipped 2 bad line(s)");
    assertThat(summary.skippedLines()).isEqualTo(2);
    assertThat(h.rows()).isEqualTo(5);
  }

  @Test
  void valuesBigQueryWouldRejectAreRepairedOrKeptInExtraAndTheHourCommits() {
    String upload = ",\"server_upload_time\":\"2026-11-28 10:30:00\"";
    source.hour(hour(10), List.of(
        "{\"uuid\":\"zone\",\"event_time\":\"2026-11-28 10:20:00Z\"" + upload + "}",
        "{\"uuid\":\"micros\",\"event_time\":1764325200000000" + upload + "}",
        "{\"uuid\":\"seconds\",\"event_time\":1764325200" + upload + "}",
        "{\"uuid\":\"year-10000\",\"event_time\":\"+10000-01-01 00:00:00\"" + upload + "}",
        "{\"uuid\":\"cut-emoji\",\"user_id\":\"Zo\\ud83d\",\"event_properties\":{\"t\\udc00\":[\"\\ud83d\"]}"
            + upload + "}",
        "{\"uuid\":\"numbers\",\"user_id\":1.5e3,\"device_id\":123456789012345678901234567890" + upload + "}"));

    RunSummary summary = h.run(hour(13));

    assertThat(summary.result()).as(summary.toJson()).isEqualTo("Succeeded");
    assertThat(h.ledger()).extracting(r -> number(r.get("row_count"))).containsExactly(6L);
    Map<String, Map<String, Object>> rows = new java.util.HashMap<>();
    h.query("SELECT uuid, CAST(event_time AS STRING) AS event_time, user_id, device_id,"
        + " TO_JSON_STRING(extra) AS extra, TO_JSON_STRING(event_properties) AS properties"
        + " FROM `acme-analytics.amplitude.events`").forEach(r -> rows.put((String) r.get("uuid"), r));
    assertThat(rows).hasSize(6);
    assertThat(rows.get("zone").get("event_time")).isEqualTo("2026-11-28 10:20:00+00");
    for (String uuid : List.of("micros", "seconds", "year-10000")) {
      assertThat(rows.get(uuid).get("event_time")).as(uuid).isNull();
      assertThat((String) rows.get(uuid).get("extra")).as(uuid).contains("\"event_time\"");
    }
    assertThat((String) rows.get("micros").get("extra")).contains("1764325200000000");
    assertThat((String) rows.get("year-10000").get("extra")).contains("+10000-01-01 00:00:00");
    assertThat(rows.get("cut-emoji").get("user_id")).isEqualTo("Zo\uFFFD");
    assertThat((String) rows.get("cut-emoji").get("properties")).contains("t\uFFFD").contains("[\"\uFFFD\"]");
    assertThat(rows.get("numbers").get("user_id")).isEqualTo("1.5e3");
    assertThat(rows.get("numbers").get("device_id")).isEqualTo("123456789012345678901234567890");
    assertThat(summary.replacedSurrogates()).isEqualTo(3);
    assertThat(summary.valuesInExtra()).isEqualTo(3);
    assertThat(summary.skippedLines()).isZero();
  }

  @Test
  void badLinesOfEveryKindCountAndNoMessageQuotesTheEvent() {
    String secret = "sk_live_51H8zQeSecretToken";
    List<String> lines = goodLines(3);
    lines.add(1, "{\"api_key\": " + secret + "}");
    lines.add(2, "[\"" + secret + "\"]");
    String trailing = "{\"api_key\": \"" + secret + "\"} trailing";
    lines.add(3, trailing);
    source.hour(hour(10), lines);
    h.maxBadRecords = 2;

    RunSummary summary = h.run(hour(13));

    assertThat(summary.result()).isEqualTo("Failed");
    assertThat(summary.reason()).isEqualTo("BadRecords");
    assertThat(summary.message())
        .contains("file 187520/187520_2026-11-28_10#0.json.gz line 4 column " + (trailing.indexOf('}') + 2))
        .contains("(text after the JSON object)")
        .contains("3 bad line(s) exceed source.maxBadRecords=2");
    assertThat(summary.toJson()).doesNotContain(secret).doesNotContain("sk_live").doesNotContain("trailing");
    assertThat(h.rows()).isZero();
    assertThat(h.ledger()).isEmpty();
  }

  @Test
  void invalidUtf8IsABadLineUnderMaxBadRecordsNotACorruptArchive() {
    List<byte[]> lines = new ArrayList<>(goodLines(3).stream().map(l -> l.getBytes(StandardCharsets.UTF_8)).toList());
    lines.add(1, new byte[] {'{', '"', 'k', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
    source.rawHour(hour(10), lines);

    RunSummary failed = h.run(hour(13));

    assertThat(failed.reason()).isEqualTo("BadRecords");
    assertThat(failed.message()).contains("line 2 of the Amplitude export is a bad line (the line is not valid UTF-8"
        + " (at byte 7))");

    h.maxBadRecords = 1;
    RunSummary summary = h.run(hour(13));

    assertThat(summary.result()).as(summary.toJson()).isEqualTo("Succeeded");
    assertThat(summary.skippedLines()).isEqualTo(1);
    assertThat(h.rows()).isEqualTo(3);
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
