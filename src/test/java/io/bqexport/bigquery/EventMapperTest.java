package io.bqexport.bigquery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bqexport.ExportWindow;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
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
  void rejectsLinesThatAreNotJsonObjects() {
    assertThatThrownBy(() -> mapper.map("{\"uuid\":", WINDOW)).isInstanceOf(MalformedEventException.class)
        .hasMessageContaining("not valid JSON");
    assertThatThrownBy(() -> mapper.map("[1,2]", WINDOW)).isInstanceOf(MalformedEventException.class)
        .hasMessageContaining("not a JSON object");
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
