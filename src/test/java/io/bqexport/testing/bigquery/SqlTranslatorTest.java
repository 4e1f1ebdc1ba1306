package io.bqexport.testing.bigquery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The BigQuery-to-DuckDB translation alone, without HTTP or DuckDB. */
class SqlTranslatorTest {
  private static SqlTranslator.Translated translate(String sql) {
    return translate(sql, QueryParameters.from(null));
  }

  private static SqlTranslator.Translated translate(String sql, QueryParameters parameters) {
    SqlTranslator translator = new SqlTranslator("acme-analytics", null,
        (project, dataset) -> dataset.equals("amplitude"), parameters);
    List<List<SqlToken>> statements = SqlTranslator.statements(sql);
    assertThat(statements).hasSize(1);
    return translator.translate(statements.get(0));
  }

  @Test
  void tableNamesMapToOneDuckDbSchemaPerProjectAndDataset() {
    assertThat(translate("SELECT e.insert_id FROM `acme-analytics.amplitude.events` AS e").sql())
        .isEqualTo("SELECT e.insert_id FROM \"acme-analytics__amplitude\".\"events\" AS e");
    assertThat(translate("SELECT * FROM amplitude.events JOIN `acme-analytics`.amplitude.`ledger` USING (x)").sql())
        .isEqualTo("SELECT * FROM \"acme-analytics__amplitude\".\"events\" JOIN "
            + "\"acme-analytics__amplitude\".\"ledger\" USING (x)");
    assertThatThrownBy(() -> translate("SELECT * FROM other.events"))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status).isEqualTo(404));
  }

  @Test
  void typesLiteralsAndStringsBecomeDuckDb() {
    assertThat(translate("SELECT CAST(x AS INT64), CAST(y AS STRING), TIMESTAMP '2026-11-01 10:00:00', "
        + "\"it's\", 'a\\nb'").sql())
        .isEqualTo("SELECT CAST(x AS BIGINT), CAST(y AS VARCHAR), CAST('2026-11-01 10:00:00' AS TIMESTAMPTZ), "
            + "'it''s', 'a\nb'");
  }

  @Test
  void timestampFunctionsAreRewritten() {
    assertThat(translate("SELECT TIMESTAMP_TRUNC(t, HOUR), TIMESTAMP_ADD(t, INTERVAL 2 HOUR), DATE(t), "
        + "TIMESTAMP_DIFF(a, b, MINUTE)").sql())
        .isEqualTo("SELECT date_trunc('hour', t), (t + INTERVAL (2) HOUR), CAST(t AS DATE), "
            + "date_sub('minute', b, a)");
  }

  @Test
  void dmlGetsTheKeywordsDuckDbRequires() {
    assertThat(translate("DELETE amplitude.events WHERE TRUE").sql())
        .isEqualTo("DELETE FROM \"acme-analytics__amplitude\".\"events\" WHERE TRUE");
    assertThat(translate("INSERT amplitude.events (a) VALUES (1)").sql())
        .startsWith("INSERT INTO \"acme-analytics__amplitude\".\"events\" (a)");
    assertThat(translate("MERGE amplitude.events T USING s ON T.a = s.a WHEN MATCHED THEN DELETE").sql())
        .startsWith("MERGE INTO \"acme-analytics__amplitude\".\"events\" T USING s ON");
  }

  @Test
  void parametersAreInlinedAsTypedLiterals() {
    ArrayNode parameters = Json.array();
    parameters.addObject().put("name", "hour").putObject("parameterType").put("type", "TIMESTAMP");
    ((com.fasterxml.jackson.databind.node.ObjectNode) parameters.get(0)).putObject("parameterValue")
        .put("value", "2026-11-01 10:00:00+00:00");
    parameters.addObject().putObject("parameterType").put("type", "INT64");
    ((com.fasterxml.jackson.databind.node.ObjectNode) parameters.get(1)).putObject("parameterValue").put("value", "7");

    assertThat(translate("SELECT @hour, ? , @HOUR", QueryParameters.from(parameters)).sql())
        .isEqualTo("SELECT CAST('2026-11-01 10:00:00+00:00' AS TIMESTAMPTZ), CAST('7' AS BIGINT), "
            + "CAST('2026-11-01 10:00:00+00:00' AS TIMESTAMPTZ)");
    assertThatThrownBy(() -> translate("SELECT @missing"))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.reason).isEqualTo("invalidQuery"));
  }

  @Test
  void createTableKeepsMetadataOutOfTheDdl() {
    SqlTranslator.Translated created = translate("CREATE TABLE amplitude.t (a INT64 OPTIONS(description='x'), "
        + "ts TIMESTAMP) PARTITION BY DATE(ts) CLUSTER BY a OPTIONS(expiration_timestamp=TIMESTAMP '2030-01-01')");
    assertThat(created.sql()).isEqualTo("CREATE TABLE \"acme-analytics__amplitude\".\"t\" (a BIGINT, ts TIMESTAMPTZ)");
    assertThat(created.tableOptions().path("timePartitioning").path("field").asText()).isEqualTo("ts");
    assertThat(created.tableOptions().path("clustering").path("fields").get(0).asText()).isEqualTo("a");
    assertThat(created.expirationSql()).isEqualTo("CAST('2030-01-01' AS TIMESTAMPTZ)");
  }

  @Test
  void tableFunctionBecomesATableMacro() {
    assertThat(translate("CREATE OR REPLACE TABLE FUNCTION amplitude.f(start_date DATE, end_date DATE) AS "
        + "(SELECT * EXCEPT (rn) FROM amplitude.events WHERE DATE(ts) BETWEEN start_date AND end_date)").sql())
        .isEqualTo("CREATE OR REPLACE MACRO \"acme-analytics__amplitude\".\"f\"(\"start_date\", \"end_date\") AS "
            + "TABLE SELECT * EXCLUDE (rn) FROM \"acme-analytics__amplitude\".\"events\" WHERE CAST(ts AS DATE) "
            + "BETWEEN start_date AND end_date");
  }

  @Test
  void constructsWithoutAFaithfulTranslationAreRefused() {
    for (String sql : List.of("DECLARE x INT64", "SELECT STRUCT(1)", "SELECT x::INT64",
        "SELECT * FROM UNNEST([1]) AS x WITH OFFSET", "CREATE VIEW amplitude.v AS SELECT 1",
        "SELECT FORMAT('%d', 1)", "SELECT TIMESTAMP_TRUNC(t, WEEK(MONDAY))", "SELECT TIMESTAMP_ADD()")) {
      assertThatThrownBy(() -> translate(sql)).as(sql)
          .isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status).isEqualTo(400);
            assertThat(e.reason).isEqualTo("invalidQuery");
          });
    }
  }
}
