package io.bqexport.testing.bigquery;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.zetasql.AnalyzerOptions;
import com.google.zetasql.LanguageOptions;
import com.google.zetasql.Parser;
import com.google.zetasql.SimpleCatalog;
import com.google.zetasql.SimpleTable;
import com.google.zetasql.SqlException;
import com.google.zetasql.ZetaSQLOptions.ErrorMessageMode;
import com.google.zetasql.ZetaSQLOptions.LanguageFeature;
import com.google.zetasql.ZetaSQLOptions.ParameterMode;
import com.google.zetasql.parser.ASTNodes.ASTStatement;
import com.google.zetasql.resolvedast.ResolvedCreateStatementEnums.CreateMode;
import com.google.zetasql.resolvedast.ResolvedCreateStatementEnums.CreateScope;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedBeginStmt;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedCommitStmt;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedCreateTableFunctionStmt;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedDeleteStmt;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedDropTableFunctionStmt;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedInsertStmt;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedMergeStmt;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedQueryStmt;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedRollbackStmt;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedStatement;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedUpdateStmt;
import com.google.zetasql.toolkit.AnalysisException;
import com.google.zetasql.toolkit.AnalyzedStatement;
import com.google.zetasql.toolkit.ZetaSQLToolkitAnalyzer;
import com.google.zetasql.toolkit.catalog.bigquery.BigQueryCatalog;
import com.google.zetasql.toolkit.catalog.bigquery.BigQueryResourceProvider;
import com.google.zetasql.toolkit.options.BigQueryLanguageOptions;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Google's GoogleSQL front end (ZetaSQL, with BigQuery's language options and function catalog from
 * zetasql-toolkit-bigquery) in front of the DuckDB translator: every statement is parsed and resolved against the
 * emulator's tables with their BigQuery types, and what the analyzer rejects is answered as BigQuery answers it.
 */
final class GoogleSqlAnalyzer {
  /** BigQuery's built-in functions and types, per default project: loading them takes seconds, once. */
  private static final Map<String, BigQueryCatalog> BUILTINS = new ConcurrentHashMap<>();
  /** BigQuery's language options from the toolkit, plus time travel, which BigQuery has and the toolkit omits. */
  private static final LanguageOptions LANGUAGE = BigQueryLanguageOptions.get();
  private static final Pattern POSITION = Pattern.compile(" \\[at (\\d+:\\d+)]");
  private static final Pattern TABLE_NOT_FOUND = Pattern.compile("^Table not found: (\\S+?)(;.*)?( at \\[.*)?$");

  static {
    LANGUAGE.enableLanguageFeature(LanguageFeature.FEATURE_V_1_1_FOR_SYSTEM_TIME_AS_OF);
  }

