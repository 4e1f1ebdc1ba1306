package io.bqexport.testing.bigquery;

import java.util.List;

/** BigQuery functions whose DuckDB spelling or semantics differ, rewritten from already translated arguments. */
final class FunctionRewrites {
  /** The request's current time, a DuckDB variable that {@link #setNow} sets on the connection. */
  private static final String NOW = "getvariable('bq_now')";

  private FunctionRewrites() {}

  /** Sets the time CURRENT_TIMESTAMP() and its siblings answer on this connection. */
  static void setNow(java.sql.Connection connection, java.time.Instant now) throws java.sql.SQLException {
    DuckDb.execute(connection, "SET VARIABLE bq_now = CAST('" + now + "' AS TIMESTAMPTZ)");
  }

  /**
   * The DuckDB expression for a call of {@code upper} with the translated arguments {@code a}, or null when the
   * function is spelled the same in DuckDB. {@code units} holds the lower-case date part of each argument that is
   * one (HOUR, DAY, ...), else null.
   */
  static String rewrite(String upper, List<String> a, List<String> units) {
    switch (upper) {
      case "TIMESTAMP":
        return a.size() == 2 ? "timezone(" + a.get(1) + ", CAST(" + a.get(0) + " AS TIMESTAMP))"
            : "CAST(" + a.get(0) + " AS TIMESTAMPTZ)";
      case "DATETIME": return "CAST(" + a.get(0) + " AS TIMESTAMP)";
      case "DATE":
        if (a.size() == 3) {
          return "make_date(" + String.join(", ", a) + ")";
        }
        return a.size() == 2 ? "CAST(timezone(" + a.get(1) + ", " + a.get(0) + ") AS DATE)"
            : "CAST(" + a.get(0) + " AS DATE)";
      case "TIMESTAMP_TRUNC": case "DATETIME_TRUNC": case "DATE_TRUNC":
        if (upper.equals("TIMESTAMP_TRUNC") && a.size() == 3) {
          // The optional time zone: truncate the civil time there, then back to an instant.
          return "timezone(" + a.get(2) + ", " + truncate(unit(units, 1), "timezone(" + a.get(2) + ", CAST("
              + a.get(0) + " AS TIMESTAMPTZ))") + ")";
        }
        String truncated = truncate(unit(units, 1), a.get(0));
        return upper.equals("DATE_TRUNC") ? "CAST(" + truncated + " AS DATE)" : truncated;
      case "TIMESTAMP_ADD": case "DATETIME_ADD": return "(" + a.get(0) + " + " + a.get(1) + ")";
      case "TIMESTAMP_SUB": case "DATETIME_SUB": return "(" + a.get(0) + " - " + a.get(1) + ")";
      case "DATE_ADD": return "CAST(" + a.get(0) + " + " + a.get(1) + " AS DATE)";
      case "DATE_SUB": return "CAST(" + a.get(0) + " - " + a.get(1) + " AS DATE)";
      case "TIMESTAMP_DIFF": case "DATETIME_DIFF":
        return "date_sub('" + unit(units, 2) + "', " + a.get(1) + ", " + a.get(0) + ")";
      case "DATE_DIFF": return "date_diff('" + unit(units, 2) + "', " + a.get(1) + ", " + a.get(0) + ")";
      // The emulator's clock, which ScriptRunner sets per request (the wall clock would make expiry and tests
      // depend on the calendar date).
      case "CURRENT_TIMESTAMP": return NOW;
      case "CURRENT_DATE": return "CAST(" + NOW + " AS DATE)";
      case "CURRENT_DATETIME": return "CAST(" + NOW + " AS TIMESTAMP)";
      case "GENERATE_TIMESTAMP_ARRAY": case "GENERATE_ARRAY": return "generate_series(" + String.join(", ", a) + ")";
      case "GENERATE_DATE_ARRAY":
        return "list_transform(generate_series(CAST(" + a.get(0) + " AS TIMESTAMP), CAST(" + a.get(1)
            + " AS TIMESTAMP), " + (a.size() > 2 ? a.get(2) : "INTERVAL 1 DAY") + "), x -> CAST(x AS DATE))";
      case "UNIX_MICROS": return "epoch_us(" + a.get(0) + ")";
      case "UNIX_MILLIS": return "epoch_ms(" + a.get(0) + ")";
      case "UNIX_SECONDS": return "CAST(floor(epoch(" + a.get(0) + ")) AS BIGINT)";
      case "TIMESTAMP_MICROS": return "CAST(make_timestamp(" + a.get(0) + ") AS TIMESTAMPTZ)";
      case "TIMESTAMP_MILLIS": return "CAST(make_timestamp(" + a.get(0) + " * 1000) AS TIMESTAMPTZ)";
      case "TIMESTAMP_SECONDS": return "to_timestamp(" + a.get(0) + ")";
      case "FORMAT_TIMESTAMP": case "FORMAT_DATE": case "FORMAT_DATETIME":
        // FORMAT_TIMESTAMP's optional time zone: format the civil time there.
        return "strftime(" + (a.size() == 3 ? "timezone(" + a.get(2) + ", CAST(" + a.get(1) + " AS TIMESTAMPTZ))"
            : a.get(1)) + ", " + a.get(0) + ")";
      case "EXTRACT": return extract(a.get(0));
      // "String functions", CONCAT: "If any input argument is NULL, the function returns NULL" (DuckDB's concat
      // skips NULLs; its || does not).
      case "CONCAT": return "(" + String.join(" || ", a) + ")";
      // SUBSTR: "If position is a position off the left end of the STRING (position = 0 or position <
      // -LENGTH(value)), the function starts from position = 1" (DuckDB: an earlier start eats into length).
      case "SUBSTR": case "SUBSTRING":
        if (a.size() < 2) {
          return null;
        }
        String position = "(CASE WHEN (" + a.get(1) + ") = 0 OR (" + a.get(1) + ") < -length(" + a.get(0)
            + ") THEN 1 ELSE (" + a.get(1) + ") END)";
        return "substr(" + a.get(0) + ", " + position + (a.size() > 2 ? ", " + a.get(2) : "") + ")";
      case "SAFE_CAST": return "TRY_CAST(" + a.get(0) + ")";
      case "JSON_VALUE": case "JSON_EXTRACT_SCALAR":
        return "json_extract_string(" + a.get(0) + ", " + jsonPath(a) + ")";
      case "JSON_QUERY": case "JSON_EXTRACT":
        return "json_extract(" + a.get(0) + ", " + jsonPath(a) + ")";
      case "JSON_QUERY_ARRAY": case "JSON_EXTRACT_ARRAY":
        // BigQuery: NULL unless the path selects an array.
        return "(CASE WHEN json_type(" + a.get(0) + ", " + jsonPath(a) + ") = 'ARRAY' THEN CAST(json_extract("
            + a.get(0) + ", " + jsonPath(a) + ") AS JSON[]) END)";
      case "JSON_VALUE_ARRAY": case "JSON_EXTRACT_STRING_ARRAY":
        return "(CASE WHEN json_type(" + a.get(0) + ", " + jsonPath(a) + ") = 'ARRAY' THEN list_transform(CAST("
            + "json_extract(" + a.get(0) + ", " + jsonPath(a) + ") AS JSON[]), e -> json_extract_string(e, '$')) END)";
      case "TO_JSON_STRING": return "CAST(to_json(" + a.get(0) + ") AS VARCHAR)";
      case "PARSE_JSON": return "json(" + a.get(0) + ")";
      case "COUNTIF": return "count_if(" + a.get(0) + ")";
      case "LOGICAL_AND": return "bool_and(" + a.get(0) + ")";
      case "LOGICAL_OR": return "bool_or(" + a.get(0) + ")";
      case "ARRAY_LENGTH": return "len(" + a.get(0) + ")";
      case "REGEXP_CONTAINS": return "regexp_matches(" + a.get(0) + ", " + a.get(1) + ")";
      case "SPLIT": return "string_split(" + a.get(0) + ", " + (a.size() > 1 ? a.get(1) : "','") + ")";
      case "GENERATE_UUID": return "CAST(uuid() AS VARCHAR)";
      case "SAFE_DIVIDE": return "(CASE WHEN (" + a.get(1) + ") = 0 THEN NULL ELSE (" + a.get(0) + ") / ("
          + a.get(1) + ") END)";
      case "DIV": return "(" + a.get(0) + " // " + a.get(1) + ")";
      default:
        return null;
    }
  }

