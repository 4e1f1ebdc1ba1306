package io.bqexport.testing.bigquery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.DatasetId;
import com.google.cloud.bigquery.Job;
import com.google.cloud.bigquery.JobId;
import com.google.cloud.bigquery.JobInfo;
import com.google.cloud.bigquery.JobStatus;
import com.google.cloud.bigquery.QueryJobConfiguration;
import com.google.cloud.bigquery.QueryParameterValue;
import io.bqexport.bigquery.TableManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What BigQuery's analyzer rejects, the emulator rejects with BigQuery's answer, through the real client, on the
 * events table bqexport creates. The emulator runs Google's GoogleSQL front end (ZetaSQL with BigQuery's language
 * options) on every statement; the messages below are that front end's, as BigQuery shows them.
 */
class AnalyzerContractTest {
  private static final String PROJECT = "acme-analytics";
  private static final String EVENTS = "`acme-analytics.amplitude.events`";
  private static BigQueryEmulator emulator;
  private static BigQuery bigquery;

  @BeforeAll
  static void start() {
    emulator = BigQueryEmulator.start();
    emulator.createDataset(PROJECT, "amplitude");
    bigquery = emulator.client(PROJECT);
    new TableManager(bigquery, DatasetId.of(PROJECT, "amplitude")).ensureTables("events");
  }

  @AfterAll
  static void stop() {
    emulator.close();
  }

  private static void query(String sql) throws InterruptedException {
    bigquery.query(QueryJobConfiguration.newBuilder(sql).build());
  }

  /** jobs.query answers HTTP 400 invalidQuery with the analyzer's message. */
  private static void assertInvalidQuery(String sql, String message) {
    assertThatThrownBy(() -> query(sql)).as(sql).isInstanceOfSatisfying(BigQueryException.class, e -> {
      assertThat(e.getCode()).isEqualTo(400);
      assertThat(e.getReason()).isEqualTo("invalidQuery");
      assertThat(e.getMessage()).isEqualTo(message);
    });
  }

  /**
   * GROUPS is a reserved keyword of GoogleSQL ("Lexical structure and syntax", reserved keywords): unquoted, it
   * is a syntax error, and the Replace transaction of bqexport once listed the column so.
   */
  @Test
  void anUnquotedGroupsColumnIsASyntaxErrorForJobsQueryAndJobsInsert() throws Exception {
    String insert = "INSERT INTO " + EVENTS + " (uuid, groups) VALUES ('u1', NULL)";
    assertInvalidQuery(insert, "Syntax error: Unexpected keyword GROUPS at [1:54]");

    // jobs.insert: the job is created and ends DONE with errorResult (BigQuery's "Troubleshoot errors" page).
    bigquery.create(JobInfo.of(JobId.of("unquoted-groups"), QueryJobConfiguration.of(insert)));
    Job job = UploadContractTest.awaitDone(bigquery, JobId.of("unquoted-groups")); // jobs run asynchronously
    assertThat(job.getStatus().getState()).isEqualTo(JobStatus.State.DONE);
    assertThat(job.getStatus().getError().getReason()).isEqualTo("invalidQuery");
    assertThat(job.getStatus().getError().getMessage()).isEqualTo("Syntax error: Unexpected keyword GROUPS at [1:54]");

    query("INSERT INTO " + EVENTS + " (uuid, `groups`) VALUES ('u1', JSON '{\"company\": [\"acme\"]}')");
    assertThat(emulator.rowCount(PROJECT, "amplitude", "events")).isEqualTo(1);
  }

  /**
   * "Data types", JSON type: "JSON is not comparable, orderable or groupable" (no equality, no ORDER BY, no
   * DISTINCT, no GROUP BY).
   */
  @Test
  void jsonColumnsCannotBeComparedOrderedDistinctOrGrouped() {
    assertInvalidQuery("SELECT uuid FROM " + EVENTS + " WHERE event_properties = user_properties",
        "Equality is not defined for arguments of type JSON at [1:58]");
    assertInvalidQuery("SELECT DISTINCT event_properties FROM " + EVENTS,
        "Column event_properties of type JSON cannot be used in SELECT DISTINCT at [1:17]");
    assertInvalidQuery("SELECT uuid FROM " + EVENTS + " ORDER BY event_properties",
        "ORDER BY does not support expressions of type JSON at [1:61]");
    assertInvalidQuery("SELECT COUNT(*) FROM " + EVENTS + " GROUP BY event_properties",
        "Grouping by expressions of type JSON is not allowed at [1:67]");
  }

