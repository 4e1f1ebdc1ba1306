package io.bqexport.testing.bigquery;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bqexport.testing.bigquery.SqlToken.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.BiPredicate;

/**
 * Translates one BigQuery Standard SQL statement into DuckDB SQL: table names, types, literals, parameters and
 * the functions this project uses. What it does not know how to translate faithfully it rejects with an
 * invalidQuery error instead of letting DuckDB guess.
 */
final class SqlTranslator {
  /** The DuckDB statement plus what the script runner needs to know about it. */
  record Translated(String sql, String statementType, TableRef target, ObjectNode tableOptions,
      String expirationSql) {}

  private static final Set<String> TABLE_CONTEXT = Set.of("FROM", "JOIN", "INTO", "UPDATE", "TABLE", "MERGE",
      "USING", "DELETE", "INSERT");
  private static final Set<String> UNITS = Set.of("MICROSECOND", "MILLISECOND", "SECOND", "MINUTE", "HOUR", "DAY",
      "WEEK", "MONTH", "QUARTER", "YEAR");
  private static final Set<String> UNSUPPORTED_STATEMENTS = Set.of("DECLARE", "SET", "EXECUTE", "LOOP", "WHILE",
      "REPEAT", "FOR", "IF", "CALL", "ASSERT", "EXPORT", "LOAD", "RAISE", "RETURN", "BREAK", "LEAVE", "CONTINUE",
      "ITERATE", "GRANT", "REVOKE", "CASE");
  private static final Set<String> UNSUPPORTED_WORDS = Set.of("PIVOT", "UNPIVOT", "TABLESAMPLE",
      "_PARTITIONTIME", "_PARTITIONDATE", "_TABLE_SUFFIX", "INFORMATION_SCHEMA", "FORMAT", "SYSTEM_TIME");
  /** Keywords that may stand before "(" without being a function call. */
  private static final Set<String> KEYWORDS = Set.of("USING", "IN", "VALUES", "OVER", "EXISTS", "AS", "ON", "AND",
      "OR", "NOT", "WHERE", "SELECT", "FROM", "JOIN", "BY", "WHEN", "THEN", "ELSE", "INTO", "HAVING", "QUALIFY",
      "UNION", "ALL", "DISTINCT", "EXCEPT", "INTERSECT", "WITH", "TABLE", "LIKE", "BETWEEN", "IS", "EXCLUDE");
  private static final Set<String> NO_TABLE_CONTEXT_FUNCTIONS = Set.of("EXTRACT", "TRIM", "SUBSTRING");

  private final String project;
  private final String defaultDataset;
  private final BiPredicate<String, String> datasetExists;
  private final QueryParameters parameters;
  private List<SqlToken> t;

  SqlTranslator(String project, String defaultDataset, BiPredicate<String, String> datasetExists,
      QueryParameters parameters) {
    this.project = project;
    this.defaultDataset = defaultDataset;
    this.datasetExists = datasetExists;
    this.parameters = parameters;
  }

  /** Splits a script at top-level semicolons into statements of significant tokens. */
  static List<List<SqlToken>> statements(String sql) {
    List<List<SqlToken>> result = new ArrayList<>();
    List<SqlToken> current = new ArrayList<>();
    for (SqlToken token : SqlToken.tokenize(sql)) {
      if (token.kind() == Kind.SPACE) {
        continue;
      }
      if (token.is(";")) {
        if (!current.isEmpty()) {
          result.add(current);
        }
        current = new ArrayList<>();
      } else {
        current.add(token);
      }
    }
    if (!current.isEmpty()) {
      result.add(current);
    }
    return result;
  }

  Translated translate(List<SqlToken> statement) {
    this.t = statement;
    String first = t.get(0).upper();
    if (UNSUPPORTED_STATEMENTS.contains(first)) {
      throw unsupported(first + " statements (procedural language)");
    }
    rejectUnsupportedConstructs();
    switch (first) {
      case "CREATE": return create();
      case "ALTER": return alter();
      case "DROP": return drop();
      case "INSERT": return dml("INSERT", "INTO");
      case "DELETE": return dml("DELETE", "FROM");
      case "MERGE": return dml("MERGE", "INTO");
      case "UPDATE": return new Translated(emit(0, t.size(), true), "UPDATE", null, null, null);
      case "TRUNCATE": return new Translated(emit(0, t.size(), true), "TRUNCATE_TABLE", null, null, null);
      case "SELECT": case "WITH": case "(":
        return new Translated(emit(0, t.size(), true), "SELECT", null, null, null);
      default:
        throw unsupported("the statement " + first);
    }
  }

