package io.bqexport.testing.bigquery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.FieldValueList;
import com.google.cloud.bigquery.Job;
import com.google.cloud.bigquery.JobId;
import com.google.cloud.bigquery.JobInfo;
import com.google.cloud.bigquery.JobStatus;
import com.google.cloud.bigquery.JobStatistics.QueryStatistics;
import com.google.cloud.bigquery.QueryJobConfiguration;
import com.google.cloud.bigquery.QueryParameterValue;
import com.google.cloud.bigquery.StandardSQLTypeName;
import com.google.cloud.bigquery.TableResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Queries, parameters, DML, transactions and table functions through the real client. */
class QueryContractTest {
  private static final String PROJECT = "acme-analytics";
  private static final String EVENTS = "`acme-analytics.amplitude.events`";
  // Per test method: no state (tables, datasets, the clock) carries from one test to the next.
  private BigQueryEmulator emulator;
  private BigQuery bigquery;

  @BeforeEach
  void start() throws InterruptedException {
    emulator = BigQueryEmulator.start();
    bigquery = emulator.client(PROJECT);
    emulator.createDataset(PROJECT, "amplitude");
    freshEventsTable();
  }

  @AfterEach
  void stop() {
    emulator.close();
  }

  private void freshEventsTable() throws InterruptedException {
    run("CREATE OR REPLACE TABLE " + EVENTS + " (insert_id STRING NOT NULL, event_time TIMESTAMP, "
        + "event_type STRING, revenue NUMERIC, props JSON) PARTITION BY DATE(event_time) CLUSTER BY event_type");
    run("INSERT INTO " + EVENTS + " (insert_id, event_time, event_type, revenue, props) VALUES "
        + "('a', TIMESTAMP '2026-11-01 10:15:00', 'open', 1.5, JSON '{\"k\": 1}'), "
        + "('b', TIMESTAMP '2026-11-01 11:45:00.123456', 'click', NULL, NULL), "
        + "('c', TIMESTAMP '2026-11-02 00:00:00', 'open', 2, PARSE_JSON('[1, \"x\"]'))");
  }

  private TableResult run(String sql) throws InterruptedException {
    return bigquery.query(QueryJobConfiguration.newBuilder(sql).build());
  }

  private List<FieldValueList> rows(TableResult result) {
    List<FieldValueList> rows = new ArrayList<>();
    result.iterateAll().forEach(rows::add);
    return rows;
  }

  @Test
  void jobsQueryReturnsTypedRowsAndSchema() throws Exception {
    TableResult result = run("SELECT insert_id, event_time, revenue, TIMESTAMP_TRUNC(event_time, HOUR) AS hour, "
        + "DATE(event_time) AS day, JSON_VALUE(props, '$.k') AS k FROM " + EVENTS + " ORDER BY insert_id");

    assertThat(result.getTotalRows()).isEqualTo(3);
    assertThat(result.getSchema().getFields().get("event_time").getType()).isEqualTo(
        com.google.cloud.bigquery.LegacySQLTypeName.TIMESTAMP);
    List<FieldValueList> rows = rows(result);
    assertThat(rows.get(1).get("event_time").getTimestampInstant())
        .isEqualTo(Instant.parse("2026-11-01T11:45:00.123456Z"));
    assertThat(rows.get(1).get("hour").getTimestampInstant()).isEqualTo(Instant.parse("2026-11-01T11:00:00Z"));
    assertThat(rows.get(2).get("day").getStringValue()).isEqualTo("2026-11-02");
    assertThat(rows.get(0).get("revenue").getNumericValue()).isEqualByComparingTo("1.5");
    assertThat(rows.get(0).get("k").getStringValue()).isEqualTo("1");
    assertThat(rows.get(1).get("revenue").isNull()).isTrue();
  }

  @Test
  void queryJobWithCallerIdAndGetQueryResults() throws Exception {
    JobId id = JobId.of("query-by-insert");
    Job job = bigquery.create(JobInfo.of(id, QueryJobConfiguration.newBuilder(
        "SELECT event_type, COUNT(*) AS n FROM " + EVENTS + " GROUP BY event_type ORDER BY event_type").build()));

    TableResult result = job.getQueryResults();
    assertThat(result.getTotalRows()).isEqualTo(2);
    List<FieldValueList> rows = rows(result);
    assertThat(rows.get(0).get("event_type").getStringValue()).isEqualTo("click");
    assertThat(rows.get(1).get("n").getLongValue()).isEqualTo(2);

    Job read = bigquery.getJob(id);
    assertThat(read.isDone()).isTrue();
    assertThat(read.getStatus().getError()).isNull();
    assertThat(((QueryStatistics) read.getStatistics()).getStatementType().toString()).isEqualTo("SELECT");
    assertThat(emulator.jobs()).anyMatch(j -> j.jobId().equals("query-by-insert") && j.type().equals("QUERY"));
  }