  /** "Function calls": a call whose argument types match none of the function's signatures is an error. */
  @Test
  void functionsWithoutASignatureForTheArgumentTypesAreRejected() {
    assertInvalidQuery("SELECT TIMESTAMP_TRUNC(user_id, HOUR) FROM " + EVENTS, "No matching signature for "
        + "function TIMESTAMP_TRUNC for argument types: STRING, DATE_TIME_PART. Supported signatures: "
        + "TIMESTAMP_TRUNC(TIMESTAMP, DATE_TIME_PART, [STRING]); TIMESTAMP_TRUNC(DATETIME, DATE_TIME_PART) at [1:8]");
    // Query parameters are typed: an INT64 parameter does not compare with a TIMESTAMP column ...
    assertThatThrownBy(() -> bigquery.query(QueryJobConfiguration.newBuilder("SELECT uuid FROM " + EVENTS
        + " WHERE event_time > @since").addNamedParameter("since", QueryParameterValue.int64(1)).build()))
        .isInstanceOfSatisfying(BigQueryException.class, e -> {
          assertThat(e.getReason()).isEqualTo("invalidQuery");
          assertThat(e.getMessage()).startsWith("No matching signature for operator > for argument types: "
              + "TIMESTAMP, INT64");
        });
  }

  /** "Conversion rules", coercion: STRING literals and parameters coerce to TIMESTAMP where one is expected. */
  @Test
  void aStringParameterCoercesToTimestampAsInBigQuery() throws Exception {
    var result = bigquery.query(QueryJobConfiguration.newBuilder("SELECT COUNT(*) AS n FROM " + EVENTS
        + " WHERE event_time > @since OR event_time IS NULL")
        .addNamedParameter("since", QueryParameterValue.string("2026-11-01 00:00:00")).build());
    assertThat(result.getValues().iterator().next().get("n").getLongValue()).isGreaterThanOrEqualTo(0);
  }

  /** "JSON functions", JSONPath format: the path must start with $ (the root). */
  @Test
  void aJsonPathWithoutTheRootIsRejected() {
    assertInvalidQuery("SELECT JSON_VALUE(event_properties, 'plan') FROM " + EVENTS, "JSONPath must start with '$'");
  }

  /** Unknown names: "Unrecognized name" at the position, and a missing table is 404 notFound. */
  @Test
  void unknownColumnsAndTablesAreRejectedLikeBigQuery() {
    assertInvalidQuery("SELECT no_such_column FROM " + EVENTS, "Unrecognized name: no_such_column at [1:8]");
    assertThatThrownBy(() -> query("SELECT * FROM `acme-analytics.amplitude.no_such_table`"))
        .isInstanceOfSatisfying(BigQueryException.class, e -> {
          assertThat(e.getCode()).isEqualTo(404);
          assertThat(e.getReason()).isEqualTo("notFound");
          assertThat(e.getMessage())
              .isEqualTo("Not found: Table acme-analytics:amplitude.no_such_table was not found in location US");
        });
  }

  /** "Conversion functions", CAST: a string that is not a number fails the query with "Bad int64 value". */
  @Test
  void aBadCastOfALiteralFailsWithBigQuerysWording() {
    assertInvalidQuery("SELECT CAST('x' AS INT64)", "Bad int64 value: x");
  }

  /** Valid GoogleSQL that the translator lacks fails saying so, not with a DuckDB message. */
  @Test
  void validGoogleSqlTheEmulatorLacksSaysSo() {
    assertThatThrownBy(() -> query("SELECT FARM_FINGERPRINT(uuid) FROM " + EVENTS))
        .isInstanceOfSatisfying(BigQueryException.class, e -> {
          assertThat(e.getCode()).isEqualTo(400);
          assertThat(e.getMessage()).startsWith("Unsupported by the BigQuery emulator");
        });
  }
}