  private void rejectUnsupportedConstructs() {
    for (int i = 0; i < t.size(); i++) {
      SqlToken token = t.get(i);
      if (token.kind() == Kind.WORD && UNSUPPORTED_WORDS.contains(token.upper())) {
        throw unsupported(token.upper());
      }
      if (token.is("::")) {
        throw ApiException.invalidQuery("Syntax error: Unexpected \"::\" (DuckDB cast syntax is not BigQuery SQL)");
      }
      if (token.is("ARRAY") && i + 1 < t.size() && t.get(i + 1).is("<")) {
        throw unsupported("ARRAY<...> type syntax");
      }
      if (token.is("SAFE") && i + 1 < t.size() && t.get(i + 1).is(".")) {
        throw unsupported("SAFE.-prefixed functions");
      }
      if (token.is("WITH") && i + 1 < t.size() && t.get(i + 1).is("OFFSET")) {
        throw unsupported("UNNEST ... WITH OFFSET");
      }
      if (token.is("ROW") && i > 0 && t.get(i - 1).is("INSERT")) {
        throw unsupported("INSERT ROW in MERGE (list the columns)");
      }
    }
  }

  static ApiException unsupported(String what) {
    return ApiException.invalidQuery("Unsupported by the BigQuery emulator: " + what
        + ". Extend io.bqexport.testing.bigquery.SqlTranslator if the project needs it.");
  }

  // ---- statements

  private Translated dml(String type, String requiredKeyword) {
    String sql = emit(0, t.size(), true);
    if (!t.get(1).is(requiredKeyword)) {
      sql = type + " " + requiredKeyword + sql.substring(type.length());
    }
    return new Translated(sql, type, null, null, null);
  }

  private Translated drop() {
    if (t.size() > 2 && t.get(1).is("TABLE") && t.get(2).is("FUNCTION")) {
      int nameAt = 3;
      boolean ifExists = t.get(3).is("IF");
      if (ifExists) {
        nameAt = 5;
      }
      return new Translated("DROP MACRO TABLE " + (ifExists ? "IF EXISTS " : "") + emit(nameAt, t.size(), true),
          "DROP_FUNCTION", null, null, null);
    }
    if (t.size() > 1 && !t.get(1).is("TABLE")) {
      throw unsupported("DROP " + t.get(1).upper());
    }
    return new Translated(emit(0, t.size(), true), "DROP_TABLE", null, null, null);
  }

  private Translated alter() {
    if (!t.get(1).is("TABLE")) {
      throw unsupported("ALTER " + t.get(1).upper());
    }
    int nameAt = t.get(2).is("IF") ? 4 : 2;
    int afterName = pathEnd(nameAt);
    TableRef target = tableRef(nameAt, afterName);
    if (afterName + 1 < t.size() && t.get(afterName).is("SET") && t.get(afterName + 1).is("OPTIONS")) {
      OptionsClause options = parseOptions(afterName + 2);
      return new Translated(null, "ALTER_TABLE", target, options.metadata, options.expirationSql);
    }
    return new Translated(emit(0, t.size(), true), "ALTER_TABLE", target, null, null);
  }

