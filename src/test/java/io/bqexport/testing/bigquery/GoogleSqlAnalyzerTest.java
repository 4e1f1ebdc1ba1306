package io.bqexport.testing.bigquery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The analyzer on its own: catalog from schema fields, BigQuery's error shapes, scripts and table functions. */
class GoogleSqlAnalyzerTest {
  private final GoogleSqlAnalyzer analyzer = new GoogleSqlAnalyzer();
  private final Map<TableRef, JsonNode> tables = new LinkedHashMap<>();

  GoogleSqlAnalyzerTest() {
    tables.put(new TableRef("p", "d", "events"), Json.parse(("[{\"name\":\"insert_id\",\"type\":\"STRING\"},"
        + "{\"name\":\"event_time\",\"type\":\"TIMESTAMP\"},{\"name\":\"groups\",\"type\":\"JSON\"},"
        + "{\"name\":\"tags\",\"type\":\"STRING\",\"mode\":\"REPEATED\"},"
        + "{\"name\":\"rec\",\"type\":\"RECORD\",\"fields\":[{\"name\":\"n\",\"type\":\"BIGNUMERIC\"}]}]").getBytes()));
  }

  private GoogleSqlAnalyzer.Analysis analyze(String sql) {
    return analyzer.analyze(sql, "p", null, null, tables, (p, d) -> d.equals("d"));
  }

  @Test
  void scriptsThatCreateTablesSeeThem() {
    assertThat(analyze("CREATE TABLE d.staging AS SELECT * FROM `p.d.events`").statements()).hasSize(1);
    tables.put(new TableRef("acme-analytics", "amplitude", "events"), tables.get(new TableRef("p", "d", "events")));
    assertThat(analyzer.analyze("CREATE TABLE amplitude.staging AS SELECT * FROM `acme-analytics.amplitude.events` "
        + "WHERE insert_id = 'a'", "acme-analytics", null, null, tables, (p, d) -> true).statements()).hasSize(1);
    tables.put(new TableRef("acme-analytics", "amplitude", "staging"), tables.get(new TableRef("p", "d", "events")));
    assertThat(analyzer.analyze("UPDATE amplitude.staging SET insert_id = 'x' WHERE TRUE", "acme-analytics", null, null,
        tables, (p, d) -> true).statements()).hasSize(1);
    assertThat(analyze("BEGIN TRANSACTION; DELETE FROM `p.d.events` WHERE TRUE; COMMIT TRANSACTION;")
        .statements()).hasSize(3);
  }

  @Test
  void anAnalysisAcceptedByOneEmulatorIsNotReusedAgainstAnotherCatalog() {
    // Accepted analyses are shared JVM-wide: another analyzer whose table lacks the column, or whose parameter has
    // another type, must analyze afresh and reject as BigQuery would.
    String sql = "SELECT insert_id FROM `p.d.events` WHERE insert_id = @id";
    JsonNode stringId = Json.parse("[{\"name\":\"id\",\"parameterType\":{\"type\":\"STRING\"}}]".getBytes());
    JsonNode intId = Json.parse("[{\"name\":\"id\",\"parameterType\":{\"type\":\"INT64\"}}]".getBytes());
    assertThat(analyzer.analyze(sql, "p", null, stringId, tables, (p, d) -> true).statements()).hasSize(1);
    GoogleSqlAnalyzer other = new GoogleSqlAnalyzer();
    assertThatThrownBy(() -> other.analyze(sql, "p", null, intId, tables, (p, d) -> true))
        .hasMessageContaining("No matching signature for operator =");
    Map<TableRef, JsonNode> renamed = Map.of(new TableRef("p", "d", "events"),
        Json.parse("[{\"name\":\"insert_key\",\"type\":\"STRING\"}]".getBytes()));
    assertThatThrownBy(() -> other.analyze(sql, "p", null, stringId, renamed, (p, d) -> true))
        .hasMessageContaining("Unrecognized name: insert_id");
    assertThat(other.analyze(sql, "p", null, stringId, tables, (p, d) -> true).statements()).hasSize(1);
    assertThat(other.rejected()).hasSize(2);
    assertThat(other.accepted()).isEqualTo(1);
  }

  @Test
  void unquotedGroupsIsASyntaxErrorWithPosition() {
    assertThatThrownBy(() -> analyze("INSERT INTO `p.d.events` (insert_id, groups) VALUES ('a', NULL)"))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.reason).isEqualTo("invalidQuery");
          assertThat(e.getMessage()).isEqualTo("Syntax error: Unexpected keyword GROUPS at [1:38]");
        });
  }

  @Test
  void bigQueryFeaturesTheTranslatorLacksPassTheAnalyzer() {
    // Valid GoogleSQL: the analyzer accepts it, so the translator (not the analyzer) answers "unsupported".
    for (String sql : new String[] {"SELECT STRUCT(1 AS a)",
        "SELECT * FROM `p.d.events` FOR SYSTEM_TIME AS OF CURRENT_TIMESTAMP()"}) {
      assertThat(analyze(sql).statements()).as(sql).hasSize(1);
    }
    assertThatThrownBy(() -> analyze("SELECT SAFE.PARSE_DATE('%Y', '2020')"))
        .hasMessageStartingWith("Unsupported by the BigQuery emulator: SAFE.");
  }

  @Test
  void tableFunctionsOfEarlierRequestsStayCallable() {
    GoogleSqlAnalyzer.Analysis create = analyze("CREATE OR REPLACE TABLE FUNCTION `p.d.deduplicated_events`"
        + "(start_date DATE, end_date DATE) AS SELECT * FROM `p.d.events` "
        + "WHERE DATE(event_time) BETWEEN start_date AND end_date");
    analyzer.committed(create);
    assertThat(analyze("SELECT insert_id FROM `p.d.deduplicated_events`(DATE '2026-11-01', CURRENT_DATE())")
        .statements()).hasSize(1);
    assertThatThrownBy(() -> analyze("SELECT insert_id FROM `p.d.deduplicated_events`('2026-11-01')"))
        .hasMessageContaining("No matching signature");
  }
}