  @Test
  void namedAndPositionalParameters() throws Exception {
    TableResult named = bigquery.query(QueryJobConfiguration.newBuilder(
            "SELECT insert_id FROM " + EVENTS + " WHERE event_time >= @start AND event_time < @end "
                + "AND event_type IN UNNEST(@types) ORDER BY insert_id")
        .addNamedParameter("start", QueryParameterValue.timestamp("2026-11-01 11:00:00.000000+00:00"))
        .addNamedParameter("end", QueryParameterValue.timestamp("2026-11-02 00:00:01.000000+00:00"))
        .addNamedParameter("types", QueryParameterValue.array(new String[] {"open", "click"}, String.class))
        .build());
    assertThat(rows(named)).extracting(r -> r.get("insert_id").getStringValue()).containsExactly("b", "c");

    TableResult positional = bigquery.query(QueryJobConfiguration.newBuilder(
            "SELECT COUNT(*) AS n FROM " + EVENTS + " WHERE event_type = ? AND DATE(event_time) = ?")
        .addPositionalParameter(QueryParameterValue.string("open"))
        .addPositionalParameter(QueryParameterValue.date("2026-11-01"))
        .build());
    assertThat(rows(positional).get(0).get("n").getLongValue()).isEqualTo(1);
  }

  @Test
  void dmlDeleteUpdateInsertAndMergeReportAffectedRows() throws Exception {
    Job delete = bigquery.create(JobInfo.of(JobId.of("dml-delete"), QueryJobConfiguration.of(
        "DELETE " + EVENTS + " WHERE DATE(event_time) = '2026-11-01' AND event_time < TIMESTAMP_ADD("
            + "TIMESTAMP '2026-11-01 11:00:00', INTERVAL 30 MINUTE)")));
    assertThat(((QueryStatistics) delete.getStatistics()).getDmlStats()).isNull();
    assertThat(((QueryStatistics) UploadContractTest.awaitDone(bigquery, JobId.of("dml-delete")).getStatistics())
        .getNumDmlAffectedRows()).isEqualTo(1);

    run("UPDATE " + EVENTS + " SET revenue = 9.99 WHERE insert_id = 'b'");
    run("MERGE " + EVENTS + " T USING (SELECT 'c' AS insert_id, 'close' AS event_type UNION ALL "
        + "SELECT 'd', 'open') S ON T.insert_id = S.insert_id "
        + "WHEN MATCHED THEN UPDATE SET event_type = S.event_type "
        + "WHEN NOT MATCHED THEN INSERT (insert_id, event_time, event_type) "
        + "VALUES (S.insert_id, TIMESTAMP_SUB(TIMESTAMP '2026-11-03 00:00:00', INTERVAL 1 HOUR), S.event_type)");

    assertThat(emulator.query(PROJECT, "SELECT insert_id, event_type, revenue, event_time FROM " + EVENTS
        + " ORDER BY insert_id"))
        .extracting(r -> r.get("insert_id") + ":" + r.get("event_type") + ":" + r.get("event_time"))
        .containsExactly("b:click:2026-11-01T11:45:00.123456Z", "c:close:2026-11-02T00:00:00Z",
            "d:open:2026-11-02T23:00:00Z");
  }