  /**
   * date_trunc with BigQuery's weeks: WEEK starts on Sunday, ISOWEEK on Monday (DuckDB's 'week')
   * ("Date functions", DATE_TRUNC: "WEEK: Truncates to the preceding Sunday").
   */
  private static String truncate(String unit, String value) {
    return switch (unit) {
      case "week" -> "(date_trunc('week', " + value + " + INTERVAL 1 DAY) - INTERVAL 1 DAY)";
      case "isoweek" -> "date_trunc('week', " + value + ")";
      default -> "date_trunc('" + unit + "', " + value + ")";
    };
  }

  private static final java.util.regex.Pattern EXTRACT_PART =
      java.util.regex.Pattern.compile("(?is)\\s*(DAYOFWEEK|WEEK|ISOWEEK)\\s+FROM\\s+(.*)");

  /**
   * EXTRACT's parts that DuckDB numbers otherwise ("Date functions", EXTRACT): DAYOFWEEK is 1 (Sunday) to 7
   * (DuckDB's DOW: 0 to 6); WEEK counts Sunday-started weeks, days before the first Sunday in week 0 (DuckDB's WEEK
   * is ISOWEEK). Null for the other parts, which DuckDB spells and numbers alike.
   */
  private static String extract(String argument) {
    java.util.regex.Matcher m = EXTRACT_PART.matcher(argument);
    if (!m.matches()) {
      return null;
    }
    String value = m.group(2);
    return switch (m.group(1).toUpperCase(java.util.Locale.ROOT)) {
      case "DAYOFWEEK" -> "(EXTRACT(DOW FROM " + value + ") + 1)";
      case "WEEK" -> "CAST(strftime(" + value + ", '%U') AS BIGINT)";
      default -> "EXTRACT(WEEK FROM " + value + ")";
    };
  }

  /** The JSONPath argument ('$' when omitted); a literal one must start at the root, as in BigQuery. */
  private static String jsonPath(List<String> a) {
    String path = a.size() > 1 ? a.get(1) : "'$'";
    RuntimeErrors.checkJsonPath(path);
    return path;
  }

  private static String unit(List<String> units, int index) {
    String unit = index < units.size() ? units.get(index) : null;
    if (unit == null) {
      throw SqlTranslator.unsupported("a date part that is not a plain HOUR, DAY, ... keyword");
    }
    return unit;
  }
}
