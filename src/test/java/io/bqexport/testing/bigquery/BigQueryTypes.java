package io.bqexport.testing.bigquery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Maps BigQuery field schemas to DuckDB column types and back. */
final class BigQueryTypes {
  /** NUMERIC is DECIMAL(38,9) in both. BIGNUMERIC (76 digits) is narrowed to DuckDB's widest decimal. */
  static final String NUMERIC = "DECIMAL(38,9)";
  static final String BIGNUMERIC = "DECIMAL(38,18)";

  private BigQueryTypes() {}

  /** Canonical BigQuery type name of a field (INT64 and INTEGER are the same type, and so on). */
  static String canonical(String type) {
    switch (type.toUpperCase(Locale.ROOT)) {
      case "INT64": return "INTEGER";
      case "FLOAT64": return "FLOAT";
      case "BOOL": return "BOOLEAN";
      case "STRUCT": return "RECORD";
      default: return type.toUpperCase(Locale.ROOT);
    }
  }

  static boolean repeated(JsonNode field) {
    return "REPEATED".equalsIgnoreCase(Json.text(field, "mode"));
  }

  /** The DuckDB type of a field, including REPEATED (as a list); NOT NULL is added by the DDL builder. */
  static String duckType(JsonNode field) {
    String base = duckBaseType(field);
    return repeated(field) ? base + "[]" : base;
  }

  private static String duckBaseType(JsonNode field) {
    String type = Json.text(field, "type");
    if (type == null) {
      throw ApiException.invalid("Field " + Json.text(field, "name") + ": type is required.");
    }
    switch (canonical(type)) {
      case "STRING": case "GEOGRAPHY": return "VARCHAR";
      case "BYTES": return "BLOB";
      case "INTEGER": return "BIGINT";
      case "FLOAT": return "DOUBLE";
      case "NUMERIC": return NUMERIC;
      case "BIGNUMERIC": return BIGNUMERIC;
      case "BOOLEAN": return "BOOLEAN";
      case "TIMESTAMP": return "TIMESTAMPTZ";
      case "DATETIME": return "TIMESTAMP";
      case "DATE": return "DATE";
      case "TIME": return "TIME";
      case "JSON": return "JSON";
      case "RECORD": {
        List<String> parts = new ArrayList<>();
        for (JsonNode sub : field.path("fields")) {
          parts.add(TableRef.quote(Json.text(sub, "name")) + " " + duckType(sub));
        }
        if (parts.isEmpty()) {
          throw ApiException.invalid("Field " + Json.text(field, "name") + " is type RECORD but has no schema.");
        }
        return "STRUCT(" + String.join(", ", parts) + ")";
      }
      default:
        throw ApiException.invalid("Field " + Json.text(field, "name") + ": type " + type + " is not supported.");
    }
  }

  /** CREATE TABLE column list for a BigQuery schema. */
  static String columnDefinitions(JsonNode fields) {
    List<String> columns = new ArrayList<>();
    for (JsonNode field : fields) {
      String name = Json.text(field, "name");
      if (name == null || !name.matches("[A-Za-z_][A-Za-z0-9_]{0,299}")) {
        throw ApiException.invalid("Invalid field name \"" + name + "\". Fields must contain only letters, numbers, "
            + "and underscores, start with a letter or underscore, and be at most 300 characters long.");
      }
      boolean required = "REQUIRED".equalsIgnoreCase(Json.text(field, "mode"));
      columns.add(TableRef.quote(name) + " " + duckType(field) + (required ? " NOT NULL" : ""));
    }
    return String.join(", ", columns);
  }

  /** The BigQuery field for a DuckDB column (used for query results and tables created by SQL). */
  static ObjectNode field(String name, String duckType, boolean nullable) {
    ObjectNode field = Json.object();
    field.put("name", name);
    String t = duckType.trim();
    if (t.endsWith("[]")) {
      ObjectNode inner = field(name, t.substring(0, t.length() - 2), true);
      inner.put("mode", "REPEATED");
      return inner;
    }
    String upper = t.toUpperCase(Locale.ROOT);
    if (upper.startsWith("STRUCT(")) {
      field.put("type", "RECORD");
      ArrayNode sub = field.putArray("fields");
      for (String part : splitTopLevel(t.substring(7, t.length() - 1))) {
        String[] nameAndType = splitNameAndType(part.trim());
        sub.add(field(nameAndType[0], nameAndType[1], true));
      }
    } else {
      field.put("type", bigQueryScalar(upper));
    }
    field.put("mode", nullable ? "NULLABLE" : "REQUIRED");
    return field;
  }

  private static String bigQueryScalar(String duck) {
    if (duck.startsWith("DECIMAL")) {
      return duck.equals(BIGNUMERIC) ? "BIGNUMERIC" : "NUMERIC";
    }
    switch (duck) {
      case "BIGINT": case "INTEGER": case "SMALLINT": case "TINYINT": case "HUGEINT":
      case "UBIGINT": case "UINTEGER": case "USMALLINT": case "UTINYINT": return "INTEGER";
      case "DOUBLE": case "FLOAT": return "FLOAT";
      case "BOOLEAN": return "BOOLEAN";
      case "TIMESTAMP WITH TIME ZONE": return "TIMESTAMP";
      case "TIMESTAMP": return "DATETIME";
      case "DATE": return "DATE";
      case "TIME": return "TIME";
      case "JSON": return "JSON";
      case "BLOB": return "BYTES";
      default: return "STRING";
    }
  }

  private static String[] splitNameAndType(String part) {
    if (part.startsWith("\"")) {
      int end = part.indexOf('"', 1);
      while (end + 1 < part.length() && part.charAt(end + 1) == '"') {
        end = part.indexOf('"', end + 2);
      }
      return new String[] {part.substring(1, end).replace("\"\"", "\""), part.substring(end + 1).trim()};
    }
    int space = part.indexOf(' ');
    return new String[] {part.substring(0, space), part.substring(space + 1).trim()};
  }

  static List<String> splitTopLevel(String s) {
    List<String> parts = new ArrayList<>();
    int depth = 0;
    boolean quoted = false;
    int start = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (!quoted && c == '(') {
        depth++;
      } else if (!quoted && c == ')') {
        depth--;
      } else if (!quoted && depth == 0 && c == ',') {
        parts.add(s.substring(start, i));
        start = i + 1;
      }
    }
    parts.add(s.substring(start));
    return parts;
  }
}
