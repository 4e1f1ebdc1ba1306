package io.bqexport.testing.bigquery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;

/** Typed NDJSON conversion alone: the value forms a BigQuery load job accepts and the ones it rejects. */
class JsonValueConverterTest {
  private static final JsonNode SCHEMA = parse("[{\"name\":\"ts\",\"type\":\"TIMESTAMP\"},"
      + "{\"name\":\"n\",\"type\":\"INTEGER\"},{\"name\":\"amount\",\"type\":\"NUMERIC\"},"
      + "{\"name\":\"id\",\"type\":\"STRING\",\"mode\":\"REQUIRED\"},{\"name\":\"j\",\"type\":\"JSON\"}]");

  private static JsonNode parse(String json) {
    return Json.parse(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private static OffsetDateTime timestamp(String text) throws Exception {
    return JsonValueConverter.parseTimestamp(text, "ts");
  }

  @Test
  void timestampsInAmplitudeAndRfc3339FormsAreUtc() throws Exception {
    assertThat(timestamp("2026-11-01 10:00:00.123456")).isEqualTo("2026-11-01T10:00:00.123456Z");
    assertThat(timestamp("2026-11-01T10:00:00Z")).isEqualTo("2026-11-01T10:00:00Z");
    assertThat(timestamp("2026-11-01T12:00:00.5+02:00")).isEqualTo("2026-11-01T10:00:00.5Z");
    assertThat(timestamp("2026-11-01 10:00:00 UTC")).isEqualTo("2026-11-01T10:00:00Z");
    assertThat(timestamp("2026-11-01")).isEqualTo("2026-11-01T00:00:00Z");
    assertThat(JsonValueConverter.toTimestamp(parse("1793527200.25"), "ts")).isEqualTo("2026-11-01T10:00:00.25Z");
    assertThatThrownBy(() -> timestamp("yesterday")).isInstanceOf(JsonValueConverter.BadValue.class)
        .hasMessageContaining("Could not parse 'yesterday' as a timestamp");
  }

  @Test
  void rowIsCheckedAgainstTheSchema() throws Exception {
    JsonValueConverter strict = new JsonValueConverter(false, SCHEMA);
    JsonNode row = strict.convertRow(parse("{\"ts\":\"2026-11-01 10:00:00\",\"n\":\"42\",\"amount\":1.5,"
        + "\"id\":\"x\",\"j\":{\"a\":[1]}}"));
    assertThat(row.path("ts").asText()).isEqualTo("2026-11-01 10:00:00.000000+00");
    assertThat(row.path("n").asLong()).isEqualTo(42);
    assertThat(row.path("amount").asText()).isEqualTo("1.500000000");
    assertThat(row.path("j").toString()).isEqualTo("{\"a\":[1]}");

    assertThatThrownBy(() -> strict.convertRow(parse("{\"id\":\"x\",\"extra\":1}")))
        .hasMessage("No such field: extra.");
    assertThatThrownBy(() -> strict.convertRow(parse("{\"n\":1}"))).hasMessage("Missing required field: id.");
    assertThatThrownBy(() -> strict.convertRow(parse("{\"id\":\"x\",\"n\":1.5}")))
        .hasMessageContaining("integer");
    assertThat(new JsonValueConverter(true, SCHEMA).convertRow(parse("{\"id\":\"x\",\"extra\":1}")).has("extra"))
        .isFalse();
  }
}
