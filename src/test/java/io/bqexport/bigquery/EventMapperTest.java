package io.bqexport.bigquery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bqexport.ExportWindow;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventMapperTest {

  private static final ExportWindow WINDOW = ExportWindow.parse("2026-11-28T10:00:00Z/2026-11-28T12:00:00Z");
  private final EventMapper mapper = new EventMapper();

  private JsonNode row(MappedEvent event) throws Exception {
    return new ObjectMapper().readTree(new String(event.row(), StandardCharsets.UTF_8));
  }

  @Test
  void renamesDollarKeysAndNormalizesTimestamps() throws Exception {
    MappedEvent event = mapper.map("""
        {"$insert_id":"ins-1","$schema":12,"uuid":"u-1","event_type":"Play",
         "event_time":"2026-11-20 09:15:30.123456","server_upload_time":"2026-11-28 11:59:59.999999",
         "client_event_time":"2026-11-20T10:15:30.5+01:00"}""", WINDOW);
    JsonNode row = row(event);
    assertThat(row.get("insert_id").asText()).isEqualTo("ins-1");
    assertThat(row.get("schema").asLong()).isEqualTo(12);
    assertThat(row.has("$insert_id")).isFalse();
    assertThat(row.get("event_time").asText()).isEqualTo("2026-11-20T09:15:30.123456Z");
    assertThat(row.get("client_event_time").asText()).isEqualTo("2026-11-20T09:15:30.500000Z");
    assertThat(row.get("bqexport_hour").asText()).isEqualTo("2026-11-28T11:00:00.000000Z");
    assertThat(event.hour()).isEqualTo(Instant.parse("2026-11-28T11:00:00Z"));
    assertThat(event.eventTime()).isEqualTo(Instant.parse("2026-11-20T09:15:30.123456Z"));
    assertThat(event.unknownKeys()).isEmpty();
  }

  @Test
  void keepsAmplitudeIdWithoutPrecisionLoss() throws Exception {
    JsonNode row = row(mapper.map("{\"amplitude_id\":9007199254740993,\"session_id\":\"1732780800123\"}", WINDOW));
    assertThat(row.get("amplitude_id").asText()).isEqualTo("9007199254740993");
    assertThat(row.get("session_id").asLong()).isEqualTo(1732780800123L);
  }

  @Test
  void propertyObjectsStayJson() throws Exception {
    MappedEvent event = mapper.map("""
        {"event_properties":{"price":19.990000000000001,"tags":["a","b"],"nested":{"deep":{"x":null}}},
         "user_properties":{"name":"Zoë 🎧"},"groups":{},"data":{"path":"/"}}""", WINDOW);
    assertThat(new String(event.row(), StandardCharsets.UTF_8)).contains("\"price\":19.990000000000001");
    JsonNode row = row(event);
    assertThat(row.get("event_properties").get("tags").size()).isEqualTo(2);
    assertThat(row.get("user_properties").get("name").asText()).isEqualTo("Zoë 🎧");
    assertThat(row.get("groups").isObject()).isTrue();
  }

  @Test
  void unknownKeysGoToExtraAndAreReportedAsDrift() throws Exception {
    MappedEvent event = mapper.map("{\"uuid\":\"u\",\"new_key\":{\"a\":1},\"other\":\"x\"}", WINDOW);
    JsonNode row = row(event);
    assertThat(row.get("extra").get("new_key").get("a").asInt()).isEqualTo(1);
    assertThat(row.get("extra").get("other").asText()).isEqualTo("x");
    assertThat(event.unknownKeys()).containsExactly("new_key", "other");
  }

  @Test
  void coercesSafelyAndKeepsWhatItCannotCoerceInExtra() throws Exception {
    MappedEvent event = mapper.map("""
        {"event_id":"42","location_lat":"52.5","is_attribution_event":"true","paying":true,
         "session_id":"not-a-number","app":1.5,"user_id":12345,"event_time":"yesterday"}""", WINDOW);
    JsonNode row = row(event);
    assertThat(row.get("event_id").asLong()).isEqualTo(42);
    assertThat(row.get("location_lat").asDouble()).isEqualTo(52.5);
    assertThat(row.get("is_attribution_event").asBoolean()).isTrue();
    assertThat(row.get("paying").asText()).isEqualTo("true");
    assertThat(row.get("user_id").asText()).isEqualTo("12345");
    assertThat(row.has("session_id")).isFalse();
    assertThat(row.get("extra").get("session_id").asText()).isEqualTo("not-a-number");
    assertThat(row.get("extra").get("app").decimalValue()).isEqualByComparingTo("1.5");
    assertThat(row.get("extra").get("event_time").asText()).isEqualTo("yesterday");
    assertThat(event.unknownKeys()).isEmpty();
  }

  @Test
  void boolFloatAndInt64ColumnsTakeEveryLosslessSpellingAndKeepTheRestInExtra() throws Exception {
    String[][] bools = {{"true", "true"}, {"false", "false"}, {"\" FALSE \"", "false"}, {"1", "true"}, {"0", "false"}};
    for (String[] b : bools) {
      JsonNode row = row(mapper.map("{\"is_attribution_event\":" + b[0] + "}", WINDOW));
      assertThat(row.get("is_attribution_event").asText()).as(b[0]).isEqualTo(b[1]);
      // the tree path (lines the streaming one hands over) spells them the same
      JsonNode tree = row(mapper.mapTree("{\"is_attribution_event\":" + b[0] + "}", WINDOW));
      assertThat(tree.get("is_attribution_event").asText()).as("tree: " + b[0]).isEqualTo(b[1]);
    }
    for (String kept : new String[] {"2", "\"yes\"", "1.0"}) {
      JsonNode row = row(mapper.map("{\"is_attribution_event\":" + kept + "}", WINDOW));
      assertThat(row.has("is_attribution_event")).as(kept).isFalse();
      assertThat(row.get("extra").has("is_attribution_event")).as(kept).isTrue();
    }
    assertThat(row(mapper.map("{\"location_lat\":52}", WINDOW)).get("location_lat").asDouble()).isEqualTo(52.0);
    assertThat(row(mapper.map("{\"location_lat\":\"NaN\"}", WINDOW)).has("location_lat")).isFalse();
    assertThat(row(mapper.map("{\"location_lat\":\"north\"}", WINDOW)).get("extra").get("location_lat").asText())
        .isEqualTo("north");
    assertThat(row(mapper.map("{\"user_id\":1e3}", WINDOW)).get("user_id").asText())
        .as("a number in a STRING column keeps its source text").isEqualTo("1e3");
    for (String number : new String[] {"1e3", "-0", "10", "1.50"}) {
      assertThat(row(mapper.mapTree("{\"user_id\":" + number + "}", WINDOW)).get("user_id").asText())
          .as("tree: a number in a STRING column keeps its source text").isEqualTo(number);
      assertThat(row(mapper.map("{\"user_id\":" + number + "}", WINDOW)).get("user_id").asText())
          .as("a number in a STRING column keeps its source text").isEqualTo(number);
    }
    assertThat(row(mapper.map("{\"event_id\":\"9223372036854775807\"}", WINDOW)).get("event_id").asLong())
        .isEqualTo(Long.MAX_VALUE);
    assertThat(row(mapper.map("{\"event_id\":\"-9223372036854775808\"}", WINDOW)).get("event_id").asLong())
        .isEqualTo(Long.MIN_VALUE);
    assertThat(row(mapper.map("{\"event_id\":\"9223372036854775808\"}", WINDOW)).has("event_id")).isFalse();
    assertThat(row(mapper.map("{\"event_id\":\"-9223372036854775809\"}", WINDOW)).has("event_id")).isFalse();
  }

  @Test
  void nullsAreOmitted() throws Exception {
    JsonNode row = row(mapper.map("{\"uuid\":\"u\",\"idfa\":null,\"event_properties\":null}", WINDOW));
    assertThat(row.has("idfa")).isFalse();
    assertThat(row.has("event_properties")).isFalse();
    assertThat(row.has("extra")).isFalse();
  }

  @Test
  void routesRowsOutsideTheWindowToItsNearestHour() throws Exception {
    assertThat(mapper.map("{\"server_upload_time\":\"2026-11-28 09:59:59\"}", WINDOW).hour())
        .isEqualTo(Instant.parse("2026-11-28T10:00:00Z"));
    assertThat(mapper.map("{\"server_upload_time\":\"2026-11-28 12:00:00\"}", WINDOW).hour())
        .isEqualTo(Instant.parse("2026-11-28T11:00:00Z"));
    assertThat(mapper.map("{}", WINDOW).hour()).isEqualTo(Instant.parse("2026-11-28T10:00:00Z"));
  }

  @Test
  void rejectsLinesThatAreNotOneJsonObjectNamingTheColumn() {
    assertThatThrownBy(() -> mapper.map("{\"uuid\":", WINDOW)).isInstanceOf(MalformedEventException.class)
        .hasMessage("not valid JSON: the line ends inside a value");
    assertThatThrownBy(() -> mapper.map("[1,2]", WINDOW)).isInstanceOf(MalformedEventException.class)
        .hasMessage("the line is not a JSON object")
        .satisfies(e -> assertThat(((MalformedEventException) e).column()).isEqualTo(1));
    assertThatThrownBy(() -> mapper.map("{\"a\":1} {\"b\":2}", WINDOW)).isInstanceOf(MalformedEventException.class)
        .hasMessage("text after the JSON object")
        .satisfies(e -> assertThat(((MalformedEventException) e).column()).isEqualTo(8));
    assertThatThrownBy(() -> mapper.map("{\"a\":1}x", WINDOW)).isInstanceOf(MalformedEventException.class)
        .hasMessage("text after the JSON object");
    assertThatThrownBy(() -> mapper.map("{\"uuid\": \"a\" \"b\"}", WINDOW))
        .isInstanceOf(MalformedEventException.class).hasMessage("not valid JSON")
        .satisfies(e -> assertThat(((MalformedEventException) e).column()).isEqualTo(14));
  }

  @Test
  void messagesNeverQuoteTheEvent() {
    String secret = "sk_live_51H8zQeSecretToken";
    for (String line : List.of("{\"api_key\": " + secret + "}", "{\"api_key\": \"" + secret + "\", " + secret,
        "{\"" + secret + "\": tru}", "\"" + secret + "\"", "{\"a\": \"" + secret + "\"} " + secret)) {
      assertThatThrownBy(() -> mapper.map(line, WINDOW)).isInstanceOf(MalformedEventException.class)
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain(secret).doesNotContain("sk_live")
              .doesNotContain("tru"));
    }
  }

  @Test
  void jsonNestedDeeperThanBigQueryAllowsIsABadLine() throws Exception {
    String deepest = "[".repeat(EventMapper.MAX_JSON_DEPTH) + "]".repeat(EventMapper.MAX_JSON_DEPTH);
    assertThat(row(mapper.map("{\"event_properties\":" + deepest + "}", WINDOW)).has("event_properties")).isTrue();
    assertThatThrownBy(() -> mapper.map("{\"event_properties\":[" + deepest + "]}", WINDOW))
        .isInstanceOf(MalformedEventException.class)
        .hasMessage("a value nests deeper than 500 levels, BigQuery's limit for JSON values");
    assertThatThrownBy(() -> mapper.map("{\"new_key\":" + deepest + "}", WINDOW))
        .isInstanceOf(MalformedEventException.class).hasMessageContaining("extra column would nest deeper than 500");
  }

  @Test
  void spaceSeparatedTimeWithZoneLandsInEventTime() throws Exception {
    MappedEvent event = mapper.map("{\"event_time\":\"2026-01-26 04:23:35Z\","
        + "\"client_event_time\":\"2026-01-26 05:23:35.25+01:00\"}", WINDOW);
    JsonNode row = row(event);
    assertThat(row.get("event_time").asText()).isEqualTo("2026-01-26T04:23:35.000000Z");
    assertThat(row.get("client_event_time").asText()).isEqualTo("2026-01-26T04:23:35.250000Z");
    assertThat(row.has("extra")).isFalse();
    assertThat(event.eventTime()).isEqualTo(Instant.parse("2026-01-26T04:23:35Z"));
    assertThat(event.valuesInExtra()).isZero();
  }

  @Test
  void timestampsBigQueryWouldRejectOrMisreadGoToExtraUnderTheirOriginalKey() throws Exception {
    MappedEvent event = mapper.map("""
        {"event_time":1769401415123456,"client_event_time":1769401415,"processed_time":"+10000-01-01 00:00:00",
         "user_creation_time":"0000-12-31 23:59:59","client_upload_time":1769401415123,
         "server_upload_time":"2026-11-28 10:15:00"}""", WINDOW);
    JsonNode row = row(event);
    JsonNode extra = row.get("extra");
    assertThat(row.has("event_time")).isFalse();
    assertThat(extra.get("event_time").asLong()).isEqualTo(1769401415123456L);
    assertThat(extra.get("client_event_time").asLong()).isEqualTo(1769401415L);
    assertThat(extra.get("processed_time").asText()).isEqualTo("+10000-01-01 00:00:00");
    assertThat(extra.get("user_creation_time").asText()).isEqualTo("0000-12-31 23:59:59");
    assertThat(row.get("client_upload_time").asText()).isEqualTo("2026-01-26T04:23:35.123000Z");
    assertThat(event.valuesInExtra()).isEqualTo(4);
    assertThat(event.eventTime()).isNull();
    assertThat(event.unknownKeys()).isEmpty();
  }

  @Test
  void loneSurrogatesBecomeReplacementCharactersEverywhereAndAreCounted() throws Exception {
    MappedEvent event = mapper.map("""
        {"user_id":"cut \\ud83d","event_properties":{"title":"x\\udc00y","list":["\\ud83d",{"k\\ud83d":1}],
         "ok":"\\ud83c\\udfa7"},"new\\ud800key":"v","app":"\\ud83d"}""", WINDOW);
    JsonNode row = row(event);
    assertThat(row.get("user_id").asText()).isEqualTo("cut \uFFFD");
    JsonNode properties = row.get("event_properties");
    assertThat(properties.get("title").asText()).isEqualTo("x\uFFFDy");
    assertThat(properties.get("list").get(0).asText()).isEqualTo("\uFFFD");
    assertThat(properties.get("list").get(1).has("k\uFFFD")).isTrue();
    assertThat(properties.get("ok").asText()).isEqualTo("🎧");
    assertThat(row.get("extra").get("new\uFFFDkey").asText()).isEqualTo("v");
    assertThat(row.get("extra").get("app").asText()).isEqualTo("\uFFFD");
    assertThat(event.unknownKeys()).containsExactly("new\uFFFDkey");
    assertThat(event.replacedSurrogates()).isEqualTo(6);
    assertThat(new String(event.row(), StandardCharsets.UTF_8)).doesNotContain("\\ud8", "\\udc");
  }

  @Test
  void anEscapedBackslashBeforeUd83dIsNotASurrogate() throws Exception {
    MappedEvent event = mapper.map("{\"user_id\":\"C:\\\\ud83d\"}", WINDOW);
    assertThat(row(event).get("user_id").asText()).isEqualTo("C:\\ud83d");
    assertThat(event.replacedSurrogates()).isZero();
  }

  @Test
  void numbersInStringColumnsKeepTheirSourceText() throws Exception {
    JsonNode row = row(mapper.map("""
        {"user_id":1.5e3,"device_id":123456789012345678901234567890,"city":-0.10,"version_name":2.0,
         "event_properties":{"n":1.5e3}}""", WINDOW));
    assertThat(row.get("user_id").asText()).isEqualTo("1.5e3");
    assertThat(row.get("device_id").asText()).isEqualTo("123456789012345678901234567890");
    assertThat(row.get("city").asText()).isEqualTo("-0.10");
    assertThat(row.get("version_name").asText()).isEqualTo("2.0");
    assertThat(row.get("event_properties").get("n").decimalValue()).isEqualByComparingTo("1500");
  }

  /**
   * The streaming path hands such a line to the tree path, whose STRING coercion writes a container as its JSON text
   * (asText() would give "" and lose the value) and a boolean as true/false.
   */
  @Test
  void anObjectOrArrayInAStringColumnIsKeptAsItsJsonText() throws Exception {
    String line = "{\"user_id\":{\"a\":[1,\"x\"]},\"device_id\":[true,null],\"platform\":false}";

    for (JsonNode row : List.of(row(mapper.map(line, WINDOW)), row(mapper.mapTree(line, WINDOW)))) {
      assertThat(row.get("user_id").asText()).isEqualTo("{\"a\":[1,\"x\"]}");
      assertThat(row.get("device_id").asText()).isEqualTo("[true,null]");
      assertThat(row.get("platform").asText()).isEqualTo("false");
      assertThat(row.has("extra")).isFalse();
    }
  }

  /** The streaming path's own copy of BigQueryTimestamps' epoch window, held at both of its ends. */
  @Test
  void epochMillisecondsAreTimestampsFromTheFirstMillisecondOf2000ToTheLastOne2099() throws Exception {
    long first = BigQueryTimestamps.MIN_EPOCH_MILLIS;
    long end = BigQueryTimestamps.MAX_EPOCH_MILLIS;
    for (JsonNode row : List.of(row(mapper.map("{\"event_time\":" + first + "}", WINDOW)),
        row(mapper.mapTree("{\"event_time\":" + first + "}", WINDOW)))) {
      assertThat(row.get("event_time").asText()).isEqualTo("2000-01-01T00:00:00.000000Z");
    }
    assertThat(row(mapper.map("{\"event_time\":" + (end - 1) + "}", WINDOW)).get("event_time").asText())
        .isEqualTo("2099-12-31T23:59:59.999000Z");
    for (long outside : new long[] {first - 1, end}) {
      JsonNode row = row(mapper.map("{\"event_time\":" + outside + "}", WINDOW));
      assertThat(row.has("event_time")).as("%d", outside).isFalse();
      assertThat(row.get("extra").get("event_time").asLong()).isEqualTo(outside);
    }
  }

  /**
   * Jackson reads bytes that start with NUL as UTF-16 ("\0{\0}" would be "{}"), so such a line goes to the tree,
   * which reads it as the UTF-8 it is: not JSON.
   */
  @Test
  void aLineStartingWithNulIsNotReadAsUtf16() {
    byte[] line = {0, '{', 0, '}'};

    assertThatThrownBy(() -> mapper.mapUtf8(line, WINDOW)).isInstanceOf(MalformedEventException.class);
  }

  @Test
  void schemaResourceIsVersionedAndAllNullable() {
    EventSchema schema = EventSchema.v1();
    assertThat(schema.version()).isEqualTo(1);
    assertThat(schema.toBigQuerySchema().getFields()).extracting(f -> f.getName())
        .contains("insert_id", "event_type", "event_time", "amplitude_id", "extra", "bqexport_hour")
        .doesNotHaveDuplicates()
        .allMatch(name -> name.matches("[a-z_][a-z0-9_]*"));
  }
}
