package io.bqexport.testing.bigquery;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.DatasetId;
import com.google.cloud.bigquery.FieldValue;
import com.google.cloud.bigquery.FieldValueList;
import com.google.cloud.bigquery.QueryJobConfiguration;
import io.bqexport.bigquery.TableManager;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The GoogleSQL an analyst writes on Amplitude data (`make demo --query`), through the real client, on the events
 * table and table function bqexport creates. Each query passes BigQuery's analyzer and its result is BigQuery's,
 * per the GoogleSQL function reference cited on each test.
 */
class AnalystSqlContractTest {
  private static final String PROJECT = "acme-analytics";
  private static final String EVENTS = "`acme-analytics.amplitude.events`";
  private static BigQueryEmulator emulator;
  private static BigQuery bigquery;

  @BeforeAll
  static void start() throws Exception {
    emulator = BigQueryEmulator.start();
    emulator.createDataset(PROJECT, "amplitude");
    bigquery = emulator.client(PROJECT);
    new TableManager(bigquery, DatasetId.of(PROJECT, "amplitude")).ensureTables("events");
    rows("INSERT INTO " + EVENTS + " (`uuid`, `event_type`, `event_time`, `server_upload_time`, `user_id`, "
        + "`event_properties`, `groups`) VALUES "
        + "('u1', 'open', TIMESTAMP '2026-11-01 10:15:00', TIMESTAMP '2026-11-01 10:15:05', 'ann', JSON "
        + "'{\"plan\": \"pro\", \"items\": [{\"sku\": \"a\", \"price\": 2.5}, {\"sku\": \"b\", \"price\": \"x\"}], "
        + "\"tags\": [\"x\", \"y\"]}', JSON '{\"company\": [\"acme\"]}'), "
        + "('u2', 'purchase', TIMESTAMP '2026-11-01 10:20:00', TIMESTAMP '2026-11-01 10:20:05', 'ann', JSON "
        + "'{\"plan\": \"pro\", \"items\": [{\"sku\": \"c\", \"price\": 4}], \"tags\": [\"z\"]}', NULL), "
        + "('u3', 'open', TIMESTAMP '2026-11-02 09:00:00', TIMESTAMP '2026-11-02 09:00:05', 'bob', JSON "
        + "'{\"plan\": \"free\"}', NULL), "
        + "('u3', 'open', TIMESTAMP '2026-11-02 09:00:00', TIMESTAMP '2026-11-02 09:30:00', 'bob', JSON "
        + "'{\"plan\": \"free\"}', NULL)");
  }

  @AfterAll
  static void stop() {
    emulator.close();
  }

  private static List<FieldValueList> rows(String sql) throws InterruptedException {
    List<FieldValueList> rows = new ArrayList<>();
    bigquery.query(QueryJobConfiguration.newBuilder(sql).build()).iterateAll().forEach(rows::add);
    return rows;
  }

  private static List<String> column(String sql, String name) throws InterruptedException {
    return rows(sql).stream().map(r -> r.get(name).isNull() ? null : r.get(name).getStringValue()).toList();
  }

  /** JSON functions: JSON_QUERY_ARRAY returns ARRAY<JSON>, which UNNEST turns into rows. */
  @Test
  void jsonQueryArrayWithUnnest() throws Exception {
    assertThat(column("SELECT JSON_VALUE(item, '$.sku') AS sku FROM " + EVENTS + " AS e, "
        + "UNNEST(JSON_QUERY_ARRAY(e.event_properties, '$.items')) AS item ORDER BY sku", "sku"))
        .containsExactly("a", "b", "c");
  }

  /** JSON functions: JSON_VALUE_ARRAY returns ARRAY<STRING> of the array's scalars; NULL when not an array. */
  @Test
  void jsonValueArrayWithUnnest() throws Exception {
    assertThat(column("SELECT tag FROM " + EVENTS + " AS e, UNNEST(JSON_VALUE_ARRAY(e.event_properties, '$.tags'))"
        + " AS tag ORDER BY tag", "tag")).containsExactly("x", "y", "z");
    assertThat(column("SELECT JSON_VALUE_ARRAY(event_properties, '$.plan') IS NULL AS none FROM " + EVENTS
        + " WHERE `uuid` = 'u1'", "none")).containsExactly("true");
  }

