package io.bqexport.testing.bigquery;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * BigQuery's wording for errors that only show when a statement runs (GoogleSQL's function reference, "Conversion
 * rules" and "JSON functions"), translated from DuckDB's.
 */
final class RuntimeErrors {
  /** BigQuery (ZetaSQL json_internal): a JSONPath that does not start at the root is an out-of-range error. */
  static final String JSON_PATH_ROOT = "JSONPath must start with '$'";

  private static final Pattern NUMBER_CAST = Pattern.compile("Conversion Error: Could not convert string [\"'](.*)[\"'] to "
      + "(INT64|DOUBLE|BOOL|DECIMAL\\(38,9\\)|DECIMAL\\(38,18\\))");
  private static final Pattern TIME_CAST = Pattern.compile("Conversion Error: invalid (date|timestamp) field format: "
      + "\"(.*)\", expected format.*");

  private RuntimeErrors() {}

  /** BigQuery's message for a failed CAST of a string, e.g. "Bad int64 value: x", or null for other errors. */
  static String badCast(String duckDbMessage) {
    Matcher number = NUMBER_CAST.matcher(duckDbMessage);
    if (number.find()) {
      return switch (number.group(2)) {
        case "INT64" -> "Bad int64 value: " + number.group(1);
        case "DOUBLE" -> "Bad double value: " + number.group(1);
        case "BOOL" -> "Bad bool value: " + number.group(1);
        case "DECIMAL(38,9)" -> "Invalid NUMERIC value: " + number.group(1);
        default -> "Invalid BIGNUMERIC value: " + number.group(1);
      };
    }
    Matcher time = TIME_CAST.matcher(duckDbMessage);
    if (time.find()) {
      return "Invalid " + time.group(1) + ": '" + time.group(2) + "'";
    }
    return null;
  }

  /** Rejects a literal JSONPath that does not start with '$', as BigQuery does before reading any row. */
  static void checkJsonPath(String translatedPath) {
    if (translatedPath.startsWith("'") && !translatedPath.startsWith("'$")) {
      throw ApiException.invalidQuery(JSON_PATH_ROOT);
    }
  }
}