  private Translated create() {
    int i = 1;
    boolean orReplace = t.get(i).is("OR");
    if (orReplace) {
      i += 2;
    }
    if (t.get(i).is("TEMP") || t.get(i).is("TEMPORARY")) {
      throw unsupported("CREATE TEMP ...");
    }
    if (t.get(i).is("TABLE") && t.get(i + 1).is("FUNCTION")) {
      return createTableFunction(i + 2, orReplace);
    }
    if (!t.get(i).is("TABLE")) {
      throw unsupported("CREATE " + t.get(i).upper());
    }
    i++;
    boolean ifNotExists = t.get(i).is("IF");
    if (ifNotExists) {
      i += 3;
    }
    int afterName = pathEnd(i);
    TableRef target = tableRef(i, afterName);
    String head = "CREATE " + (orReplace ? "OR REPLACE " : "") + "TABLE " + (ifNotExists ? "IF NOT EXISTS " : "")
        + target.sqlName();
    if (afterName < t.size() && (t.get(afterName).is("LIKE") || t.get(afterName).is("COPY"))) {
      int sourceEnd = pathEnd(afterName + 1);
      TableRef source = tableRef(afterName + 1, sourceEnd);
      ObjectNode options = Json.object();
      options.put("copyMetadataFrom", source.project() + "\u0000" + source.dataset() + "\u0000" + source.table());
      String select = t.get(afterName).is("LIKE") ? " AS SELECT * FROM " + source.sqlName() + " LIMIT 0"
          : " AS SELECT * FROM " + source.sqlName();
      return new Translated(head + select, "CREATE_TABLE", target, options, null);
    }
    // Drop PARTITION BY, CLUSTER BY and OPTIONS(...) (also column OPTIONS) and keep them as table metadata.
    List<SqlToken> kept = new ArrayList<>(t.subList(0, afterName));
    ObjectNode metadata = Json.object();
    String expirationSql = null;
    boolean asSelect = false;
    int depth = 0;
    int k = afterName;
    while (k < t.size()) {
      SqlToken token = t.get(k);
      if (token.is("(")) {
        depth++;
      } else if (token.is(")")) {
        depth--;
      }
      if (token.is("OPTIONS") && k + 1 < t.size() && t.get(k + 1).is("(")) {
        int close = matchingParen(k + 1);
        if (depth == 0) {
          OptionsClause options = parseOptions(k + 1);
          metadata.setAll(options.metadata);
          expirationSql = options.expirationSql;
        }
        k = close + 1;
        continue;
      }
      if (depth == 0 && token.is("PARTITION") && t.get(k + 1).is("BY")) {
        int end = clauseEnd(k + 2);
        metadata.set("timePartitioning", partitioning(k + 2, end));
        k = end;
        continue;
      }
      if (depth == 0 && token.is("CLUSTER") && t.get(k + 1).is("BY")) {
        int end = clauseEnd(k + 2);
        var fields = metadata.putObject("clustering").putArray("fields");
        for (int c = k + 2; c < end; c++) {
          if (t.get(c).kind() == Kind.WORD || t.get(c).kind() == Kind.BACKTICK) {
            fields.add(t.get(c).text());
          }
        }
        k = end;
        continue;
      }
      if (depth == 0 && token.is("AS")) {
        asSelect = true;
      }
      kept.add(token);
      k++;
    }
    List<SqlToken> original = t;
    t = kept;
    String rest = emit(afterName, t.size(), true);
    t = original;
    return new Translated(head + " " + rest, asSelect ? "CREATE_TABLE_AS_SELECT" : "CREATE_TABLE", target,
        metadata, expirationSql);
  }

  private int clauseEnd(int from) {
    int depth = 0;
    for (int k = from; k < t.size(); k++) {
      if (t.get(k).is("(")) {
        depth++;
      } else if (t.get(k).is(")")) {
        depth--;
      } else if (depth == 0 && (t.get(k).is("CLUSTER") || t.get(k).is("OPTIONS") || t.get(k).is("AS"))) {
        return k;
      }
    }
    return t.size();
  }

  private ObjectNode partitioning(int from, int to) {
    ObjectNode p = Json.object();
    String type = "DAY";
    String field = null;
    for (int k = from; k < to; k++) {
      SqlToken token = t.get(k);
      boolean call = k + 1 < to && t.get(k + 1).is("(");
      if (token.kind() == Kind.WORD && UNITS.contains(token.upper()) && !call) {
        type = token.upper();
      } else if ((token.kind() == Kind.WORD || token.kind() == Kind.BACKTICK) && !call && field == null) {
        field = token.text();
      }
    }
    p.put("type", type);
    if (field != null) {
      p.put("field", field);
    }
    return p;
  }

  private record OptionsClause(ObjectNode metadata, String expirationSql) {}