  /** JSON functions: JSON_VALUE extracts a scalar as STRING, JSON_QUERY a JSON value. */
  @Test
  void jsonValueAndJsonQuery() throws Exception {
    FieldValueList row = rows("SELECT JSON_VALUE(event_properties, '$.plan') AS plan, "
        + "JSON_QUERY(`groups`, '$.company') AS company FROM " + EVENTS + " WHERE `uuid` = 'u1'").get(0);
    assertThat(row.get("plan").getStringValue()).isEqualTo("pro");
    assertThat(row.get("company").getStringValue().replace(" ", "")).isEqualTo("[\"acme\"]");
  }

  /** Query syntax, QUALIFY, and window function calls (ROW_NUMBER, COUNT and LAG over partitions). */
  @Test
  void qualifyAndWindowFunctions() throws Exception {
    assertThat(column("SELECT user_id, event_type FROM " + EVENTS + " WHERE TRUE QUALIFY ROW_NUMBER() OVER "
        + "(PARTITION BY user_id ORDER BY event_time DESC, server_upload_time DESC) = 1 ORDER BY user_id",
        "event_type")).containsExactly("purchase", "open");
    List<FieldValueList> windows = rows("SELECT `uuid`, COUNT(*) OVER (PARTITION BY user_id) AS n, "
        + "LAG(event_type) OVER (PARTITION BY user_id ORDER BY event_time) AS previous FROM " + EVENTS
        + " WHERE user_id = 'ann' ORDER BY event_time");
    assertThat(windows).extracting(r -> r.get("n").getLongValue()).containsExactly(2L, 2L);
    assertThat(windows).extracting(r -> r.get("previous").isNull() ? null : r.get("previous").getStringValue())
        .containsExactly(null, "open");
  }

  /** Aggregate functions: ARRAY_AGG and STRING_AGG with ORDER BY, COUNTIF; APPROX_COUNT_DISTINCT (approximate). */
  @Test
  void aggregates() throws Exception {
    FieldValueList ann = rows("SELECT ARRAY_AGG(event_type ORDER BY event_time) AS types, "
        + "STRING_AGG(event_type, ',' ORDER BY event_time) AS joined, COUNTIF(event_type = 'open') AS opens "
        + "FROM " + EVENTS + " WHERE user_id = 'ann' GROUP BY user_id").get(0);
    assertThat(ann.get("types").getRepeatedValue()).extracting(FieldValue::getStringValue)
        .containsExactly("open", "purchase");
    assertThat(ann.get("joined").getStringValue()).isEqualTo("open,purchase");
    assertThat(ann.get("opens").getLongValue()).isEqualTo(1);
    assertThat(rows("SELECT APPROX_COUNT_DISTINCT(user_id) AS users FROM " + EVENTS).get(0).get("users")
        .getLongValue()).isEqualTo(2);
  }

  /** Conversion functions: SAFE_CAST answers NULL where CAST would fail. */
  @Test
  void safeCast() throws Exception {
    assertThat(column("SELECT SAFE_CAST(JSON_VALUE(item, '$.price') AS FLOAT64) AS price FROM " + EVENTS + " AS e, "
        + "UNNEST(JSON_QUERY_ARRAY(e.event_properties, '$.items')) AS item ORDER BY JSON_VALUE(item, '$.sku')",
        "price")).containsExactly("2.5", null, "4.0");
  }

  /** Timestamp and date functions: FORMAT_TIMESTAMP, TIMESTAMP_TRUNC, DATE_DIFF. */
  @Test
  void timestampFunctions() throws Exception {
    FieldValueList row = rows("SELECT FORMAT_TIMESTAMP('%Y-%m-%d %H:00', event_time) AS hour_label, "
        + "TIMESTAMP_TRUNC(event_time, HOUR) AS hour, DATE_DIFF(DATE '2026-11-03', DATE(event_time), DAY) AS age "
        + "FROM " + EVENTS + " WHERE `uuid` = 'u1'").get(0);
    assertThat(row.get("hour_label").getStringValue()).isEqualTo("2026-11-01 10:00");
    assertThat(row.get("hour").getTimestampInstant()).isEqualTo(java.time.Instant.parse("2026-11-01T10:00:00Z"));
    assertThat(row.get("age").getLongValue()).isEqualTo(2);
  }

  /** The deduplicated_<table> table function, like Amplitude's: one row per uuid, the latest upload. */
  @Test
  void deduplicatedTableFunction() throws Exception {
    assertThat(column("SELECT `uuid` FROM `acme-analytics.amplitude.deduplicated_events`(DATE '2026-11-01', "
        + "DATE '2026-11-02') ORDER BY `uuid`", "uuid")).containsExactly("u1", "u2", "u3");
  }
}
