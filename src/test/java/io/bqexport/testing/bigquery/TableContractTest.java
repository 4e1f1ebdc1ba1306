package io.bqexport.testing.bigquery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.Clustering;
import com.google.cloud.bigquery.DatasetId;
import com.google.cloud.bigquery.DatasetInfo;
import com.google.cloud.bigquery.Field;
import com.google.cloud.bigquery.Schema;
import com.google.cloud.bigquery.StandardSQLTypeName;
import com.google.cloud.bigquery.StandardTableDefinition;
import com.google.cloud.bigquery.Table;
import com.google.cloud.bigquery.TableId;
import com.google.cloud.bigquery.TableInfo;
import com.google.cloud.bigquery.TimePartitioning;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Dataset and table lifecycle through the real client, with a clock the test moves for expiry. */
class TableContractTest {
  private static final String PROJECT = "acme-analytics";
  private final MovableClock clock = new MovableClock(Instant.parse("2026-11-28T12:00:00Z"));
  // Per test method: no state (tables, datasets, the clock) carries from one test to the next.
  private BigQueryEmulator emulator;
  private BigQuery bigquery;

  static final Schema SCHEMA = Schema.of(
      Field.newBuilder("insert_id", StandardSQLTypeName.STRING).setMode(Field.Mode.REQUIRED).build(),
      Field.of("event_time", StandardSQLTypeName.TIMESTAMP),
      Field.of("event_type", StandardSQLTypeName.STRING),
      Field.of("count", StandardSQLTypeName.INT64),
      Field.of("amount", StandardSQLTypeName.NUMERIC),
      Field.of("big", StandardSQLTypeName.BIGNUMERIC),
      Field.of("ratio", StandardSQLTypeName.FLOAT64),
      Field.of("flag", StandardSQLTypeName.BOOL),
      Field.of("day", StandardSQLTypeName.DATE),
      Field.of("props", StandardSQLTypeName.JSON),
      Field.newBuilder("tags", StandardSQLTypeName.STRING).setMode(Field.Mode.REPEATED).build(),
      Field.of("location", StandardSQLTypeName.STRUCT,
          Field.of("city", StandardSQLTypeName.STRING), Field.of("zip", StandardSQLTypeName.INT64)));

  static final class MovableClock extends Clock {
    private volatile Instant now;

    MovableClock(Instant now) {
      this.now = now;
    }

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  @BeforeEach
  void start() {
    emulator = BigQueryEmulator.start(clock);
    bigquery = emulator.client(PROJECT);
  }

  @AfterEach
  void stop() {
    emulator.close();
  }

  @Test
  void datasetGetInsertAndDuplicate() {
    assertThat(bigquery.getDataset("analytics")).isNull();
    bigquery.create(DatasetInfo.newBuilder(PROJECT, "analytics").setLocation("EU").build());
    assertThat(bigquery.getDataset("analytics").getLocation()).isEqualTo("EU");
    bigquery.update(DatasetInfo.newBuilder(PROJECT, "analytics").setDescription("Amplitude events").build());
    assertThat(bigquery.getDataset("analytics").getDescription()).isEqualTo("Amplitude events");
    assertThatThrownBy(() -> bigquery.create(DatasetInfo.of(DatasetId.of(PROJECT, "analytics"))))
        .isInstanceOfSatisfying(BigQueryException.class, e -> {
          assertThat(e.getCode()).isEqualTo(409);
          assertThat(e.getReason()).isEqualTo("duplicate");
        });
  }