  /** Parses OPTIONS(name=value, ...) starting at its "(": expiration becomes SQL evaluated at run time. */
  private OptionsClause parseOptions(int open) {
    int close = matchingParen(open);
    ObjectNode metadata = Json.object();
    String expirationSql = null;
    for (int[] range : splitArgs(open, close)) {
      if (range[1] - range[0] < 3 || !t.get(range[0] + 1).is("=")) {
        throw ApiException.invalidQuery("Syntax error: expected name = value in OPTIONS");
      }
      String name = t.get(range[0]).text().toLowerCase(Locale.ROOT);
      int valueFrom = range[0] + 2;
      SqlToken value = t.get(valueFrom);
      switch (name) {
        case "expiration_timestamp": expirationSql = emit(valueFrom, range[1], true); break;
        case "description": metadata.put("description", value.text()); break;
        case "friendly_name": metadata.put("friendlyName", value.text()); break;
        case "partition_expiration_days":
          metadata.put("partitionExpirationMs", (long) (Double.parseDouble(value.text()) * 86_400_000L));
          break;
        case "require_partition_filter": metadata.put("requirePartitionFilter", value.is("TRUE")); break;
        case "labels": break;
        default: throw unsupported("table option " + name);
      }
    }
    return new OptionsClause(metadata, expirationSql);
  }

  /** CREATE TABLE FUNCTION f(a TYPE, ...) [RETURNS TABLE<...>] AS (query) becomes a DuckDB table macro. */
  private Translated createTableFunction(int nameAt, boolean orReplace) {
    int afterName = pathEnd(nameAt);
    TableRef function = tableRef(nameAt, afterName);
    if (!t.get(afterName).is("(")) {
      throw ApiException.invalidQuery("Syntax error: expected ( after the table function name");
    }
    int close = matchingParen(afterName);
    List<String> params = new ArrayList<>();
    for (int[] range : splitArgs(afterName, close)) {
      if (range[1] > range[0]) {
        params.add(TableRef.quote(t.get(range[0]).text()));
      }
    }
    int as = close + 1;
    while (as < t.size() && !t.get(as).is("AS")) {
      as++;
    }
    if (as >= t.size()) {
      throw ApiException.invalidQuery("Syntax error: expected AS (query) in CREATE TABLE FUNCTION");
    }
    int bodyFrom = as + 1;
    int bodyTo = t.size();
    if (t.get(bodyFrom).is("(") && matchingParen(bodyFrom) == t.size() - 1) {
      bodyFrom++;
      bodyTo--;
    }
    String sql = "CREATE " + (orReplace ? "OR REPLACE " : "") + "MACRO " + function.sqlName() + "("
        + String.join(", ", params) + ") AS TABLE " + emit(bodyFrom, bodyTo, true);
    return new Translated(sql, "CREATE_TABLE_FUNCTION", null, null, null);
  }

  // ---- expressions

  /** Emits tokens [from, to) as DuckDB SQL. */
  private String emit(int from, int to, boolean tableContextAllowed) {
    StringBuilder out = new StringBuilder();
    SqlToken previous = null;
    int i = from;
    while (i < to) {
      SqlToken token = t.get(i);
      String piece;
      int next = i + 1;
      boolean tableContext = tableContextAllowed && previous != null && TABLE_CONTEXT.contains(previous.upper());
      if (token.kind() == Kind.BACKTICK || token.kind() == Kind.WORD && (i + 1 < to && t.get(i + 1).is(".")
          || tableContext && !(i + 1 < to && t.get(i + 1).is("(")) && !isKeyword(token))) {
        int end = Math.min(pathEnd(i), to);
        piece = path(i, end, tableContext);
        next = end;
      } else if (token.kind() == Kind.WORD && i + 1 < to && t.get(i + 1).is("(") && !KEYWORDS.contains(token.upper())) {
        int close = matchingParen(i + 1);
        piece = function(token, i + 1, close);
        next = close + 1;
        if (token.is("UNNEST") && previous != null && previous.is("IN")) {
          piece = "(SELECT " + piece + ")";
        }
        if (token.is("UNNEST") && next + 1 < to && t.get(next).is("AS") && t.get(next + 1).kind() != Kind.SYMBOL) {
          String alias = TableRef.quote(t.get(next + 1).text());
          piece += " AS " + alias + "(" + alias + ")";
          next += 2;
        }
      } else if (token.kind() == Kind.WORD) {
        int[] consumed = {next};
        piece = word(i, to, consumed);
        next = consumed[0];
      } else if (token.kind() == Kind.STRING) {
        piece = QueryParameters.quote(token.text());
      } else if (token.kind() == Kind.PARAM) {
        piece = parameters.named(token.text());
      } else if (token.kind() == Kind.POSITIONAL) {
        piece = parameters.nextPositional();
      } else if (token.is("*") && i + 2 < to && t.get(i + 1).is("EXCEPT") && t.get(i + 2).is("(")) {
        piece = "* EXCLUDE";
        next = i + 2;
      } else {
        piece = token.text();
      }
      appendSpaced(out, piece);
      previous = token;
      i = next;
    }
    return out.toString();
  }