  /** Table functions created by successful statements, by lower-case name, as their DDL. */
  private final Map<String, String> tableFunctions = new LinkedHashMap<>();
  /** What the analyzer accepted and rejected, for tests that check all SQL of a code path. */
  private final List<String> rejected = new ArrayList<>();
  private long accepted;
  /**
   * Accepted analyses, JVM-wide, by everything an analysis depends on: the catalog's key (projects, default dataset,
   * the full schema of every table the catalog holds, the DDL of its table functions), the parameter types and the
   * SQL. The same SQL against the same catalog analyzes the same, in any emulator: the exporter repeats its ledger
   * and commit statements in every test, and mutation testing reruns those tests hundreds of times in one JVM. Only
   * statements that leave the catalog unchanged are kept; rejections are not (their message depends on which
   * datasets exist). The entries are read-only analysis results, so no test sees another's state through them.
   */
  private static final Map<String, Analysis> ACCEPTED = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Analysis> eldest) {
      return size() > 1024;
    }
  };
  private String cachedKey;
  private BigQueryCatalog cached;

  /** The analyzed statements of one request, for {@link #committed}. */
  record Analysis(String sql, List<AnalyzedStatement> statements) {}

  /**
   * Analyzes a query or script as BigQuery would before running it, or throws BigQuery's error.
   *
   * @param tables the schema fields of every live table
   */
  synchronized Analysis analyze(String sql, String project, JsonNode defaultDataset, JsonNode queryParameters,
      Map<TableRef, JsonNode> tables, BiPredicate<String, String> datasetExists) {
    String datasetProject = defaultDataset == null || Json.text(defaultDataset, "projectId") == null ? project
        : Json.text(defaultDataset, "projectId");
    String dataset = defaultDataset == null ? null : Json.text(defaultDataset, "datasetId");
    Map<TableRef, JsonNode> named = mentioned(sql, tables, datasetProject, dataset);
    List<String> functions = functionsOver(named);
    String catalogKey = project + "\n" + datasetProject + "\n" + dataset + "\n" + named + "\n" + functions;
    String repeatKey = catalogKey + "\n" + parameterTypes(queryParameters) + "\n" + sql;
    Analysis repeated;
    synchronized (ACCEPTED) {
      repeated = ACCEPTED.get(repeatKey);
    }
    if (repeated != null) {
      checkTableNameCase(repeated, tables, project, datasetProject, dataset);
      accepted++;
      return repeated;
    }
    BigQueryCatalog catalog = catalogFor(catalogKey, project, datasetProject, dataset, named, functions);
    List<AnalyzedStatement> statements = new ArrayList<>();
    boolean catalogUnchanged = true;
    try {
      Iterator<AnalyzedStatement> analyzed =
          new ZetaSQLToolkitAnalyzer(options(queryParameters)).analyzeStatements(sql.stripTrailing(), catalog, true);
      while (analyzed.hasNext()) {
        AnalyzedStatement statement = analyzed.next();
        statements.add(statement);
        catalogUnchanged &= statement.getResolvedStatement().map(GoogleSqlAnalyzer::readsOrWritesRows).orElse(false);
      }
    } catch (AnalysisException | SqlException e) {
      catalogUnchanged = false;
      ApiException error = bigQueryError(sql, e.getMessage(), datasetProject, dataset, datasetExists);
      rejected.add(error.getMessage() + "\n" + sql);
      throw error;
    } catch (RuntimeException | LinkageError e) {
      // The toolkit gives up beyond analysis proper: it registers only dataset-qualified CREATE TABLE names, and
      // its DECLARE type parser needs an older ANTLR than CEL's. The statements after this one stay unanalyzed;
      // the translator still rejects what it cannot run faithfully.
      catalogUnchanged = false;
    } finally {
      if (!catalogUnchanged) {
        cached = null; // DDL of the script changed the catalog in place
      }
    }
    Analysis analysis = new Analysis(sql, statements);
    checkTableNameCase(analysis, tables, project, datasetProject, dataset);
    accepted++;
    if (catalogUnchanged) {
      synchronized (ACCEPTED) {
        ACCEPTED.put(repeatKey, analysis);
      }
    }
    return analysis;
  }

  /** BigQuery's table names are case-sensitive: a written name must match the live table's case. */
  private void checkTableNameCase(Analysis analysis, Map<TableRef, JsonNode> tables, String project,
      String datasetProject, String dataset) {
    for (AnalyzedStatement statement : analysis.statements()) {
      try {
        TableNameCase.check(statement.getParsedStatement(), tables.keySet(), project, datasetProject, dataset);
      } catch (ApiException e) {
        rejected.add(e.getMessage() + "\n" + analysis.sql());
        throw e;
      }
    }
  }

  /** The names and types of the query parameters (not their values): what analysis depends on. */
  private static String parameterTypes(JsonNode queryParameters) {
    if (queryParameters == null) {
      return "";
    }
    StringBuilder types = new StringBuilder();
    for (JsonNode parameter : queryParameters) {
      types.append(Json.text(parameter, "name")).append(':').append(parameter.path("parameterType")).append(',');
    }
    return types.toString();
  }

  /** Each rejected request as its error message, a newline and its SQL. */
  synchronized List<String> rejected() {
    return List.copyOf(rejected);
  }

  /** How many requests the analyzer accepted. */
  synchronized long accepted() {
    return accepted;
  }

  /** Remembers the table functions that a successfully run request created or dropped. */
  synchronized void committed(Analysis analysis) {
    byte[] utf8 = analysis.sql().getBytes(StandardCharsets.UTF_8);
    for (AnalyzedStatement statement : analysis.statements()) {
      ResolvedStatement resolved = statement.getResolvedStatement().orElse(null);
      if (resolved instanceof ResolvedCreateTableFunctionStmt create) {
        ASTStatement parsed = statement.getParsedStatement();
        int start = parsed.getParseLocationRange().start();
        int end = parsed.getParseLocationRange().end();
        tableFunctions.put(key(create.getNamePath()), new String(utf8, start, end - start, StandardCharsets.UTF_8));
      } else if (resolved instanceof ResolvedDropTableFunctionStmt drop) {
        tableFunctions.remove(key(drop.getNamePath()));
      }
    }
  }

  private static String key(List<String> namePath) {
    return String.join(".", namePath).toLowerCase(Locale.ROOT);
  }

  private static boolean readsOrWritesRows(ResolvedStatement statement) {
    return statement instanceof ResolvedQueryStmt || statement instanceof ResolvedInsertStmt
        || statement instanceof ResolvedUpdateStmt || statement instanceof ResolvedDeleteStmt
        || statement instanceof ResolvedMergeStmt || statement instanceof ResolvedBeginStmt
        || statement instanceof ResolvedCommitStmt || statement instanceof ResolvedRollbackStmt;
  }

  private static AnalyzerOptions options(JsonNode queryParameters) {
    AnalyzerOptions options = new AnalyzerOptions();
    options.setLanguageOptions(LANGUAGE);
    options.setErrorMessageMode(ErrorMessageMode.ERROR_MESSAGE_ONE_LINE);
    if (queryParameters != null) {
      for (JsonNode parameter : queryParameters) {
        String name = Json.text(parameter, "name");
        if (name == null || name.isEmpty()) {
          options.setParameterMode(ParameterMode.PARAMETER_POSITIONAL);
          options.addPositionalQueryParameter(GoogleSqlTypes.ofParameter(parameter.path("parameterType")));
        } else {
          options.addQueryParameter(name, GoogleSqlTypes.ofParameter(parameter.path("parameterType")));
        }
      }
    }
    return options;
  }

  /**
   * The tables of the datasets the statement can name: those whose dataset id appears in its text, and the default
   * dataset's. A catalog of every table the emulator holds would be rebuilt for each staging table any other test
   * creates, and its cost would grow with every dataset a long test leaves behind.
   */
  private static Map<TableRef, JsonNode> mentioned(String sql, Map<TableRef, JsonNode> tables, String datasetProject,
      String dataset) {
    Map<TableRef, JsonNode> result = new java.util.LinkedHashMap<>();
    tables.forEach((ref, fields) -> {
      boolean isDefault = ref.project().equals(datasetProject) && ref.dataset().equals(dataset);
      if (isDefault || sql.contains(ref.dataset())) {
        result.put(ref, fields);
      }
    });
    return result;
  }

  /** The table functions of the datasets among {@code tables}. */
  private java.util.List<String> functionsOver(Map<TableRef, JsonNode> tables) {
    java.util.Set<String> datasets = new java.util.HashSet<>();
    tables.keySet().forEach(ref -> datasets.add(ref.dataset()));
    return tableFunctions.entrySet().stream()
        .filter(f -> datasets.stream().anyMatch(d -> f.getKey().contains(d.toLowerCase(Locale.ROOT))))
        .map(Map.Entry::getValue).toList();
  }

  /** The catalog of the named tables and their table functions, rebuilt only when they (or the defaults) change. */
  private BigQueryCatalog catalogFor(String key, String project, String datasetProject, String dataset,
      Map<TableRef, JsonNode> tables, List<String> functions) {
    if (cached != null && key.equals(cachedKey)) {
      return cached;
    }
    BigQueryCatalog catalog = BUILTINS.computeIfAbsent(project,
        p -> new BigQueryCatalog(p, (BigQueryResourceProvider) null)).copy();
    tables.forEach((ref, fields) -> {
      SimpleTable table = table(ref.project() + "." + ref.dataset() + "." + ref.table(), fields);
      catalog.register(table, CreateMode.CREATE_DEFAULT, CreateScope.CREATE_DEFAULT_SCOPE);
      // The toolkit finds `p.d.t` and (in FROM) d.t; DML targets and other unquoted paths look in nested catalogs.
      child(child(catalog.getZetaSQLCatalog(), ref.project()), ref.dataset()).addSimpleTable(ref.table(), table);
      if (ref.project().equals(project)) {
        child(catalog.getZetaSQLCatalog(), ref.dataset()).addSimpleTable(ref.table(), table);
      }
      if (ref.project().equals(datasetProject) && ref.dataset().equals(dataset)) {
        // The request's default dataset lets queries name its tables without a dataset.
        catalog.register(table(ref.table(), fields), CreateMode.CREATE_DEFAULT, CreateScope.CREATE_TEMP);
      }
    });
    for (String ddl : functions) {
      try {
        Iterator<AnalyzedStatement> replay =
            new ZetaSQLToolkitAnalyzer(options(null)).analyzeStatements(ddl, catalog, true);
        replay.forEachRemaining(s -> { });
      } catch (AnalysisException | SqlException e) {
        // A table function whose tables are gone fails when called, as in BigQuery.
      }
    }
    cachedKey = key;
    cached = catalog;
    return catalog;
  }

  private static SimpleCatalog child(SimpleCatalog parent, String name) {
    SimpleCatalog existing = parent.getCatalog(name);
    return existing != null ? existing : parent.addNewSimpleCatalog(name);
  }

  private static SimpleTable table(String name, JsonNode fields) {
    SimpleTable table = new SimpleTable(name);
    table.setFullName(name);
    for (JsonNode field : fields) {
      table.addSimpleColumn(Json.text(field, "name"), GoogleSqlTypes.ofField(field));
    }
    return table;
  }

  /** The analyzer's message in BigQuery's form: "... at [line:column]", missing tables as 404 notFound. */
  private static ApiException bigQueryError(String sql, String message, String project, String dataset,
      BiPredicate<String, String> datasetExists) {
    String text = message == null ? "Invalid query" : message;
    if (text.startsWith("Syntax error") && !POSITION.matcher(text).find()) {
      text = positionedSyntaxError(sql, text);
    }
    text = POSITION.matcher(text).replaceAll(" at [$1]");
    if (text.startsWith("Function not found: `SAFE.")) {
      // The toolkit quotes SAFE.f as one name; BigQuery has SAFE. calls, the translator does not.
      return SqlTranslator.unsupported("SAFE.-prefixed functions");
    }
    Matcher missing = TABLE_NOT_FOUND.matcher(text);
    if (missing.matches()) {
      String[] parts = missing.group(1).replace("`", "").split("\\.");
      if (parts.length == 1 && dataset == null) {
        return ApiException.invalidQuery("Table \"" + parts[0] + "\" must be qualified with a dataset (e.g. "
            + "dataset.table).");
      }
      String p = parts.length == 3 ? parts[0] : project;
      String d = parts.length >= 2 ? parts[parts.length - 2] : dataset;
      String t = parts[parts.length - 1];
      return datasetExists.test(p, d) ? ApiException.notFound("Table " + p + ":" + d + "." + t
          + " was not found in location US") : ApiException.notFound("Dataset " + p + ":" + d
          + " was not found in location US");
    }
    return ApiException.invalidQuery(text);
  }

  /**
   * The tables a query or script names, from GoogleSQL's parser alone (no catalog): what BigQuery infers a job's
   * location from when the request gives none. Empty when the SQL does not parse.
   */
  static List<TableRef> referencedTables(String sql, String project, JsonNode defaultDataset) {
    String datasetProject = defaultDataset == null || Json.text(defaultDataset, "projectId") == null ? project
        : Json.text(defaultDataset, "projectId");
    String dataset = defaultDataset == null ? null : Json.text(defaultDataset, "datasetId");
    try {
      return TableNameCase.tablePaths(Parser.parseScript(sql, LANGUAGE), project, datasetProject, dataset);
    } catch (RuntimeException e) {
      return List.of(); // the analysis reports the error when the job runs
    }
  }

  /** The statement-by-statement parser drops the position; parsing the whole script gives it back. */
  private static String positionedSyntaxError(String sql, String fallback) {
    try {
      Parser.parseScript(sql, LANGUAGE);
      return fallback;
    } catch (SqlException e) {
      return e.getMessage();
    }
  }
}
