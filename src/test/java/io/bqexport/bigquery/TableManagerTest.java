package io.bqexport.bigquery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.DatasetId;
import com.google.cloud.bigquery.Field;
import com.google.cloud.bigquery.Schema;
import com.google.cloud.bigquery.StandardSQLTypeName;
import com.google.cloud.bigquery.StandardTableDefinition;
import com.google.cloud.bigquery.Table;
import com.google.cloud.bigquery.TableId;
import com.google.cloud.bigquery.TableInfo;
import com.google.cloud.bigquery.TimePartitioning;
import io.bqexport.exporter.ExportFailure;
import io.bqexport.exporter.FailureReason;
import io.bqexport.testing.bigquery.BigQueryEmulator;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TableManagerTest {

  private static final String PROJECT = "acme-analytics";
  private BigQueryEmulator emulator;
  private BigQuery bigquery;
  private TableManager tables;

  @BeforeEach
  void start() {
    emulator = BigQueryEmulator.start();
    emulator.createDataset(PROJECT, "amplitude");
    bigquery = emulator.client(PROJECT);
    tables = new TableManager(bigquery, DatasetId.of(PROJECT, "amplitude"));
  }

  @AfterEach
  void stop() {
    emulator.close();
  }

  @Test
  void createsThePartitionedClusteredEventsTableTheLedgerAndTheTableFunction() {
    tables.ensureTables("events");

    Table events = bigquery.getTable(TableId.of(PROJECT, "amplitude", "events"));
    StandardTableDefinition definition = events.getDefinition();
    assertThat(definition.getTimePartitioning().getType()).isEqualTo(TimePartitioning.Type.DAY);
    assertThat(definition.getTimePartitioning().getField()).isEqualTo("event_time");
    assertThat(definition.getClustering().getFields()).containsExactly("event_type");
    assertThat(definition.getSchema().getFields()).extracting(Field::getName)
        .containsExactlyElementsOf(EventSchema.v1().columns().stream().map(EventSchema.Column::name).toList());
    assertThat(definition.getSchema().getFields().get("event_properties").getType().getStandardType())
        .isEqualTo(StandardSQLTypeName.JSON);
    assertThat(emulator.tableExists(PROJECT, "amplitude", Ledger.TABLE)).isTrue();
    assertThat(emulator.query(PROJECT, "SELECT COUNT(*) AS n FROM"
        + " `acme-analytics.amplitude.deduplicated_events`(DATE '2026-11-01', DATE '2026-11-30')").get(0).get("n"))
        .isEqualTo(0L);
    assertThat(tables.ledger().committedHours("events", "amplitude:default/product-events", Instant.parse("2026-11-01T00:00:00Z"))).isEmpty();
  }

  @Test
  void upgradesAnOlderTableByAppendingColumnsAndKeepsTheUsersOwn() {
    bigquery.create(TableInfo.of(TableId.of(PROJECT, "amplitude", "events"), StandardTableDefinition.of(Schema.of(
        Field.of("uuid", StandardSQLTypeName.STRING),
        Field.of("event_time", StandardSQLTypeName.TIMESTAMP),
        Field.of("my_own_column", StandardSQLTypeName.STRING)))));

    tables.ensureTables("events");
    tables.ensureTables("events");

    Schema schema = bigquery.getTable(TableId.of(PROJECT, "amplitude", "events")).getDefinition().getSchema();
    assertThat(schema.getFields()).extracting(Field::getName)
        .startsWith("uuid", "event_time", "my_own_column")
        .contains("insert_id", "extra", "bqexport_hour")
        .doesNotHaveDuplicates()
        .hasSize(EventSchema.v1().columns().size() + 1);
  }

  @Test
  void neverRewritesAColumnOfAnotherType() {
    bigquery.create(TableInfo.of(TableId.of(PROJECT, "amplitude", "events"), StandardTableDefinition.of(Schema.of(
        Field.of("amplitude_id", StandardSQLTypeName.STRING)))));

    assertThatThrownBy(() -> tables.ensureTables("events"))
        .isInstanceOfSatisfying(ExportFailure.class, e -> assertThat(e.reason()).isEqualTo(FailureReason.LoadFailed))
        .hasMessageContaining("amplitude_id").hasMessageContaining("STRING").hasMessageContaining("INT64");
  }

  @Test
  void aMissingDatasetIsReportedOrCreatedOnRequest() {
    TableManager missing = new TableManager(bigquery, DatasetId.of(PROJECT, "fresh"));
    assertThatThrownBy(() -> missing.ensureDataset("US", false))
        .isInstanceOfSatisfying(ExportFailure.class,
            e -> assertThat(e.reason()).isEqualTo(FailureReason.DatasetNotFound))
        .hasMessageContaining("createDataset");

    missing.ensureDataset("US", true);
    missing.ensureTables("events");

    assertThat(emulator.tableExists(PROJECT, "fresh", "events")).isTrue();
  }

  @Test
  void aDatasetCreatedOnRequestIsInTheGivenLocation() {
    new TableManager(bigquery, DatasetId.of(PROJECT, "eu_events")).ensureDataset("EU", true);

    assertThat(bigquery.getDataset(DatasetId.of(PROJECT, "eu_events")).getLocation()).isEqualTo("EU");
  }

  @Test
  void theMergeIdsTableGetsItsOwnCommitLockRow() {
    tables.ensureTables("events");
    tables.ensureMergeIdTable("merge_ids", JobLabels.NONE);

    // Without its row, a Merge IDs commit's UPDATE of the lock would touch no row and take no lock.
    assertThat(emulator.query(PROJECT, "SELECT table_name, commits FROM `" + PROJECT + ".amplitude."
        + CommitLock.TABLE + "` ORDER BY table_name"))
        .extracting(r -> r.get("table_name") + " " + r.get("commits"))
        .containsExactly("events 0", "merge_ids 0");
  }

  @Test
  void theRawMergeIdsTableTakesAmplitudesRecordsAsWrittenIntegersIncluded() {
    tables.ensureRawMergeIdTable("merge_ids_raw");

    Schema schema = bigquery.getTable(TableId.of(PROJECT, "amplitude", "merge_ids_raw")).getDefinition().getSchema();
    assertThat(schema.getFields()).extracting(Field::getName, f -> f.getType().getStandardType())
        .containsExactly(tuple("scope", StandardSQLTypeName.INT64),
            tuple("merge_time", StandardSQLTypeName.INT64),
            tuple("merge_server_time", StandardSQLTypeName.INT64),
            tuple("amplitude_id", StandardSQLTypeName.INT64),
            tuple("merged_amplitude_id", StandardSQLTypeName.INT64));
  }
}
