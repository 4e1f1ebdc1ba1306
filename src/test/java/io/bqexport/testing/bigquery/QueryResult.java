package io.bqexport.testing.bigquery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Struct;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rows of a query or table read from DuckDB, as plain Java values, and their BigQuery encodings: the schema and
 * the {"f":[{"v":...}]} rows of the REST API (values as strings, TIMESTAMP as seconds or int64 micros).
 */
record QueryResult(ArrayNode schemaFields, List<Object[]> rows) {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  static QueryResult read(ResultSet rs) throws SQLException {
    ResultSetMetaData meta = rs.getMetaData();
    ArrayNode fields = Json.array();
    int columns = meta.getColumnCount();
    for (int c = 1; c <= columns; c++) {
      fields.add(BigQueryTypes.field(meta.getColumnLabel(c), meta.getColumnTypeName(c), true));
    }
    List<Object[]> rows = new ArrayList<>();
    while (rs.next()) {
      Object[] row = new Object[columns];
      for (int c = 1; c <= columns; c++) {
        row[c - 1] = plain(rs.getObject(c));
      }
      rows.add(row);
    }
    return new QueryResult(fields, rows);
  }

  static QueryResult empty() {
    return new QueryResult(null, List.of());
  }

  /** DuckDB JDBC objects (arrays, structs, JSON) as plain Java values, read while the result set is open. */
  private static Object plain(Object value) throws SQLException {
    if (value instanceof Array array) {
      Object[] elements = (Object[]) array.getArray();
      List<Object> list = new ArrayList<>(elements.length);
      for (Object element : elements) {
        list.add(plain(element));
      }
      return list;
    }
    if (value instanceof Struct struct) {
      Map<String, Object> map = new LinkedHashMap<>();
      if (value instanceof org.duckdb.DuckDBStruct duck) {
        for (Map.Entry<String, Object> e : duck.getMap().entrySet()) {
          map.put(e.getKey(), plain(e.getValue()));
        }
      }
      return map;
    }
    if (value instanceof OffsetDateTime odt) {
      return odt.toInstant();
    }
    if (value instanceof org.duckdb.JsonNode json) {
      return new JsonText(json.toString());
    }
    return value;
  }

  /** A JSON column value, kept apart from STRING values because BigQuery encodes both as text. */
  record JsonText(String json) {
    @Override
    public String toString() {
      return json;
    }
  }

  List<Map<String, Object>> asMaps() {
    List<Map<String, Object>> result = new ArrayList<>();
    for (Object[] row : rows) {
      Map<String, Object> map = new LinkedHashMap<>();
      for (int c = 0; c < row.length; c++) {
        Object v = row[c];
        map.put(schemaFields.get(c).path("name").asText(), v instanceof JsonText j ? j.json() : v);
      }
      result.add(map);
    }
    return result;
  }

  ArrayNode encodeRows(int from, int to, boolean int64Timestamps) {
    ArrayNode out = Json.array();
    for (int r = from; r < to; r++) {
      ObjectNode row = out.addObject();
      ArrayNode cells = row.putArray("f");
      for (Object value : rows.get(r)) {
        cells.addObject().set("v", encode(value, int64Timestamps));
      }
    }
    return out;
  }

  private static JsonNode encode(Object value, boolean int64Timestamps) {
    if (value == null) {
      return NODES.nullNode();
    }
    if (value instanceof List<?> list) {
      ArrayNode array = NODES.arrayNode();
      for (Object element : list) {
        array.addObject().set("v", encode(element, int64Timestamps));
      }
      return array;
    }
    if (value instanceof Map<?, ?> map) {
      ObjectNode record = NODES.objectNode();
      ArrayNode cells = record.putArray("f");
      for (Object element : map.values()) {
        cells.addObject().set("v", encode(element, int64Timestamps));
      }
      return record;
    }
    return NODES.textNode(scalarText(value, int64Timestamps));
  }

  private static String scalarText(Object value, boolean int64Timestamps) {
    if (value instanceof Instant instant) {
      long micros = Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1000);
      return int64Timestamps ? Long.toString(micros) : BigDecimal.valueOf(micros, 6).toPlainString();
    }
    if (value instanceof BigDecimal d) {
      return d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
    }
    if (value instanceof byte[] bytes) {
      return Base64.getEncoder().encodeToString(bytes);
    }
    if (value instanceof java.sql.Blob blob) {
      try {
        return Base64.getEncoder().encodeToString(blob.getBytes(1, (int) blob.length()));
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    }
    if (value instanceof java.time.LocalDateTime ldt) {
      return ldt.toString();
    }
    if (value instanceof Object[] array) {
      return Arrays.toString(array);
    }
    return value.toString();
  }
}
