package io.bqexport.testing.bigquery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.Field;
import com.google.cloud.bigquery.FormatOptions;
import com.google.cloud.bigquery.Job;
import com.google.cloud.bigquery.JobId;
import com.google.cloud.bigquery.JobStatus;
import com.google.cloud.bigquery.JobStatistics.LoadStatistics;
import com.google.cloud.bigquery.JobInfo;
import com.google.cloud.bigquery.QueryJobConfiguration;
import com.google.cloud.bigquery.Schema;
import com.google.cloud.bigquery.StandardSQLTypeName;
import com.google.cloud.bigquery.TableDataWriteChannel;
import com.google.cloud.bigquery.TableId;
import com.google.cloud.bigquery.TableResult;
import com.google.cloud.bigquery.WriteChannelConfiguration;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Resumable upload load jobs through the real client's TableDataWriteChannel. */
class UploadContractTest {
  private static final String PROJECT = "acme-analytics";
  private static BigQueryEmulator emulator;
  private static BigQuery bigquery;
  private static int tableCounter;

  static final Schema EVENTS = Schema.of(
      Field.of("insert_id", StandardSQLTypeName.STRING),
      Field.of("event_time", StandardSQLTypeName.TIMESTAMP),
      Field.of("user_id", StandardSQLTypeName.STRING),
      Field.of("session_id", StandardSQLTypeName.INT64),
      Field.of("revenue", StandardSQLTypeName.NUMERIC),
      Field.of("price", StandardSQLTypeName.FLOAT64),
      Field.of("is_paying", StandardSQLTypeName.BOOL),
      Field.of("event_date", StandardSQLTypeName.DATE),
      Field.of("event_properties", StandardSQLTypeName.JSON));

  @BeforeAll
  static void start() {
    emulator = BigQueryEmulator.start();
    bigquery = emulator.client(PROJECT);
    emulator.createDataset(PROJECT, "amplitude");
  }

  @AfterAll
  static void stop() {
    emulator.close();
  }

  private static TableId newTable() {
    return TableId.of(PROJECT, "amplitude", "events_" + (++tableCounter));
  }

  static Job upload(BigQuery bigquery, JobId jobId, WriteChannelConfiguration config, byte[] data, int chunkSize)
      throws IOException, InterruptedException {
    TableDataWriteChannel writer = bigquery.writer(jobId, config);
    writer.setChunkSize(chunkSize);
    try (writer) {
      writer.write(ByteBuffer.wrap(data));
    }
    // The final chunk's answer is the PENDING job: poll jobs.get until it is DONE (waitFor() would throw for a
    // failed one, and tests want to inspect its errors).
    return writer.getJob() == null ? null : awaitDone(bigquery, writer.getJob().getJobId());
  }

  /** Polls jobs.get until the job is DONE, as a caller of BigQuery must; returns it, failed or not. */
  static Job awaitDone(BigQuery bigquery, JobId jobId) {
    return org.awaitility.Awaitility.await().atMost(java.time.Duration.ofMinutes(2))
        .pollInterval(java.time.Duration.ofMillis(10))
        .until(() -> bigquery.getJob(jobId), job -> job.getStatus().getState() == JobStatus.State.DONE);
  }

  private static WriteChannelConfiguration.Builder ndjson(TableId table) {
    return WriteChannelConfiguration.newBuilder(table)
        .setFormatOptions(FormatOptions.json())
        .setSchema(EVENTS);
  }

  private static String row(int i) {
    return "{\"insert_id\":\"id-" + i + "\",\"event_time\":\"2026-11-01 10:00:00." + String.format("%06d", i)
        + "\",\"user_id\":\"u" + i + "\",\"session_id\":" + (1000 + i) + ",\"revenue\":\"1.25\",\"price\":2.5,"
        + "\"is_paying\":true,\"event_date\":\"2026-11-01\",\"event_properties\":{\"k\":[" + i + ",{\"n\":null}]}}\n";
  }

