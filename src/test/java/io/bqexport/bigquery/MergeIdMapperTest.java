package io.bqexport.bigquery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.bigquery.Field;
import com.google.cloud.bigquery.StandardSQLTypeName;
import io.bqexport.ExportWindow;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Merge records of Amplitude's Cloud Storage export to rows of the Merge IDs table. */
class MergeIdMapperTest {
  private static final Instant HOUR = Instant.parse("2020-01-25T17:00:00Z");
  private static final ExportWindow WINDOW = new ExportWindow(HOUR, HOUR.plusSeconds(3600));
  private static final ObjectMapper JSON = new ObjectMapper();
  private final MergeIdMapper mapper = new MergeIdMapper();

  private JsonNode row(String line) throws Exception {
    return JSON.readTree(mapper.map(line, WINDOW).row());
  }

  @Test
  void mapsTheDocumentedRecordToAmplitudesColumnsPlusScope() throws Exception {
    // 1579972800123 = 2020-01-25T17:20:00.123Z, 1579900000000 = 2020-01-24T21:06:40Z
    MappedEvent mapped = mapper.map("{\"scope\": -189524, \"merge_time\": 1579900000000, "
        + "\"merge_server_time\": 1579972800123, \"amplitude_id\": 123456789012, "
        + "\"merged_amplitude_id\": 987654321098}", WINDOW);
    JsonNode row = JSON.readTree(mapped.row());

    assertThat(row.get("amplitude_id").asLong()).isEqualTo(123456789012L);
    assertThat(row.get("merged_amplitude_id").asLong()).isEqualTo(987654321098L);
    assertThat(row.get("scope").asLong()).isEqualTo(-189524);
    assertThat(row.get("merge_event_time").asText()).isEqualTo("2020-01-24T21:06:40.000000Z");
    assertThat(row.get("merge_server_time").asText()).isEqualTo("2020-01-25T17:20:00.123000Z");
    assertThat(row.get("bqexport_hour").asText()).isEqualTo("2020-01-25T17:00:00.000000Z");
    assertThat(row.has("extra")).isFalse();
    assertThat(mapped.hour()).isEqualTo(HOUR);
    assertThat(mapped.unknownKeys()).isEmpty();
  }

  @Test
  void idsMayArriveAsNumericStrings() throws Exception {
    JsonNode row = row("{\"amplitude_id\": \"9223372036854775807\", \"merged_amplitude_id\": 5}");

    assertThat(row.get("amplitude_id").asLong()).isEqualTo(Long.MAX_VALUE);
    assertThat(row.get("bqexport_hour").asText()).as("no server time: the window's hour")
        .isEqualTo("2020-01-25T17:00:00.000000Z");
  }

  @Test
  void unknownKeysAndUnfitValuesGoToExtraNothingIsDropped() throws Exception {
    JsonNode row = row("{\"amplitude_id\": 1, \"merged_amplitude_id\": 2, \"scope\": \"org\", "
        + "\"merge_time\": 1e30, \"merge_server_time\": 99999999999999999, \"source\": \"sdk\"}");

    assertThat(row.get("extra").get("scope").asText()).isEqualTo("org");
    assertThat(row.get("extra").get("merge_time").isNumber()).isTrue();
    assertThat(row.get("extra").has("merge_server_time")).as("beyond year 9999").isTrue();
    assertThat(row.get("extra").get("source").asText()).isEqualTo("sdk");
    assertThat(row.has("scope")).isFalse();
    assertThat(mapper.map("{\"amplitude_id\": 1, \"merged_amplitude_id\": 2, \"scope\": \"org\"}", WINDOW)
        .valuesInExtra()).isEqualTo(1);
    assertThat(mapper.map("{\"amplitude_id\": 1, \"merged_amplitude_id\": 2, \"source\": 1}", WINDOW).unknownKeys())
        .containsExactly("source");
  }

  @Test
  void aLateServerTimeIsClampedIntoTheWindow() throws Exception {
    // 1579986000000 = 2020-01-25T21:00:00Z, after the window
    assertThat(row("{\"amplitude_id\": 1, \"merged_amplitude_id\": 2, \"merge_server_time\": 1579986000000}")
        .get("bqexport_hour").asText()).isEqualTo("2020-01-25T17:00:00.000000Z");
  }

