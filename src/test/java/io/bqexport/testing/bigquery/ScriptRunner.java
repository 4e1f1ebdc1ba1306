package io.bqexport.testing.bigquery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
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
  private final TableMutations mutations;
  private final FaultInjector hooks;
  private final java.util.concurrent.locks.ReentrantLock ddl = new java.util.concurrent.locks.ReentrantLock();
  private final GoogleSqlAnalyzer analyzer = new GoogleSqlAnalyzer();

  ScriptRunner(DuckDb db, Catalog catalog, TableMutations mutations, FaultInjector hooks) {
    this.db = db;
    this.catalog = catalog;
    this.mutations = mutations;
    this.hooks = hooks;
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
          translateAll(SqlTranslator.statements(sql), project, defaultDataset, parameters, null);
      SqlTranslator.Translated only = translated.size() == 1 ? translated.get(0) : null;
      if (only != null && only.sql() != null && List.of("SELECT", "INSERT", "DELETE", "UPDATE", "MERGE")
          .contains(only.statementType())) {
        // DuckDB binds the statement without running it: missing tables and columns fail as they would.
        setSearchPath(db.connection(), project, defaultDataset, null);
        FunctionRewrites.setNow(db.connection(), catalog.now());
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
      JsonNode defaultDataset, QueryParameters parameters, String location) {
    if (statements.isEmpty()) {
      throw ApiException.invalidQuery("Syntax error: Unexpected end of script at [1:1]");
    }
    String dataset = defaultDataset == null ? null : Json.text(defaultDataset, "datasetId");
    String datasetProject = defaultDataset == null || Json.text(defaultDataset, "projectId") == null ? project
        : Json.text(defaultDataset, "projectId");
    SqlTranslator translator = new SqlTranslator(datasetProject, dataset,
        (p, d) -> catalog.requireDatasetIn(p, d, location), parameters);
    List<SqlTranslator.Translated> translated = new ArrayList<>();
    for (List<SqlToken> statement : statements) {
      translated.add(transactionControl(statement) != null ? null : translator.translate(statement));
    }
    return translated;
  }

  Outcome run(String sql, String project, JsonNode defaultDataset, QueryParameters parameters) {
    return run(sql, project, defaultDataset, parameters, null);
  }

  /** Runs SQL sent with a location (null: none); datasets in other locations are not found. */
  Outcome run(String sql, String project, JsonNode defaultDataset, QueryParameters parameters, String location) {
    GoogleSqlAnalyzer.Analysis analysis = analyze(sql, project, defaultDataset, parameters);
    List<List<SqlToken>> statements = SqlTranslator.statements(sql);
    List<SqlTranslator.Translated> translated = db.locked(() -> {
      catalog.expireTables();
      return translateAll(statements, project, defaultDataset, parameters, location);
    });
    rejectPermanentDdlInTransactions(statements, translated);
    String dataset = defaultDataset == null ? null : Json.text(defaultDataset, "datasetId");
    String datasetProject = defaultDataset == null || Json.text(defaultDataset, "projectId") == null ? project
        : Json.text(defaultDataset, "projectId");
    return db.session(connection -> {
      FunctionRewrites.setNow(connection, catalog.now());
      setSearchPath(connection, project, defaultDataset, location);
      TableMutations.Transaction transaction = null;
      QueryResult result = QueryResult.empty();
      long affected = 0;
      boolean hadDml = false;
      try {
        for (int i = 0; i < statements.size(); i++) {
          String control = transactionControl(statements.get(i));
          if (control != null) {
            if (control.equals("BEGIN") == (transaction != null)) {
              throw ApiException.invalidQuery(transaction != null ? "Nested transactions are not supported"
                  : control + " TRANSACTION without an active transaction");
            }
            DuckDb.execute(connection, control.equals("BEGIN") ? "BEGIN TRANSACTION" : control);
            if (control.equals("BEGIN")) {
              transaction = mutations.begin();
            } else {
              if (control.equals("COMMIT")) {
                transaction.commit();
              }
              transaction.release();
              transaction = null;
            }
            continue;
          }
          SqlTranslator.Translated statement = translated.get(i);
          boolean existedBefore = statement.target() != null && catalog.find(statement.target()) != null;
          TableRef mutated = MutatedTable.of(statements.get(i), datasetProject, dataset);
          if (statement.sql() != null) {
            if (mutated != null && transaction != null) {
              transaction.mutate(mutated);
            }
            DuckDb.SqlWork<Executed> execution = () -> execute(connection, statement);
            Executed done;
            if (transaction == null && mutated != null) {
              done = mutations.runQueued(mutated, execution);
            } else if (transaction == null && isDdl(statement.statementType())) {
              done = oneDdlAtATime(execution);
            } else {
              done = execution.run();
            }
            if (done.rows() != null) {
              result = done.rows();
            }
            if (done.dml()) {
              affected += done.affected();
              hadDml = true;
            }
          }
          hooks.statementDone(statements.get(i));
          if (statement.target() != null) {
            catalog.syncWithDuckDb();
            boolean created = statement.statementType().startsWith("CREATE_TABLE");
            boolean keptExisting = created && existedBefore && statement.sql().contains(" IF NOT EXISTS ");
            if (created && !keptExisting) {
              catalog.clearDdlMetadata(statement.target());
            }
            if (!keptExisting) {
              applyTableOptions(connection, statement);
            }
          }
        }
        if (transaction != null) {
          throw ApiException.invalidQuery("Transaction was not committed before the end of the script; "
              + "it has been rolled back.");
        }
      } catch (SQLException | RuntimeException e) {
        if (transaction != null) {
          rollback(connection);
          transaction.release();
        }
        throw e instanceof SQLException sqlError ? translateError(sqlError, transaction) : (RuntimeException) e;
      } finally {
        catalog.syncWithDuckDb();
      }
      analyzer.committed(analysis);
      String type = statements.size() > 1 ? "SCRIPT" : translated.get(0) == null ? "SCRIPT"
          : translated.get(0).statementType();
      return new Outcome(result, type, affected, hadDml);
    });
  }

  /**
   * "DDL statements that create or delete permanent entities, such as datasets, tables, and functions, are not
   * supported inside transactions" (https://cloud.google.com/bigquery/docs/transactions#statements_supported_in_transactions);
   * BigQuery fails the whole script before it runs, with the wording quoted in github.com/estuary/connectors/issues/283.
   */
  private static void rejectPermanentDdlInTransactions(List<List<SqlToken>> statements,
      List<SqlTranslator.Translated> translated) {
    boolean inTransaction = false;
    for (int i = 0; i < statements.size(); i++) {
      String control = transactionControl(statements.get(i));
      if (control != null) {
        inTransaction = control.equals("BEGIN");
      } else if (inTransaction && isDdl(translated.get(i).statementType())
          && statements.get(i).stream().limit(4).noneMatch(t -> t.is("TEMP") || t.is("TEMPORARY"))) {
        throw ApiException.invalidQuery("Query error: DDL statements are not supported in a transaction, except for "
            + "those creating or droping temporary tables or temporary functions.");
      }
    }
  }

  /** DuckDB has already rolled back a transaction whose COMMIT failed; then ROLLBACK has nothing to do. */
  private static void rollback(Connection connection) {
    try {
      DuckDb.execute(connection, "ROLLBACK");
    } catch (SQLException alreadyRolledBack) {
      // nothing left to undo
    }
  }

  /** What one statement gave: a SELECT's rows, or the rows a DML statement changed. */
  private record Executed(QueryResult rows, long affected, boolean dml) {}

  private static Executed execute(Connection connection, SqlTranslator.Translated statement) throws SQLException {
    try (Statement s = connection.createStatement()) {
      if (s.execute(statement.sql())) {
        try (ResultSet rs = s.getResultSet()) {
          QueryResult read = QueryResult.read(rs);
          if (statement.statementType().equals("SELECT")) {
            return new Executed(read, 0, false);
          }
          if (!read.rows().isEmpty() && read.rows().get(0)[0] instanceof Number n) {
            return new Executed(null, n.longValue(), true);
          }
          return new Executed(null, 0, false);
        }
      }
      long count = s.getUpdateCount(); // a second call answers -1
      return new Executed(null, Math.max(count, 0), count >= 0 && isDml(statement.statementType()));
    }
  }

  /**
   * DDL outside transactions runs one statement at a time: two concurrent CREATE OR REPLACE of one object both
   * succeed in BigQuery (the later wins), where DuckDB would report a catalog write-write conflict.
   */
  private Executed oneDdlAtATime(DuckDb.SqlWork<Executed> execution) throws SQLException, java.io.IOException {
    ddl.lock();
    try {
      return execution.run();
    } finally {
      ddl.unlock();
    }
  }

  private static boolean isDdl(String statementType) {
    return statementType.startsWith("CREATE_") || statementType.startsWith("DROP_")
        || statementType.startsWith("ALTER_");
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

  private void setSearchPath(Connection connection, String project, JsonNode defaultDataset, String location)
      throws SQLException {
    if (defaultDataset == null || Json.text(defaultDataset, "datasetId") == null) {
      return;
    }
    String p = Json.text(defaultDataset, "projectId") == null ? project : Json.text(defaultDataset, "projectId");
    String d = Json.text(defaultDataset, "datasetId");
    catalog.requireDatasetIn(p, d, location);
    DuckDb.execute(connection, "SET search_path = '" + TableRef.quotedSchema(p, d).replace("'", "''") + "'");
  }

  private void applyTableOptions(Connection connection, SqlTranslator.Translated statement) throws SQLException {
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
      try (Statement s = connection.createStatement();
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
    return translateError(e, null);
  }

  /**
   * As {@link #translateError(SQLException)}; inside a transaction, DuckDB's own write conflicts (a row changed by
   * a concurrent transaction) are BigQuery's concurrent-update abort.
   */
  static ApiException translateError(SQLException e, TableMutations.Transaction transaction) {
    String message = e.getMessage() == null ? "Query failed" : e.getMessage().strip();
    String firstLine = message.lines().findFirst().orElse(message);
    if (firstLine.startsWith("TransactionContext Error") || firstLine.contains("write-write conflict")) {
      return ApiException.invalidQuery("Query error: Transaction is aborted due to concurrent update: "
          + firstLine + (transaction == null ? "" : ". Transaction ID: " + transaction.id));
    }
    if (firstLine.contains("Table with name") && firstLine.contains("does not exist")) {
      return new ApiException(404, "notFound", "Not found: " + firstLine);
    }
    String cast = RuntimeErrors.badCast(firstLine);
    if (cast != null) {
      return ApiException.invalidQuery(cast);
    }
    if (firstLine.matches("(Catalog|Binder|Parser|Not implemented) Error: .*")
        || firstLine.startsWith("Invalid Input Error: Failed to parse format specifier")) {
      return SqlTranslator.unsupported("this statement as translated for DuckDB (DuckDB: " + firstLine + ")");
    }
    return ApiException.invalidQuery(firstLine);
  }
}