  private static boolean isKeyword(SqlToken token) {
    return Set.of("SELECT", "WITH", "VALUES", "IF", "UNNEST", "ONLY", "LATERAL").contains(token.upper());
  }

  private static void appendSpaced(StringBuilder out, String piece) {
    if (out.length() > 0 && !piece.startsWith(")") && !piece.startsWith(",") && !piece.startsWith(".")
        && out.charAt(out.length() - 1) != '(' && out.charAt(out.length() - 1) != '.') {
      out.append(' ');
    }
    out.append(piece);
  }

  /** A (possibly dotted, possibly backticked) name: a table in table context or when backticked with dots. */
  private String path(int from, int to, boolean tableContext) {
    List<String> parts = new ArrayList<>();
    boolean dottedBacktick = false;
    for (int k = from; k < to; k++) {
      SqlToken token = t.get(k);
      if (token.is(".")) {
        continue;
      }
      if (token.kind() == Kind.BACKTICK && token.text().contains(".")) {
        dottedBacktick = true;
      }
      parts.addAll(token.kind() == Kind.BACKTICK ? List.of(token.text().split("\\.")) : List.of(token.text()));
    }
    if (parts.size() == 3 && (tableContext || dottedBacktick)
        || parts.size() == 2 && (dottedBacktick || tableContext)) {
      return tableRef(from, to).sqlName();
    }
    List<String> rendered = new ArrayList<>();
    for (int k = from; k < to; k++) {
      SqlToken token = t.get(k);
      if (token.kind() == Kind.BACKTICK) {
        rendered.add(TableRef.quote(token.text()));
      } else if (token.kind() == Kind.WORD) {
        rendered.add(to - from == 1 ? typeName(token) : token.text());
      }
    }
    return String.join(".", rendered);
  }

  /** The table a dotted name refers to; the dataset must exist (BigQuery answers 404 otherwise). */
  private TableRef tableRef(int from, int to) {
    List<String> parts = new ArrayList<>();
    for (int k = from; k < to; k++) {
      SqlToken token = t.get(k);
      if (!token.is(".")) {
        parts.addAll(token.kind() == Kind.BACKTICK ? List.of(token.text().split("\\.")) : List.of(token.text()));
      }
    }
    TableRef ref;
    if (parts.size() == 3) {
      ref = new TableRef(parts.get(0), parts.get(1), parts.get(2));
    } else if (parts.size() == 2) {
      ref = new TableRef(project, parts.get(0), parts.get(1));
    } else if (defaultDataset != null) {
      ref = new TableRef(project, defaultDataset, parts.get(0));
    } else {
      throw ApiException.invalidQuery("Table name \"" + String.join(".", parts)
          + "\" missing dataset while no default dataset is set in the request.");
    }
    if (!datasetExists.test(ref.project(), ref.dataset())) {
      throw ApiException.notFound("Dataset " + ref.project() + ":" + ref.dataset() + " was not found in location US");
    }
    return ref;
  }

  /** End (exclusive) of a name path starting at from: name ( . name )*. */
  private int pathEnd(int from) {
    int k = from + 1;
    while (k + 1 < t.size() && t.get(k).is(".")
        && (t.get(k + 1).kind() == Kind.WORD || t.get(k + 1).kind() == Kind.BACKTICK)) {
      k += 2;
    }
    return k;
  }