  @Test
  void multiChunkUploadWhoseSizeIsAnExactMultipleOfTheChunkSizeNeedsOneExtraByteToFinish() throws Exception {
    int chunk = 256 * 1024;
    StringBuilder data = new StringBuilder();
    int rows = 0;
    while (data.length() + row(rows).length() <= 3 * chunk) {
      data.append(row(rows++));
    }
    // Pad the last row with spaces so that the upload is exactly three chunks.
    data.insert(data.length() - 1, " ".repeat(3 * chunk - data.length()));
    byte[] bytes = data.toString().getBytes(StandardCharsets.UTF_8);
    assertThat(bytes.length).isEqualTo(3 * chunk);

    // The real client (2.59) flushes every full chunk as non-final and then skips the empty final request, so the
    // upload never completes and no job exists: exactly what real BigQuery shows for such an upload.
    TableId lost = newTable();
    assertThat(upload(bigquery, JobId.of("load-exact-multiple"), ndjson(lost).build(), bytes, chunk)).isNull();
    assertThat(bigquery.getJob(JobId.of("load-exact-multiple"))).isNull();
    assertThat(emulator.tableExists(PROJECT, "amplitude", lost.getTable())).isFalse();

    // Writing one more newline (a blank NDJSON line) makes the final chunk non-empty.
    byte[] withNewline = (data + "\n").getBytes(StandardCharsets.UTF_8);
    TableId table = newTable();
    Job job = upload(bigquery, JobId.of("load-multi-chunk"), ndjson(table).build(), withNewline, chunk);

    assertThat(job.getStatus().getError()).isNull();
    LoadStatistics stats = job.getStatistics();
    assertThat(stats.getOutputRows()).isEqualTo(rows);
    assertThat(stats.getInputBytes()).isEqualTo(withNewline.length);
    assertThat(emulator.rowCount(PROJECT, "amplitude", table.getTable())).isEqualTo(rows);
    assertThat(emulator.query(PROJECT, "SELECT COUNT(DISTINCT insert_id) AS n FROM amplitude." + table.getTable()))
        .containsExactly(Map.of("n", (long) rows));
  }

  @Test
  void typedNdjsonKeepsAmplitudeAndRfc3339TimestampsJsonAndUnicode() throws Exception {
    TableId table = newTable();
    String data = "{\"insert_id\":\"a\",\"event_time\":\"2026-11-01 10:00:00.123456\",\"user_id\":\"Zoë 😀 \\\"q\\\"\","
        + "\"revenue\":12.345678901,\"event_properties\":{\"nested\":{\"list\":[1,\"two\",null]},\"emoji\":\"🎉\"}}\n"
        + "{\"insert_id\":\"b\",\"event_time\":\"2026-11-01T12:30:00.5+02:00\",\"session_id\":\"42\","
        + "\"is_paying\":\"false\",\"event_properties\":\"just a string\"}\n"
        + "\n";

    Job job = upload(bigquery, JobId.of("load-typed"), ndjson(table).build(),
        data.getBytes(StandardCharsets.UTF_8), 256 * 1024);

    assertThat(job.getStatus().getError()).isNull();
    List<Map<String, Object>> rows = emulator.query(PROJECT,
        "SELECT insert_id, event_time, user_id, session_id, revenue, is_paying, "
            + "TO_JSON_STRING(event_properties) AS props, JSON_VALUE(event_properties, '$.emoji') AS emoji "
            + "FROM `acme-analytics.amplitude." + table.getTable() + "` ORDER BY insert_id");
    assertThat(rows).hasSize(2);
    assertThat(rows.get(0).get("event_time")).isEqualTo(Instant.parse("2026-11-01T10:00:00.123456Z"));
    assertThat(rows.get(0).get("user_id")).isEqualTo("Zoë 😀 \"q\"");
    assertThat((BigDecimal) rows.get(0).get("revenue")).isEqualByComparingTo("12.345678901");
    assertThat(rows.get(0).get("props")).isEqualTo("{\"nested\":{\"list\":[1,\"two\",null]},\"emoji\":\"🎉\"}");
    assertThat(rows.get(0).get("emoji")).isEqualTo("🎉");
    assertThat(rows.get(1).get("event_time")).isEqualTo(Instant.parse("2026-11-01T10:30:00.5Z"));
    assertThat(rows.get(1).get("session_id")).isEqualTo(42L);
    assertThat(rows.get(1).get("is_paying")).isEqualTo(false);
    assertThat(rows.get(1).get("props")).isEqualTo("\"just a string\"");
  }

