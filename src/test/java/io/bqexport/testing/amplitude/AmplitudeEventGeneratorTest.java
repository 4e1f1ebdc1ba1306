package io.bqexport.testing.amplitude;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AmplitudeEventGeneratorTest {
  private static final Instant HOUR = Instant.parse("2026-11-28T17:00:00Z");
  private static final int SAMPLE = 3000;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter AMPLITUDE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

  /** Every key of the Export API's documented response schema, plus keys seen in real exports. */
  static final List<String> DOCUMENTED_KEYS = List.of("$insert_id", "$schema", "uuid", "event_id", "event_type",
      "event_time", "server_upload_time", "server_received_time", "client_event_time", "client_upload_time",
      "processed_time", "user_id", "device_id", "amplitude_id", "session_id", "app", "platform", "os_name",
      "os_version", "device_brand", "device_carrier", "device_family", "device_manufacturer", "device_model",
      "device_type", "country", "region", "city", "dma", "language", "ip_address", "location_lat", "location_lng",
      "library", "version_name", "start_version", "paying", "user_creation_time", "event_properties",
      "user_properties", "group_properties", "groups", "data", "adid", "idfa", "amplitude_event_type",
      "amplitude_attribution_ids", "partner_id", "plan", "sample_rate", "global_user_properties", "source_id",
      "is_attribution_event");

  private static final AmplitudeEventGenerator GENERATOR = new AmplitudeEventGenerator(7, 187520);
  private static List<String> lines;
  private static List<JsonNode> events;

  @BeforeAll
  static void generateSample() throws Exception {
    lines = new ArrayList<>();
    GENERATOR.lines(HOUR, 0, SAMPLE).forEachRemaining(lines::add);
    events = new ArrayList<>();
    for (String line : lines) {
      events.add(JSON.readTree(line));
    }
  }

  @Test
  void isDeterministicBySeedHourAndIndex() {
    List<String> again = new ArrayList<>();
    new AmplitudeEventGenerator(7, 187520).lines(HOUR, 0, 50).forEachRemaining(again::add);
    List<String> otherSeed = new ArrayList<>();
    new AmplitudeEventGenerator(8, 187520).lines(HOUR, 0, 50).forEachRemaining(otherSeed::add);
    List<String> fromMiddle = new ArrayList<>();
    GENERATOR.lines(HOUR, 20, 30).forEachRemaining(fromMiddle::add);

    assertThat(again).isEqualTo(lines.subList(0, 50));
    assertThat(otherSeed).doesNotContainAnyElementsOf(lines.subList(0, 50));
    assertThat(fromMiddle).isEqualTo(lines.subList(20, 30));
  }

  @Test
  void idsCanBeComputedWithoutRenderingAndAreUnique() {
    Set<String> uuids = new HashSet<>();
    for (int i = 0; i < SAMPLE; i++) {
      JsonNode event = events.get(i);
      assertThat(event.get("uuid").asText()).isEqualTo(GENERATOR.uuid(HOUR, i));
      String insertId = GENERATOR.insertId(HOUR, i);
      assertThat(event.get("$insert_id").isNull() ? null : event.get("$insert_id").asText()).isEqualTo(insertId);
      uuids.add(GENERATOR.uuid(HOUR, i));
    }
    assertThat(uuids).hasSize(SAMPLE);
    assertThat(events).anySatisfy(e -> assertThat(e.get("$insert_id").isNull()).isTrue());
    assertThat(GENERATOR.uuid(HOUR, 0)).isNotEqualTo(GENERATOR.uuid(HOUR.plus(Duration.ofHours(1)), 0));
  }

  @Test
  void everyDocumentedKeyAppearsAndSomeUnknownOnesToo() {
    Set<String> keys = new HashSet<>();
    events.forEach(event -> event.fieldNames().forEachRemaining(keys::add));

    assertThat(keys).containsAll(DOCUMENTED_KEYS).contains(AmplitudeEventGenerator.UNKNOWN_KEYS);
    assertThat(events).allSatisfy(e -> assertThat(e.has("uuid") && e.has("event_type")).isTrue());
    long withUnknown = events.stream().filter(e -> e.has(AmplitudeEventGenerator.UNKNOWN_KEYS[0])).count();
    assertThat(withUnknown).isBetween(1L, SAMPLE / 20L);
  }

  @Test
  void timestampsUseAmplitudesMicrosecondFormatAndUploadTimesLieInTheHour() {
    for (JsonNode event : events) {
      for (String key : List.of("event_time", "server_upload_time", "server_received_time", "client_event_time",
          "client_upload_time", "processed_time")) {
        assertThat(event.get(key).asText()).matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{6}");
      }
      Instant uploaded = time(event, "server_upload_time");
      assertThat(uploaded).isBetween(HOUR, HOUR.plus(Duration.ofHours(1)).minusNanos(1000));
      assertThat(time(event, "event_time")).isBeforeOrEqualTo(uploaded);
    }
  }

  @Test
  void someEventsAreLateByDays() {
    long late = events.stream()
        .filter(e -> Duration.between(time(e, "event_time"), time(e, "server_upload_time")).toDays() >= 1)
        .count();

    assertThat(late).isBetween(SAMPLE / 100L, SAMPLE / 10L);
  }

  @Test
  void amplitudeIdsBeyondDoublePrecisionSurviveAsExactLongs() {
    List<JsonNode> huge = events.stream()
        .filter(e -> e.get("amplitude_id").asLong() > (1L << 53)).toList();

    assertThat(huge).isNotEmpty().allSatisfy(e -> assertThat(e.get("amplitude_id").isIntegralNumber()).isTrue());
    String line = lines.get(events.indexOf(huge.get(0)));
    assertThat(line).contains("\"amplitude_id\":" + huge.get(0).get("amplitude_id").asLong() + ",");
  }

  @Test
  void containsUnicodeEmojiEscapesNullsStringNumbersArraysAndDeepNesting() {
    String all = String.join("\n", lines);

    assertThat(all).contains("東京", "São Paulo", "🚀", "😀", "\\\"", "\\\\", "\\n", "\\t", "\\u0001", ":null");
    assertThat(lines).allSatisfy(line -> assertThat(line).doesNotContain("\n", "\r"));
    assertThat(events).anySatisfy(e ->
        assertThat(e.path("event_properties").path("price").isTextual()).isTrue());
    assertThat(events).anySatisfy(e ->
        assertThat(e.path("event_properties").path("items").isArray()).isTrue());
    assertThat(events).anySatisfy(e -> assertThat(depth(e)).isGreaterThanOrEqualTo(8));
    assertThat(events).anySatisfy(e -> assertThat(e.path("event_properties").path("description").asText().length())
        .isGreaterThan(2000));
    assertThat(events).anySatisfy(e -> assertThat(e.get("user_id").isNull()).isTrue());
    assertThat(all).contains("\"caf\\u00e9 \\ud83d\\ude80");
    assertThat(events).anySatisfy(e ->
        assertThat(e.path("event_properties").path("escaped_unicode").asText()).isEqualTo("café 🚀 日本"));
  }

  @Test
  void writeProducesTheSameNdjsonAsLines() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    GENERATOR.write(HOUR, 0, 100, out);

    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(String.join("\n", lines.subList(0, 100)) + "\n");
  }

  private static Instant time(JsonNode event, String key) {
    return LocalDateTime.parse(event.get(key).asText(), AMPLITUDE_TIME).toInstant(ZoneOffset.UTC);
  }

  private static int depth(JsonNode node) {
    int max = 0;
    for (JsonNode child : node) {
      max = Math.max(max, depth(child));
    }
    return node.isContainerNode() ? max + 1 : 0;
  }
}
