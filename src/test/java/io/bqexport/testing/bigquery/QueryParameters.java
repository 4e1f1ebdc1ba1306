package io.bqexport.testing.bigquery;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The query parameters of a request, rendered as typed DuckDB literals that are inlined into the SQL. */
final class QueryParameters {
  private final Map<String, String> named = new HashMap<>();
  private final List<String> positional = new ArrayList<>();
  private int nextPositional;
  private JsonNode json;

  static QueryParameters from(JsonNode parameters) {
    QueryParameters result = new QueryParameters();
    result.json = parameters;
    if (parameters != null) {
      for (JsonNode p : parameters) {
        String literal = literal(p.path("parameterType"), p.path("parameterValue"), Json.text(p, "name"));
        String name = Json.text(p, "name");
        if (name == null || name.isEmpty()) {
          result.positional.add(literal);
        } else {
          result.named.put(name.toLowerCase(Locale.ROOT), literal);
        }
      }
    }
    return result;
  }

  /** The request's queryParameters as sent, or null. */
  JsonNode json() {
    return json;
  }

  String named(String name) {
    String literal = named.get(name.toLowerCase(Locale.ROOT));
    if (literal == null) {
      throw ApiException.invalidQuery("Query parameter '" + name + "' not found");
    }
    return literal;
  }

  String nextPositional() {
    if (nextPositional >= positional.size()) {
      throw ApiException.invalidQuery("Positional query parameter " + (nextPositional + 1) + " not found; the "
          + "request has " + positional.size() + " positional parameters.");
    }
    return positional.get(nextPositional++);
  }

  private static String literal(JsonNode type, JsonNode value, String name) {
    String t = BigQueryTypes.canonical(type.path("type").asText("STRING"));
    if ("ARRAY".equals(t)) {
      JsonNode elementType = type.path("arrayType");
      List<String> elements = new ArrayList<>();
      for (JsonNode element : value.path("arrayValues")) {
        elements.add(literal(elementType, element, name));
      }
      String elementDuck = duckType(BigQueryTypes.canonical(elementType.path("type").asText()), name);
      return "CAST([" + String.join(", ", elements) + "] AS " + elementDuck + "[])";
    }
    String duck = duckType(t, name);
    JsonNode v = value.get("value");
    if (v == null || v.isNull()) {
      return "CAST(NULL AS " + duck + ")";
    }
    if ("BYTES".equals(t)) {
      return "from_base64(" + quote(v.asText()) + ")";
    }
    if ("STRING".equals(t)) {
      // GoogleSQL coerces STRING parameters like literals (to DATE, TIMESTAMP, ...); an untyped literal does too.
      return quote(v.asText());
    }
    return "CAST(" + quote(v.asText()) + " AS " + duck + ")";
  }

  private static String duckType(String bigQueryType, String name) {
    if ("STRUCT".equals(bigQueryType) || "RECORD".equals(bigQueryType) || "ARRAY".equals(bigQueryType)) {
      throw ApiException.invalidQuery("Query parameter '" + name + "': " + bigQueryType
          + " parameters of this shape are not supported by the BigQuery emulator.");
    }
    return BigQueryTypes.duckType(Json.object().put("name", name).put("type", bigQueryType));
  }

  static String quote(String value) {
    return "'" + value.replace("'", "''") + "'";
  }
}