  @Test
  void repeatedAndRecordFieldsLoadFromNdjson() throws Exception {
    TableId table = newTable();
    Schema schema = Schema.of(Field.newBuilder("tags", StandardSQLTypeName.STRING).setMode(Field.Mode.REPEATED)
            .build(),
        Field.of("place", StandardSQLTypeName.STRUCT, Field.of("city", StandardSQLTypeName.STRING),
            Field.newBuilder("codes", StandardSQLTypeName.INT64).setMode(Field.Mode.REPEATED).build()));
    String data = "{\"tags\":[\"a\",\"b\"],\"place\":{\"city\":\"Zürich\",\"codes\":[8000,\"8001\"]}}\n"
        + "{\"tags\":null,\"place\":null}\n";
    Job job = upload(bigquery, JobId.of("load-nested"), WriteChannelConfiguration.newBuilder(table)
        .setFormatOptions(FormatOptions.json()).setSchema(schema).build(), data.getBytes(StandardCharsets.UTF_8),
        256 * 1024);

    assertThat(job.getStatus().getError()).isNull();
    var rows = bigquery.listTableData(table, schema).iterateAll().iterator();
    var first = rows.next();
    assertThat(first.get("tags").getRepeatedValue()).extracting(v -> v.getStringValue()).containsExactly("a", "b");
    assertThat(first.get("place").getRecordValue().get("codes").getRepeatedValue())
        .extracting(v -> v.getLongValue()).containsExactly(8000L, 8001L);
    var second = rows.next();
    assertThat(second.get("tags").getRepeatedValue()).isEmpty();
    assertThat(second.get("place").isNull()).isTrue();
  }

  @Test
  void uploadOfZeroBytesCreatesNoJobButTheTableStaysLoadable() throws Exception {
    TableId table = newTable();
    Job job = upload(bigquery, JobId.of("load-empty"), ndjson(table).build(), new byte[0], 256 * 1024);
    // The Java client sends no chunk for an empty upload, so no job exists (as against real BigQuery).
    assertThat(job).isNull();
    assertThat(bigquery.getJob(JobId.of("load-empty"))).isNull();
  }

  @Test
  void uploadOfZeroRowsSucceedsWithZeroOutputRows() throws Exception {
    TableId table = newTable();
    Job job = upload(bigquery, JobId.of("load-zero-rows"), ndjson(table).build(), "\n".getBytes(), 256 * 1024);
    assertThat(job.getStatus().getError()).isNull();
    assertThat(((LoadStatistics) job.getStatistics()).getOutputRows()).isZero();
    assertThat(bigquery.getTable(table).getNumRows()).isZero();
  }

  @Test
  void badRecordsFailTheJobUnlessMaxBadRecordsAllowsThem() throws Exception {
    TableId table = newTable();
    String data = row(1) + "{\"insert_id\":\"x\",\"session_id\":\"not a number\"}\n" + "{not json\n"
        + "{\"insert_id\":\"y\",\"unknown_key\":1}\n";

    Job failed = upload(bigquery, JobId.of("load-bad"), ndjson(table).build(), data.getBytes(), 256 * 1024);
    assertThat(failed.getStatus().getError().getReason()).isEqualTo("invalid");
    assertThat(failed.getStatus().getError().getMessage()).contains("too many errors");
    assertThat(failed.getStatus().getExecutionErrors()).extracting(e -> e.getMessage())
        .anyMatch(m -> m.contains("No such field: unknown_key"));
    assertThat(emulator.rowCount(PROJECT, "amplitude", table.getTable())).isZero();

    Job tolerant = upload(bigquery, JobId.of("load-bad-tolerated"),
        ndjson(table).setMaxBadRecords(2).setIgnoreUnknownValues(true).build(), data.getBytes(), 256 * 1024);
    assertThat(tolerant.getStatus().getError()).isNull();
    assertThat(((LoadStatistics) tolerant.getStatistics()).getOutputRows()).isEqualTo(2);
    assertThat(((LoadStatistics) tolerant.getStatistics()).getBadRecords()).isEqualTo(2);
  }