  @Test
  void multiStatementTransactionCommits() throws Exception {
    run("CREATE TABLE amplitude.staging AS SELECT * FROM " + EVENTS + " WHERE insert_id = 'a'");
    run("UPDATE amplitude.staging SET event_type = 'replaced' WHERE TRUE");

    Job job = bigquery.create(JobInfo.of(JobId.of("replace-window"), QueryJobConfiguration.of(
        "BEGIN TRANSACTION;\n"
            + "DELETE FROM " + EVENTS + " WHERE event_time >= TIMESTAMP '2026-11-01 10:00:00' "
            + "AND event_time < TIMESTAMP '2026-11-01 11:00:00';\n"
            + "INSERT INTO " + EVENTS + " SELECT * FROM amplitude.staging;\n"
            + "COMMIT TRANSACTION;")));
    job = UploadContractTest.awaitDone(bigquery, job.getJobId());

    assertThat(job.getStatus().getError()).isNull();
    assertThat(((QueryStatistics) job.getStatistics()).getStatementType().toString()).isEqualTo("SCRIPT");
    assertThat(emulator.query(PROJECT, "SELECT event_type FROM " + EVENTS + " WHERE insert_id = 'a'"))
        .containsExactly(Map.of("event_type", "replaced"));
    assertThat(emulator.rowCount(PROJECT, "amplitude", "events")).isEqualTo(3);
    run("DROP TABLE amplitude.staging");
    assertThat(emulator.tableExists(PROJECT, "amplitude", "staging")).isFalse();
  }

  @Test
  void transactionRollsBackWhenAStatementFails() throws Exception {
    Job job = bigquery.create(JobInfo.of(JobId.of("failing-transaction"), QueryJobConfiguration.of(
        "BEGIN TRANSACTION;"
            + "DELETE FROM " + EVENTS + " WHERE TRUE;"
            + "INSERT INTO " + EVENTS + " (insert_id) VALUES (NULL);"
            + "COMMIT TRANSACTION;")));
    job = UploadContractTest.awaitDone(bigquery, job.getJobId());

    assertThat(job.getStatus().getError()).isNotNull();
    assertThat(job.getStatus().getError().getReason()).isEqualTo("invalidQuery");
    assertThat(job.getStatus().getError().getMessage()).containsIgnoringCase("null");
    assertThat(emulator.rowCount(PROJECT, "amplitude", "events")).isEqualTo(3);
    assertThatThrownBy(job::getQueryResults).isInstanceOf(BigQueryException.class);
  }

  @Test
  void transactionNeverCommittedIsRolledBack() throws Exception {
    assertThatThrownBy(() -> run("BEGIN TRANSACTION; DELETE FROM " + EVENTS + " WHERE TRUE;"))
        .isInstanceOfSatisfying(BigQueryException.class, e -> assertThat(e.getMessage()).contains("not committed"));
    assertThat(emulator.rowCount(PROJECT, "amplitude", "events")).isEqualTo(3);
  }

  @Test
  void tableFunctionDeduplicatesLikeAmplitudes() throws Exception {
    run("INSERT INTO " + EVENTS + " (insert_id, event_time, event_type) VALUES "
        + "('a', TIMESTAMP '2026-11-01 10:15:00', 'open')");
    run("CREATE OR REPLACE TABLE FUNCTION `acme-analytics.amplitude.deduplicated_events`(start_date DATE, "
        + "end_date DATE) AS (SELECT * EXCEPT (rn) FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY insert_id "
        + "ORDER BY event_time) AS rn FROM " + EVENTS + " WHERE DATE(event_time) BETWEEN start_date AND end_date) "
        + "WHERE rn = 1)");

    TableResult result = run("SELECT insert_id FROM `acme-analytics.amplitude.deduplicated_events`("
        + "DATE '2026-11-01', DATE '2026-11-01') ORDER BY insert_id");
    assertThat(rows(result)).extracting(r -> r.get("insert_id").getStringValue()).containsExactly("a", "b");
    assertThat(emulator.rowCount(PROJECT, "amplitude", "events")).isEqualTo(4);
  }

  @Test
  void createTableStatementKeepsPartitioningClusteringAndExpiration() throws Exception {
    var table = bigquery.getTable("amplitude", "events");
    var definition = (com.google.cloud.bigquery.StandardTableDefinition) table.getDefinition();
    assertThat(definition.getTimePartitioning().getField()).isEqualTo("event_time");
    assertThat(definition.getTimePartitioning().getType().name()).isEqualTo("DAY");
    assertThat(definition.getClustering().getFields()).containsExactly("event_type");
    assertThat(definition.getSchema().getFields().get("insert_id").getMode().name()).isEqualTo("REQUIRED");
    assertThat(definition.getSchema().getFields().get("props").getType().getStandardType())
        .isEqualTo(StandardSQLTypeName.JSON);

    run("CREATE TABLE amplitude.probe (x INT64) OPTIONS (expiration_timestamp = TIMESTAMP_ADD("
        + "CURRENT_TIMESTAMP(), INTERVAL 1 HOUR), description = \"probe\")");
    var probe = bigquery.getTable("amplitude", "probe");
    assertThat(probe.getExpirationTime()).isBetween(System.currentTimeMillis() + 3_500_000L,
        System.currentTimeMillis() + 3_700_000L);
    assertThat(probe.getDescription()).isEqualTo("probe");
    run("CREATE TABLE IF NOT EXISTS amplitude.probe (x INT64) OPTIONS (description = \"ignored\")");
    assertThat(bigquery.getTable("amplitude", "probe").getDescription()).isEqualTo("probe");
    run("CREATE OR REPLACE TABLE amplitude.probe (x INT64)");
    assertThat(bigquery.getTable("amplitude", "probe").getExpirationTime()).isNull();
    run("DROP TABLE amplitude.probe");
  }

