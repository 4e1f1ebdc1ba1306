package io.bqexport.testing.bigquery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a BigQuery query or multi-statement script on DuckDB. Every statement is translated before the first one
 * runs, so untranslatable SQL changes nothing. BEGIN TRANSACTION ... COMMIT TRANSACTION map onto a DuckDB
 * transaction that is rolled back when any statement in it fails.
 */
final class ScriptRunner {
  private final DuckDb db;
  private final Catalog catalog;
  private final GoogleSqlAnalyzer analyzer = new GoogleSqlAnalyzer();

  ScriptRunner(DuckDb db, Catalog catalog) {
    this.db = db;
    this.catalog = catalog;
  }

  GoogleSqlAnalyzer analyzer() {
    return analyzer;
  }

  /** BigQuery's analysis first: only SQL that BigQuery accepts reaches the translator. */
  private GoogleSqlAnalyzer.Analysis analyze(String sql, String project, JsonNode defaultDataset,
      QueryParameters parameters) {
    return analyzer.analyze(sql, project, defaultDataset, parameters.json(), catalog.liveSchemas(),
        catalog::datasetExists);
  }

  /** The last SELECT's rows (or an empty result), the statement type, and rows changed by DML. */
  record Outcome(QueryResult result, String statementType, long dmlAffectedRows, boolean hadDml) {}

  /** A dry run: translates every statement (so unknown tables and untranslatable SQL fail), runs nothing. */
  void validate(String sql, String project, JsonNode defaultDataset, QueryParameters parameters) {
    db.locked(() -> {
      catalog.expireTables();
      analyze(sql, project, defaultDataset, parameters);
      List<SqlTranslator.Translated> translated =
          translateAll(SqlTranslator.statements(sql), project, defaultDataset, parameters);
      SqlTranslator.Translated only = translated.size() == 1 ? translated.get(0) : null;
      if (only != null && only.sql() != null && List.of("SELECT", "INSERT", "DELETE", "UPDATE", "MERGE")
          .contains(only.statementType())) {
        // DuckDB binds the statement without running it: missing tables and columns fail as they would.
        setSearchPath(project, defaultDataset);
        try {
          db.execute("EXPLAIN " + only.sql());
        } catch (SQLException e) {
          throw translateError(e);
        } finally {
          db.execute("SET search_path = 'main'");
        }
      }
      return null;
    });
  }

  private List<SqlTranslator.Translated> translateAll(List<List<SqlToken>> statements, String project,
      JsonNode defaultDataset, QueryParameters parameters) {
    if (statements.isEmpty()) {
      throw ApiException.invalidQuery("Syntax error: Unexpected end of script at [1:1]");
    }
    String dataset = defaultDataset == null ? null : Json.text(defaultDataset, "datasetId");
    String datasetProject = defaultDataset == null || Json.text(defaultDataset, "projectId") == null ? project
        : Json.text(defaultDataset, "projectId");
    SqlTranslator translator = new SqlTranslator(datasetProject, dataset, catalog::datasetExists, parameters);
    List<SqlTranslator.Translated> translated = new ArrayList<>();
    for (List<SqlToken> statement : statements) {
      translated.add(transactionControl(statement) != null ? null : translator.translate(statement));
    }
    return translated;
  }

  Outcome run(String sql, String project, JsonNode defaultDataset, QueryParameters parameters) {
    return db.locked(() -> {
      catalog.expireTables();
      GoogleSqlAnalyzer.Analysis analysis = analyze(sql, project, defaultDataset, parameters);
      List<List<SqlToken>> statements = SqlTranslator.statements(sql);
      List<SqlTranslator.Translated> translated = translateAll(statements, project, defaultDataset, parameters);
      setSearchPath(project, defaultDataset);
      boolean inTransaction = false;
      QueryResult result = QueryResult.empty();
      long affected = 0;
      boolean hadDml = false;
      try {
        for (int i = 0; i < statements.size(); i++) {
          String control = transactionControl(statements.get(i));
          if (control != null) {
            if (control.equals("BEGIN") == inTransaction) {
              throw ApiException.invalidQuery(inTransaction ? "Nested transactions are not supported"
                  : control + " TRANSACTION without an active transaction");
            }
            db.execute(control.equals("BEGIN") ? "BEGIN TRANSACTION" : control);
            inTransaction = control.equals("BEGIN");
            continue;
          }
          SqlTranslator.Translated statement = translated.get(i);
          boolean existedBefore = statement.target() != null && catalog.find(statement.target()) != null;
          if (statement.sql() != null) {
            try (Statement s = db.connection().createStatement()) {
              if (s.execute(statement.sql())) {
                try (ResultSet rs = s.getResultSet()) {
                  QueryResult read = QueryResult.read(rs);
                  if (statement.statementType().equals("SELECT")) {
                    result = read;
                  } else if (!read.rows().isEmpty() && read.rows().get(0)[0] instanceof Number n) {
                    affected += n.longValue();
                    hadDml = true;
                  }
                }
              } else {
                long count = s.getUpdateCount(); // a second call answers -1
                if (count >= 0 && isDml(statement.statementType())) {
                  affected += count;
                  hadDml = true;
                }
              }
            }
          }
          if (statement.target() != null) {
            catalog.syncWithDuckDb();
            boolean created = statement.statementType().startsWith("CREATE_TABLE");
            boolean keptExisting = created && existedBefore && statement.sql().contains(" IF NOT EXISTS ");
            if (created && !keptExisting) {
              catalog.clearDdlMetadata(statement.target());
            }
            if (!keptExisting) {
              applyTableOptions(statement);
            }
          }
        }
        if (inTransaction) {
          throw ApiException.invalidQuery("Transaction was not committed before the end of the script; "
              + "it has been rolled back.");
        }
      } catch (SQLException | RuntimeException e) {
        if (inTransaction) {
          db.execute("ROLLBACK");
        }
        throw e instanceof SQLException sqlError ? translateError(sqlError) : (RuntimeException) e;
      } finally {
        db.execute("SET search_path = 'main'");
        catalog.syncWithDuckDb();
      }
      analyzer.committed(analysis);
      String type = statements.size() > 1 ? "SCRIPT" : translated.get(0) == null ? "SCRIPT"
          : translated.get(0).statementType();
      return new Outcome(result, type, affected, hadDml);
    });
  }