  @Test
  void writeDispositionsAreHonoured() throws Exception {
    TableId table = newTable();
    byte[] two = (row(1) + row(2)).getBytes();
    upload(bigquery, JobId.of("wd-1"), ndjson(table).build(), two, 256 * 1024);
    upload(bigquery, JobId.of("wd-2"), ndjson(table).setWriteDisposition(JobInfo.WriteDisposition.WRITE_APPEND)
        .build(), two, 256 * 1024);
    assertThat(emulator.rowCount(PROJECT, "amplitude", table.getTable())).isEqualTo(4);

    Job empty = upload(bigquery, JobId.of("wd-3"), ndjson(table).setWriteDisposition(
        JobInfo.WriteDisposition.WRITE_EMPTY).build(), two, 256 * 1024);
    assertThat(empty.getStatus().getError().getReason()).isEqualTo("duplicate");
    assertThat(emulator.rowCount(PROJECT, "amplitude", table.getTable())).isEqualTo(4);

    upload(bigquery, JobId.of("wd-4"), ndjson(table).setWriteDisposition(JobInfo.WriteDisposition.WRITE_TRUNCATE)
        .build(), row(9).getBytes(), 256 * 1024);
    assertThat(emulator.rowCount(PROJECT, "amplitude", table.getTable())).isEqualTo(1);

    Job never = upload(bigquery, JobId.of("wd-5"), ndjson(newTable()).setCreateDisposition(
        JobInfo.CreateDisposition.CREATE_NEVER).build(), two, 256 * 1024);
    assertThat(never.getStatus().getError().getReason()).isEqualTo("notFound");
  }

  @Test
  void duplicateJobIdIsRefusedWith409AtUploadInitiationAndAtJobsInsert() throws Exception {
    TableId table = newTable();
    upload(bigquery, JobId.of("load-dup"), ndjson(table).build(), row(1).getBytes(), 256 * 1024);

    assertThatThrownBy(() -> upload(bigquery, JobId.of("load-dup"), ndjson(table).build(), row(2).getBytes(),
        256 * 1024))
        // The client reads no error body on the upload POST: only the code tells it is a duplicate.
        .isInstanceOfSatisfying(BigQueryException.class, e -> assertThat(e.getCode()).isEqualTo(409));
    // For jobs.insert the client itself catches the 409 "Already Exists: Job" of a caller-chosen id created in
    // the last day, and returns that job read with fields=statistics: no status, so it must be reloaded.
    Job adopted = bigquery.create(JobInfo.of(JobId.of("load-dup"), QueryJobConfiguration.of("SELECT 1")));
    assertThat(adopted.getStatus()).isNull();
    assertThat(adopted.getStatistics().getCreationTime()).isPositive();
    assertThat(emulator.jobs()).filteredOn(j -> j.jobId().equals("load-dup")).singleElement()
        .extracting(JobSummary::type).isEqualTo("LOAD");
    assertThat(emulator.rowCount(PROJECT, "amplitude", table.getTable())).isEqualTo(1);

    Job read = bigquery.getJob(JobId.of("load-dup"));
    assertThat(read.getStatus().getState().toString()).isEqualTo("DONE");
    assertThat(read.getStatus().getError()).isNull();
    assertThat(((LoadStatistics) read.getStatistics()).getOutputRows()).isEqualTo(1);
    assertThat(((LoadStatistics) read.getStatistics()).getInputBytes()).isEqualTo(row(1).getBytes().length);
  }

  @Test
  void loadedRowsAreReadableThroughQueryAndTabledataList() throws Exception {
    TableId table = newTable();
    upload(bigquery, JobId.of("load-read"), ndjson(table).build(), (row(1) + row(2)).getBytes(), 256 * 1024);

    TableResult result = bigquery.query(QueryJobConfiguration.newBuilder(
        "SELECT insert_id, event_time, revenue FROM amplitude." + table.getTable() + " ORDER BY insert_id").build());
    assertThat(result.getTotalRows()).isEqualTo(2);
    var first = result.iterateAll().iterator().next();
    assertThat(first.get("insert_id").getStringValue()).isEqualTo("id-1");
    assertThat(first.get("event_time").getTimestampInstant()).isEqualTo(Instant.parse("2026-11-01T10:00:00.000001Z"));
    assertThat(first.get("revenue").getNumericValue()).isEqualByComparingTo("1.25");

    TableResult data = bigquery.listTableData(table, EVENTS);
    assertThat(data.getTotalRows()).isEqualTo(2);
    assertThat(data.iterateAll().iterator().next().get("event_time").getTimestampInstant())
        .isEqualTo(Instant.parse("2026-11-01T10:00:00.000001Z"));
  }
}