  @Test
  void timestampFunctions() throws Exception {
    TableResult result = run("SELECT TIMESTAMP_DIFF(TIMESTAMP '2026-11-01 12:00:00', "
        + "TIMESTAMP('2026-11-01 10:30:00+00'), HOUR) AS hours, "
        + "ARRAY_LENGTH(GENERATE_TIMESTAMP_ARRAY(TIMESTAMP '2026-11-01 00:00:00', "
        + "TIMESTAMP '2026-11-01 05:00:00', INTERVAL 1 HOUR)) AS slots, "
        + "UNIX_MICROS(TIMESTAMP '1970-01-01 00:00:01+00') AS micros, "
        + "DATE_SUB(DATE '2026-11-01', INTERVAL 1 DAY) AS yesterday, "
        + "CURRENT_TIMESTAMP() > TIMESTAMP '2020-01-01' AS now_ok");
    FieldValueList row = rows(result).get(0);
    assertThat(row.get("hours").getLongValue()).isEqualTo(1);
    assertThat(row.get("slots").getLongValue()).isEqualTo(6);
    assertThat(row.get("micros").getLongValue()).isEqualTo(1_000_000L);
    assertThat(row.get("yesterday").getStringValue()).isEqualTo("2026-10-31");
    assertThat(row.get("now_ok").getBooleanValue()).isTrue();
  }

  @Test
  void untranslatableSqlFailsLoudlyWithBigQueryErrorShape() {
    for (String sql : List.of("DECLARE x INT64 DEFAULT 1", "SELECT SAFE.PARSE_DATE('%Y', '2020')",
        "SELECT STRUCT(1)", "SELECT 1::INT64", "SELECT * FROM " + EVENTS + " FOR SYSTEM_TIME AS OF "
            + "CURRENT_TIMESTAMP()", "SELECT no_such_function(1)")) {
      assertThatThrownBy(() -> run(sql)).as(sql).isInstanceOfSatisfying(BigQueryException.class, e -> {
        assertThat(e.getCode()).isEqualTo(400);
        assertThat(e.getReason()).isEqualTo("invalidQuery");
      });
    }
    assertThatThrownBy(() -> run("SELECT * FROM amplitude.missing"))
        .isInstanceOfSatisfying(BigQueryException.class, e -> assertThat(e.getCode()).isEqualTo(404));
    assertThatThrownBy(() -> run("SELECT * FROM nodataset.missing"))
        .isInstanceOfSatisfying(BigQueryException.class, e -> {
          assertThat(e.getCode()).isEqualTo(404);
          assertThat(e.getReason()).isEqualTo("notFound");
        });
  }

  @Test
  void defaultDatasetResolvesUnqualifiedNamesAndCreateTableLikeCopiesPartitioning() throws Exception {
    bigquery.query(QueryJobConfiguration.newBuilder("CREATE TABLE staging_like LIKE events")
        .setDefaultDataset("amplitude").build());
    var staging = bigquery.getTable("amplitude", "staging_like");
    var definition = (com.google.cloud.bigquery.StandardTableDefinition) staging.getDefinition();
    assertThat(definition.getTimePartitioning().getField()).isEqualTo("event_time");
    assertThat(definition.getSchema().getFields()).hasSize(5);

    TableResult result = bigquery.query(QueryJobConfiguration.newBuilder(
        "INSERT INTO staging_like SELECT * FROM events WHERE insert_id = @id; SELECT COUNT(*) AS n FROM staging_like")
        .setDefaultDataset("amplitude")
        .addNamedParameter("id", QueryParameterValue.string("a"))
        .build());
    assertThat(rows(result).get(0).get("n").getLongValue()).isEqualTo(1);
    run("DROP TABLE amplitude.staging_like");
  }