  private String word(int i, int to, int[] next) {
    SqlToken token = t.get(i);
    String upper = token.upper();
    boolean literalFollows = i + 1 < to && t.get(i + 1).kind() == Kind.STRING;
    if (literalFollows && Set.of("TIMESTAMP", "DATETIME", "NUMERIC", "BIGNUMERIC", "JSON", "DATE", "TIME")
        .contains(upper)) {
      next[0] = i + 2;
      return "CAST(" + QueryParameters.quote(t.get(i + 1).text()) + " AS " + typeName(token) + ")";
    }
    if ("INTERVAL".equals(upper)) {
      int unit = i + 1;
      int depth = 0;
      while (unit < to && !(depth == 0 && t.get(unit).kind() == Kind.WORD && UNITS.contains(t.get(unit).upper()))) {
        depth += t.get(unit).is("(") ? 1 : t.get(unit).is(")") ? -1 : 0;
        unit++;
      }
      if (unit >= to) {
        throw unsupported("INTERVAL without a date part");
      }
      next[0] = unit + 1;
      return "INTERVAL (" + emit(i + 1, unit, false) + ") " + t.get(unit).upper();
    }
    return typeName(token);
  }

  private static String typeName(SqlToken token) {
    switch (token.upper()) {
      case "INT64": return "BIGINT";
      case "FLOAT64": return "DOUBLE";
      case "BOOL": return "BOOLEAN";
      case "STRING": return "VARCHAR";
      case "BYTES": return "BLOB";
      case "NUMERIC": return BigQueryTypes.NUMERIC;
      case "BIGNUMERIC": case "BIGDECIMAL": return BigQueryTypes.BIGNUMERIC;
      case "TIMESTAMP": return "TIMESTAMPTZ";
      case "DATETIME": return "TIMESTAMP";
      default: return token.text();
    }
  }

  /** A function call: BigQuery functions whose DuckDB spelling or semantics differ are rewritten. */
  private String function(SqlToken name, int open, int close) {
    String upper = name.upper();
    boolean tableContextInside = !NO_TABLE_CONTEXT_FUNCTIONS.contains(upper);
    List<String> a = new ArrayList<>();
    List<int[]> ranges = splitArgs(open, close);
    for (int[] range : ranges) {
      a.add(emit(range[0], range[1], tableContextInside));
    }
    List<String> units = new ArrayList<>();
    for (int[] range : ranges) {
      boolean unitWord = range[1] - range[0] == 1 && UNITS.contains(t.get(range[0]).upper());
      units.add(unitWord ? t.get(range[0]).upper().toLowerCase(Locale.ROOT) : null);
    }
    if (upper.equals("STRUCT")) {
      return struct(ranges, tableContextInside);
    }
    String rewritten;
    try {
      rewritten = FunctionRewrites.rewrite(upper, a, units);
    } catch (IndexOutOfBoundsException e) {
      throw ApiException.invalidQuery("No matching signature for function " + upper + " with " + a.size()
          + " argument(s)");
    }
    return rewritten != null ? rewritten : name.text() + "(" + emit(open + 1, close, tableContextInside) + ")";
  }

  /** STRUCT(expr AS name, ...) as a DuckDB struct literal {'name': expr, ...}. */
  private String struct(List<int[]> ranges, boolean tableContextInside) {
    List<String> fields = new ArrayList<>();
    for (int[] range : ranges) {
      int as = range[1] - 2;
      if (as <= range[0] || !t.get(as).is("AS")) {
        throw unsupported("STRUCT fields without a name (write STRUCT(expr AS name, ...))");
      }
      fields.add(QueryParameters.quote(t.get(as + 1).text()) + ": " + emit(range[0], as, tableContextInside));
    }
    return "{" + String.join(", ", fields) + "}";
  }

  private int matchingParen(int open) {
    int depth = 0;
    for (int k = open; k < t.size(); k++) {
      if (t.get(k).is("(") || t.get(k).is("[")) {
        depth++;
      } else if (t.get(k).is(")") || t.get(k).is("]")) {
        depth--;
        if (depth == 0) {
          return k;
        }
      }
    }
    throw ApiException.invalidQuery("Syntax error: Unbalanced parentheses");
  }

  /** Top-level comma-separated argument ranges between the parentheses at open and close. */
  private List<int[]> splitArgs(int open, int close) {
    List<int[]> ranges = new ArrayList<>();
    int depth = 0;
    int start = open + 1;
    for (int k = open + 1; k < close; k++) {
      SqlToken token = t.get(k);
      if (token.is("(") || token.is("[")) {
        depth++;
      } else if (token.is(")") || token.is("]")) {
        depth--;
      } else if (depth == 0 && token.is(",")) {
        ranges.add(new int[] {start, k});
        start = k + 1;
      }
    }
    if (close > open + 1) {
      ranges.add(new int[] {start, close});
    }
    return ranges;
  }
}