  @Test
  void recordsWithoutBothIdsAreMalformedAndMessagesNeverQuoteTheRecord() {
    assertThatThrownBy(() -> mapper.map("{\"amplitude_id\": 1}", WINDOW))
        .isInstanceOf(MalformedEventException.class)
        .hasMessage("merge record has no merged_amplitude_id that is a 64-bit integer");
    assertThatThrownBy(() -> mapper.map("{\"amplitude_id\": \"secret-user@example.com\", "
        + "\"merged_amplitude_id\": 2}", WINDOW))
        .isInstanceOf(MalformedEventException.class).hasMessageNotContaining("secret-user");
    assertThatThrownBy(() -> mapper.map("{\"amplitude_id\": 1, secret-user@example.com", WINDOW))
        .isInstanceOf(MalformedEventException.class)
        .isInstanceOfSatisfying(MalformedEventException.class, e -> assertThat(e.column()).isPositive())
        .hasMessage("merge record is not valid JSON").hasMessageNotContaining("secret");
    assertThatThrownBy(() -> mapper.map("[1, 2]", WINDOW)).hasMessage("merge record is not a JSON object");
  }

  @Test
  void theSchemaResourceHasAmplitudesColumnsPlusScopeAndTheCommitKeysAsNullableFields() {
    assertThat(MergeIdSchema.v1().toBigQuerySchema().getFields())
        .extracting(Field::getName, f -> f.getType().getStandardType(), Field::getMode)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("amplitude_id", StandardSQLTypeName.INT64, Field.Mode.NULLABLE),
            org.assertj.core.groups.Tuple.tuple("merge_event_time", StandardSQLTypeName.TIMESTAMP,
                Field.Mode.NULLABLE),
            org.assertj.core.groups.Tuple.tuple("merge_server_time", StandardSQLTypeName.TIMESTAMP,
                Field.Mode.NULLABLE),
            org.assertj.core.groups.Tuple.tuple("merged_amplitude_id", StandardSQLTypeName.INT64,
                Field.Mode.NULLABLE),
            org.assertj.core.groups.Tuple.tuple("scope", StandardSQLTypeName.INT64, Field.Mode.NULLABLE),
            org.assertj.core.groups.Tuple.tuple("extra", StandardSQLTypeName.JSON, Field.Mode.NULLABLE),
            org.assertj.core.groups.Tuple.tuple("bqexport_hour", StandardSQLTypeName.TIMESTAMP,
                Field.Mode.NULLABLE),
            org.assertj.core.groups.Tuple.tuple("bqexport_source", StandardSQLTypeName.STRING,
                Field.Mode.NULLABLE));
    assertThat(MergeIdSchema.v1().version()).isEqualTo(1);
    assertThat(MergeIdSchema.v1().partitionColumn()).isEqualTo("merge_server_time");
  }

  @Test
  void theHourAndEventTimeComeFromMergeServerTimeNotFromMergeTime() throws Exception {
    // A two-hour window: merge_time in its first hour, merge_server_time (1579975200000 = 18:00Z) in its second.
    ExportWindow twoHours = new ExportWindow(HOUR, HOUR.plusSeconds(7200));
    MappedEvent mapped = mapper.map("{\"amplitude_id\": 1, \"merged_amplitude_id\": 2, "
        + "\"merge_time\": 1579972800000, \"merge_server_time\": 1579975200000}", twoHours);

    assertThat(mapped.hour()).isEqualTo(Instant.parse("2020-01-25T18:00:00Z"));
    assertThat(mapped.eventTime()).isEqualTo(Instant.ofEpochMilli(1579975200000L));
  }

  @Test
  void timesAtTheEdgesOfBigQuerysTimestampRangeAreKept() throws Exception {
    long first = Instant.parse("0001-01-01T00:00:00Z").toEpochMilli();
    long last = Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli();

    JsonNode edges = row("{\"amplitude_id\": 1, \"merged_amplitude_id\": 2, \"merge_time\": " + first
        + ", \"merge_server_time\": " + last + "}");
    assertThat(edges.get("merge_event_time").asText()).isEqualTo("0001-01-01T00:00:00.000000Z");
    assertThat(edges.get("merge_server_time").asText()).isEqualTo("9999-12-31T23:59:59.999000Z");
    assertThat(edges.has("extra")).isFalse();

    JsonNode beyond = row("{\"amplitude_id\": 1, \"merged_amplitude_id\": 2, \"merge_time\": " + (first - 1)
        + ", \"merge_server_time\": " + (last + 1) + "}");
    assertThat(beyond.get("extra").get("merge_time").asLong()).isEqualTo(first - 1);
    assertThat(beyond.get("extra").get("merge_server_time").asLong()).isEqualTo(last + 1);
  }

  @Test
  void theSmallestInt64IsAnId() throws Exception {
    JsonNode row = row("{\"amplitude_id\": \"-9223372036854775808\", \"merged_amplitude_id\": "
        + "-9223372036854775808}");

    assertThat(row.get("amplitude_id").asLong()).isEqualTo(Long.MIN_VALUE);
    assertThat(row.get("merged_amplitude_id").asLong()).isEqualTo(Long.MIN_VALUE);
    assertThatThrownBy(() -> mapper.map("{\"amplitude_id\": -9223372036854775809, \"merged_amplitude_id\": 2}",
        WINDOW)).isInstanceOf(MalformedEventException.class);
  }
}