  @Test
  void ledgerStyleUpsertWithMergeAndParameters() throws Exception {
    run("CREATE TABLE IF NOT EXISTS amplitude._bqexport_ledger (table_name STRING, hour TIMESTAMP, row_count INT64, "
        + "job_id STRING, generation INT64, committed_at TIMESTAMP)");
    String upsert = "MERGE amplitude._bqexport_ledger L USING (SELECT @table AS table_name, @hour AS hour) S "
        + "ON L.table_name = S.table_name AND L.hour = S.hour "
        + "WHEN MATCHED THEN UPDATE SET row_count = @rows, job_id = @job, generation = L.generation + 1, "
        + "committed_at = CURRENT_TIMESTAMP() "
        + "WHEN NOT MATCHED THEN INSERT (table_name, hour, row_count, job_id, generation, committed_at) "
        + "VALUES (S.table_name, S.hour, @rows, @job, 1, CURRENT_TIMESTAMP())";
    for (String job : List.of("job-1", "job-2")) {
      bigquery.query(QueryJobConfiguration.newBuilder(upsert)
          .addNamedParameter("table", QueryParameterValue.string("events"))
          .addNamedParameter("hour", QueryParameterValue.timestamp("2026-11-01 10:00:00+00:00"))
          .addNamedParameter("rows", QueryParameterValue.int64(48211L))
          .addNamedParameter("job", QueryParameterValue.string(job))
          .build());
    }
    assertThat(emulator.query(PROJECT, "SELECT job_id, generation, row_count FROM amplitude._bqexport_ledger"))
        .containsExactly(Map.of("job_id", "job-2", "generation", 2L, "row_count", 48211L));
  }

  @Test
  void failedJobMakesWaitForThrowInTheRealClient() throws Exception {
    Job job = bigquery.create(JobInfo.of(JobId.of("failing-select"), QueryJobConfiguration.of(
        "SELECT CAST('x' AS INT64)")));
    // jobs.insert answers before the job ran (https://cloud.google.com/bigquery/docs/reference/rest/v2/jobs/insert).
    assertThat(job.getStatus().getState()).isEqualTo(JobStatus.State.PENDING);
    assertThat(job.getStatus().getError()).isNull();
    // google-cloud-bigquery 2.59: waitFor() reloads the job and throws when it finished with an error.
    assertThatThrownBy(job::waitFor).isInstanceOf(BigQueryException.class)
        .extracting(e -> ((BigQueryException) e).getReason()).isEqualTo("invalidQuery");
    assertThat(bigquery.getJob(JobId.of("failing-select")).getStatus().getError().getMessage())
        .isEqualTo("Bad int64 value: x");
  }

  @Test
  void dryRunValidatesWithoutRunningOrStoringAJob() throws Exception {
    Job dry = bigquery.create(JobInfo.of(JobId.of("dry"), QueryJobConfiguration.newBuilder(
        "DELETE FROM " + EVENTS + " WHERE TRUE").setDryRun(true).build()));
    assertThat(dry.getStatus().getError()).isNull();
    assertThat(emulator.rowCount(PROJECT, "amplitude", "events")).isEqualTo(3);
    assertThat(bigquery.getJob(JobId.of("dry"))).isNull();
    assertThatThrownBy(() -> bigquery.create(JobInfo.of(QueryJobConfiguration.newBuilder(
        "SELECT * FROM nodataset.t").setDryRun(true).build())))
        .isInstanceOfSatisfying(BigQueryException.class, e -> assertThat(e.getCode()).isEqualTo(404));
    assertThatThrownBy(() -> bigquery.create(JobInfo.of(QueryJobConfiguration.newBuilder(
        "SELECT no_such_column FROM " + EVENTS).setDryRun(true).build())))
        .isInstanceOfSatisfying(BigQueryException.class, e -> assertThat(e.getReason()).isEqualTo("invalidQuery"));
  }

  @Test
  void tabledataListPagesThroughATable() throws Exception {
    var page = bigquery.listTableData(com.google.cloud.bigquery.TableId.of("amplitude", "events"),
        BigQuery.TableDataListOption.pageSize(2));
    assertThat(page.getValues()).hasSize(2);
    assertThat(page.hasNextPage()).isTrue();
    List<String> all = new ArrayList<>();
    page.iterateAll().forEach(r -> all.add(r.get(0).getStringValue()));
    assertThat(all).containsExactly("a", "b", "c");
  }
}
