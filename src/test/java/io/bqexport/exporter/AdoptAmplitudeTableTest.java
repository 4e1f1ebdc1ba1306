package io.bqexport.exporter;

import static io.bqexport.exporter.StorageExporterHarness.hour;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.Field;
import com.google.cloud.bigquery.Schema;
import com.google.cloud.bigquery.StandardSQLTypeName;
import com.google.cloud.bigquery.StandardTableDefinition;
import com.google.cloud.bigquery.TableId;
import com.google.cloud.bigquery.TableInfo;
import com.google.cloud.bigquery.TimePartitioning;
import io.bqexport.bigquery.BigQueryClientFactory;
import io.bqexport.testing.storage.AmplitudeStorageExport;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A team moving off Amplitude's own BigQuery export points bqexport at the table Amplitude created, whose numeric
 * ids and sample rate are BIGNUMERIC: the table is adopted (our columns appended, its types kept) and the values land
 * exactly, the largest INT64 amplitude_id included.
 */
class AdoptAmplitudeTableTest {

  private static final String EVENTS = "{\"uuid\":\"%s\",\"event_type\":\"Login\","
      + "\"event_time\":\"2026-11-28 01:10:00.000000\",\"server_upload_time\":\"2026-11-28 01:10:01.000000\","
      + "\"amplitude_id\":%s,\"session_id\":%s,\"event_id\":%s,\"sample_rate\":%s}";

  @Test
  void rowsLandExactlyInBignumericColumns() {
    try (StorageExporterHarness h = new StorageExporterHarness()) {
      h.mergeIds = false;
      h.startFrom = hour(1);
      BigQuery client = BigQueryClientFactory.fromKeyFile(h.keyFile, StorageExporterHarness.PROJECT, "US",
          h.bigquery.endpoint());
      client.create(TableInfo.of(TableId.of(StorageExporterHarness.PROJECT, StorageExporterHarness.DATASET, "events"),
          StandardTableDefinition.newBuilder().setSchema(Schema.of(
                  Field.of("uuid", StandardSQLTypeName.STRING),
                  Field.of("event_type", StandardSQLTypeName.STRING),
                  Field.of("event_time", StandardSQLTypeName.TIMESTAMP),
                  Field.of("amplitude_id", StandardSQLTypeName.BIGNUMERIC),
                  Field.of("session_id", StandardSQLTypeName.BIGNUMERIC),
                  Field.of("event_id", StandardSQLTypeName.BIGNUMERIC),
                  Field.of("sample_rate", StandardSQLTypeName.BIGNUMERIC)))
              .setTimePartitioning(TimePartitioning.newBuilder(TimePartitioning.Type.DAY).setField("event_time")
                  .build()).build()));
      h.gcs.put(StorageExporterHarness.BUCKET, h.export.layout().eventsObject(hour(1), 0),
          AmplitudeStorageExport.gzip(List.of(
              String.format(EVENTS, "a", "9223372036854775807", "1764292200123", "1", "0.1"),
              String.format(EVENTS, "b", "123456789012", "-1", "99999", "0.000123"),
              String.format(EVENTS, "c", "5", "1764292200000", "7", "null"))));

      RunSummary run = h.run(hour(4));

      assertThat(run.result()).as(run.message()).isEqualTo(RunSummary.SUCCEEDED);
      assertThat(run.rows()).isEqualTo(3);
      List<Map<String, Object>> rows = h.query("SELECT uuid, amplitude_id, session_id, event_id, sample_rate, "
          + "bqexport_hour FROM `acme-analytics.amplitude.events` ORDER BY uuid");
      assertThat(rows).extracting(r -> decimal(r.get("amplitude_id")))
          .containsExactly(new BigDecimal("9223372036854775807"), new BigDecimal("123456789012"),
              new BigDecimal("5"));
      assertThat(rows).extracting(r -> decimal(r.get("session_id")))
          .containsExactly(new BigDecimal("1764292200123"), new BigDecimal("-1"), new BigDecimal("1764292200000").stripTrailingZeros());
      assertThat(rows).extracting(r -> decimal(r.get("event_id")))
          .containsExactly(new BigDecimal("1"), new BigDecimal("99999"), new BigDecimal("7"));
      assertThat(rows).extracting(r -> decimal(r.get("sample_rate")))
          .containsExactly(new BigDecimal("0.1"), new BigDecimal("0.000123"), null);
      assertThat(rows).extracting(r -> r.get("bqexport_hour")).containsOnly(hour(1));
      TableId table = TableId.of(StorageExporterHarness.PROJECT, StorageExporterHarness.DATASET, "events");
      Schema schema = client.getTable(table).getDefinition().getSchema();
      assertThat(schema.getFields().get("amplitude_id").getType().getStandardType())
          .as("Amplitude's types are kept").isEqualTo(StandardSQLTypeName.BIGNUMERIC);
      assertThat(schema.getFields().get("bqexport_source").getType().getStandardType()).as("our columns are appended")
          .isEqualTo(StandardSQLTypeName.STRING);
      assertThat(h.ledger("events")).extracting(r -> ((Number) r.get("row_count")).longValue()).containsExactly(3L);
    }
  }

  /** Decimal columns compared by value (the emulator's scale is its own). */
  private static BigDecimal decimal(Object value) {
    return value == null ? null : new BigDecimal(value.toString()).stripTrailingZeros();
  }
}