  @Test
  void tableRoundTripKeepsTypesPartitioningAndClustering() {
    bigquery.create(DatasetInfo.of(DatasetId.of(PROJECT, "lifecycle")));
    TableId id = TableId.of(PROJECT, "lifecycle", "events");
    bigquery.create(TableInfo.of(id, StandardTableDefinition.newBuilder()
        .setSchema(SCHEMA)
        .setTimePartitioning(TimePartitioning.newBuilder(TimePartitioning.Type.DAY).setField("event_time").build())
        .setClustering(Clustering.newBuilder().setFields(java.util.List.of("event_type")).build())
        .build()));

    Table table = bigquery.getTable(id);
    StandardTableDefinition definition = table.getDefinition();
    assertThat(definition.getSchema()).isEqualTo(SCHEMA);
    assertThat(definition.getTimePartitioning().getField()).isEqualTo("event_time");
    assertThat(definition.getTimePartitioning().getType()).isEqualTo(TimePartitioning.Type.DAY);
    assertThat(definition.getClustering().getFields()).containsExactly("event_type");
    assertThat(definition.getNumRows()).isZero();

    assertThatThrownBy(() -> bigquery.create(TableInfo.of(id, StandardTableDefinition.of(SCHEMA))))
        .isInstanceOfSatisfying(BigQueryException.class, e -> assertThat(e.getCode()).isEqualTo(409));

    emulator.query(PROJECT, "INSERT INTO lifecycle.events (insert_id, tags, location) VALUES "
        + "('x', ['a', 'b'], STRUCT('Zürich' AS city, 8000 AS zip))");
    var row = bigquery.listTableData(id, SCHEMA).iterateAll().iterator().next();
    assertThat(row.get("tags").getRepeatedValue()).extracting(v -> v.getStringValue()).containsExactly("a", "b");
    assertThat(row.get("location").getRecordValue().get("city").getStringValue()).isEqualTo("Zürich");
    assertThat(bigquery.getTable(id).getNumRows()).isEqualTo(1);
  }

  @Test
  void patchAddsNullableColumnsAndSetsExpiration() {
    bigquery.create(DatasetInfo.of(DatasetId.of(PROJECT, "patching")));
    TableId id = TableId.of(PROJECT, "patching", "events");
    Table table = bigquery.create(TableInfo.of(id, StandardTableDefinition.of(Schema.of(
        Field.of("a", StandardSQLTypeName.STRING)))));

    Table patched = table.toBuilder()
        .setDefinition(StandardTableDefinition.of(Schema.of(Field.of("a", StandardSQLTypeName.STRING),
            Field.of("extra", StandardSQLTypeName.JSON))))
        .setDescription("events with an extra column")
        .build().update();

    assertThat(patched.getDefinition().getSchema().getFields()).extracting(Field::getName).containsExactly("a", "extra");
    assertThat(bigquery.getTable(id).getDescription()).isEqualTo("events with an extra column");
    assertThatThrownBy(() -> table.toBuilder().setDefinition(StandardTableDefinition.of(Schema.of(
        Field.of("a", StandardSQLTypeName.INT64)))).build().update())
        .isInstanceOfSatisfying(BigQueryException.class, e -> assertThat(e.getCode()).isEqualTo(400));
  }

  @Test
  void expiredTableDisappears() {
    bigquery.create(DatasetInfo.of(DatasetId.of(PROJECT, "expiry")));
    TableId id = TableId.of(PROJECT, "expiry", "staging");
    bigquery.create(TableInfo.newBuilder(id, StandardTableDefinition.of(Schema.of(
            Field.of("a", StandardSQLTypeName.STRING))))
        .setExpirationTime(clock.millis() + Duration.ofHours(1).toMillis())
        .build());
    assertThat(bigquery.getTable(id).getExpirationTime()).isEqualTo(clock.millis() + 3_600_000L);

    clock.advance(Duration.ofMinutes(59));
    assertThat(bigquery.getTable(id)).isNotNull();
    clock.advance(Duration.ofMinutes(2));
    assertThat(bigquery.getTable(id)).isNull();
    assertThat(emulator.tableExists(PROJECT, "expiry", "staging")).isFalse();
    assertThatThrownBy(() -> emulator.query(PROJECT, "SELECT * FROM expiry.staging"))
        .hasMessageContaining("staging");
  }

  @Test
  void deleteTableAndMissingResourcesAre404() {
    bigquery.create(DatasetInfo.of(DatasetId.of(PROJECT, "deleting")));
    TableId id = TableId.of(PROJECT, "deleting", "t");
    bigquery.create(TableInfo.of(id, StandardTableDefinition.of(Schema.of(Field.of("a", StandardSQLTypeName.STRING)))));

    assertThat(bigquery.delete(id)).isTrue();
    assertThat(bigquery.delete(id)).isFalse();
    assertThat(bigquery.getTable(id)).isNull();
    assertThatThrownBy(() -> bigquery.create(TableInfo.of(TableId.of(PROJECT, "nope", "t"),
        StandardTableDefinition.of(Schema.of(Field.of("a", StandardSQLTypeName.STRING))))))
        .isInstanceOfSatisfying(BigQueryException.class, e -> {
          assertThat(e.getCode()).isEqualTo(404);
          assertThat(e.getReason()).isEqualTo("notFound");
          assertThat(e.getMessage()).isEqualTo("Not found: Dataset acme-analytics:nope");
        });
  }
}