  private static boolean isDml(String statementType) {
    return List.of("INSERT", "DELETE", "UPDATE", "MERGE").contains(statementType);
  }

  /** BEGIN, COMMIT or ROLLBACK for the transaction statements of a script, else null. */
  private static String transactionControl(List<SqlToken> statement) {
    SqlToken first = statement.get(0);
    boolean transactionOnly = statement.size() == 1 || statement.size() == 2 && statement.get(1).is("TRANSACTION");
    if (first.is("BEGIN")) {
      if (!transactionOnly) {
        throw SqlTranslator.unsupported("BEGIN ... END blocks");
      }
      return "BEGIN";
    }
    if ((first.is("COMMIT") || first.is("ROLLBACK")) && transactionOnly) {
      return first.upper();
    }
    return null;
  }

  private void setSearchPath(String project, JsonNode defaultDataset) throws SQLException {
    if (defaultDataset == null || Json.text(defaultDataset, "datasetId") == null) {
      return;
    }
    String p = Json.text(defaultDataset, "projectId") == null ? project : Json.text(defaultDataset, "projectId");
    String d = Json.text(defaultDataset, "datasetId");
    if (!catalog.datasetExists(p, d)) {
      throw ApiException.notFound("Dataset " + p + ":" + d + " was not found in location US");
    }
    db.execute("SET search_path = '" + TableRef.quotedSchema(p, d).replace("'", "''") + "'");
  }

  private void applyTableOptions(SqlTranslator.Translated statement) throws SQLException {
    ObjectNode options = statement.tableOptions() == null ? Json.object() : statement.tableOptions().deepCopy();
    if (options.has("copyMetadataFrom")) {
      String[] source = options.remove("copyMetadataFrom").asText().split("\u0000");
      ObjectNode resource = catalog.find(new TableRef(source[0], source[1], source[2]));
      if (resource != null) {
        for (String property : List.of("timePartitioning", "clustering")) {
          if (resource.has(property)) {
            options.set(property, resource.get(property).deepCopy());
          }
        }
      }
    }
    if (options.has("partitionExpirationMs")) {
      long ms = options.remove("partitionExpirationMs").asLong();
      options.withObjectProperty("timePartitioning").put("expirationMs", Long.toString(ms));
    }
    if (statement.expirationSql() != null) {
      try (Statement s = db.connection().createStatement();
          ResultSet rs = s.executeQuery("SELECT epoch_ms(CAST((" + statement.expirationSql() + ") AS TIMESTAMPTZ))")) {
        rs.next();
        options.put("expirationTime", Long.toString(rs.getLong(1)));
      }
    }
    if (!options.isEmpty()) {
      catalog.applyDdlOptions(statement.target(), options);
    }
  }

  /**
   * DuckDB errors as BigQuery errors. Missing tables are 404 notFound; failed casts carry BigQuery's wording; and
   * since every statement passed BigQuery's analyzer first, DuckDB refusing to bind or parse it means the
   * translation lacks something, which the message says instead of passing on DuckDB's words as BigQuery's.
   */
  static ApiException translateError(SQLException e) {
    String message = e.getMessage() == null ? "Query failed" : e.getMessage().strip();
    String firstLine = message.lines().findFirst().orElse(message);
    if (firstLine.contains("Table with name") && firstLine.contains("does not exist")) {
      return new ApiException(404, "notFound", "Not found: " + firstLine);
    }
    String cast = RuntimeErrors.badCast(firstLine);
    if (cast != null) {
      return ApiException.invalidQuery(cast);
    }
    if (firstLine.matches("(Catalog|Binder|Parser|Not implemented) Error: .*")) {
      return SqlTranslator.unsupported("this statement as translated for DuckDB (DuckDB: " + firstLine + ")");
    }
    return ApiException.invalidQuery(firstLine);
  }
}
