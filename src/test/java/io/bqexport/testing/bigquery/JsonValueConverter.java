package io.bqexport.testing.bigquery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Converts one NDJSON row into the canonical row DuckDB's read_json reads with typed columns, checking every
 * value against the BigQuery schema the way a load job does. A bad value throws {@link BadValue}.
 */
final class JsonValueConverter {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  /** Amplitude's {@code 2024-01-01 10:00:00.123456} and RFC 3339, optionally with a zone. */
  private static final Pattern TIMESTAMP = Pattern.compile(
      "(\\d{4})-(\\d{1,2})-(\\d{1,2})(?:[Tt ](\\d{1,2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d{1,9}))?)?)?"
          + "\\s*(Z|z|UTC|[+-]\\d{1,2}(?::?\\d{2})?)?");
  private static final DateTimeFormatter CANONICAL_TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS'+00'", Locale.ROOT);
  private static final BigDecimal NUMERIC_LIMIT = new BigDecimal("1E29");
  private static final BigDecimal BIGNUMERIC_LIMIT = new BigDecimal("1E20");

  static final class BadValue extends Exception {
    BadValue(String message) {
      super(message);
    }
  }

  private final boolean ignoreUnknownValues;
  private final JsonNode schema;
  /** Lower-case field names per RECORD level, computed once per load instead of once per row. */
  private final Map<JsonNode, java.util.Set<String>> namesByLevel = new java.util.IdentityHashMap<>();

  JsonValueConverter(boolean ignoreUnknownValues, JsonNode schema) {
    this.ignoreUnknownValues = ignoreUnknownValues;
    this.schema = schema;
  }

  ObjectNode convertRow(JsonNode row) throws BadValue {
    if (!row.isObject()) {
      throw new BadValue("Only JSON objects are allowed as rows, found " + row.getNodeType());
    }
    return convertRecord(row, schema, "");
  }

  private java.util.Set<String> names(JsonNode fields) {
    return namesByLevel.computeIfAbsent(fields, f -> {
      java.util.Set<String> names = new java.util.HashSet<>();
      f.forEach(field -> names.add(Json.text(field, "name").toLowerCase(Locale.ROOT)));
      return names;
    });
  }

  private ObjectNode convertRecord(JsonNode row, JsonNode fields, String prefix) throws BadValue {
    ObjectNode out = NODES.objectNode();
    if (!ignoreUnknownValues && row.size() > 0) {
      java.util.Set<String> known = names(fields);
      var names = row.fieldNames();
      while (names.hasNext()) {
        String name = names.next();
        if (!known.contains(name) && !known.contains(name.toLowerCase(Locale.ROOT))) {
          throw new BadValue("No such field: " + prefix + name + ".");
        }
      }
    }
    for (JsonNode field : fields) {
      String name = Json.text(field, "name");
      JsonNode value = valueIgnoringCase(row, name);
      String path = prefix + name;
      if (BigQueryTypes.repeated(field)) {
        out.set(name, convertRepeated(value, field, path));
      } else if (value == null || value.isNull()) {
        if ("REQUIRED".equalsIgnoreCase(Json.text(field, "mode"))) {
          throw new BadValue("Missing required field: " + path + ".");
        }
        out.putNull(name);
      } else {
        out.set(name, convertValue(value, field, path));
      }
    }
    return out;
  }

  private static JsonNode valueIgnoringCase(JsonNode row, String name) {
    JsonNode exact = row.get(name);
    if (exact != null) {
      return exact;
    }
    var it = row.fields();
    while (it.hasNext()) {
      var e = it.next();
      if (e.getKey().equalsIgnoreCase(name)) {
        return e.getValue();
      }
    }
    return null;
  }

  private ArrayNode convertRepeated(JsonNode value, JsonNode field, String path) throws BadValue {
    ArrayNode out = NODES.arrayNode();
    if (value == null || value.isNull()) {
      return out;
    }
    if (!value.isArray()) {
      throw new BadValue("Repeated field must be imported as a JSON array. Field: " + path + ".");
    }
    for (JsonNode element : value) {
      if (element.isNull()) {
        throw new BadValue("Array contains a null element. Field: " + path + ".");
      }
      out.add(convertValue(element, field, path));
    }
    return out;
  }

  private JsonNode convertValue(JsonNode v, JsonNode field, String path) throws BadValue {
    String type = BigQueryTypes.canonical(Json.text(field, "type"));
    if (v.isArray() && !"JSON".equals(type)) {
      throw new BadValue("Array specified for non-repeated field: " + path + ".");
    }
    if (v.isObject() && !"JSON".equals(type) && !"RECORD".equals(type)) {
      throw new BadValue("Cannot convert value to " + type.toLowerCase(Locale.ROOT) + ". Field: " + path + ".");
    }
    try {
      switch (type) {
        case "STRING": case "GEOGRAPHY": return NODES.textNode(v.asText());
        case "INTEGER": return NODES.numberNode(toLong(v, path));
        case "FLOAT": return NODES.numberNode(v.isNumber() ? v.asDouble() : Double.parseDouble(v.asText()));
        case "NUMERIC": return NODES.textNode(toDecimal(v, 9, NUMERIC_LIMIT, path).toPlainString());
        case "BIGNUMERIC": return NODES.textNode(toDecimal(v, 18, BIGNUMERIC_LIMIT, path).toPlainString());
        case "BOOLEAN": return NODES.booleanNode(toBoolean(v, path));
        case "TIMESTAMP": return NODES.textNode(canonical(toTimestamp(v, path)));
        case "DATE": return NODES.textNode(LocalDate.parse(v.asText()).toString());
        case "DATETIME": return NODES.textNode(LocalDateTime.parse(v.asText().replace(' ', 'T')).toString());
        case "TIME": return NODES.textNode(LocalTime.parse(v.asText()).toString());
        case "JSON": return v;
        case "RECORD":
          if (!v.isObject()) {
            throw new BadValue("Expected a JSON object for RECORD field: " + path + ".");
          }
          return convertRecord(v, field.path("fields"), path + ".");
        default:
          throw new BadValue("Unsupported type " + type + " for field: " + path + ".");
      }
    } catch (NumberFormatException | java.time.DateTimeException | ArithmeticException e) {
      throw new BadValue("Could not convert value '" + v.asText() + "' to " + type.toLowerCase(Locale.ROOT)
          + ". Field: " + path + "; Value: " + v.asText());
    }
  }

  /** yyyy-MM-dd HH:mm:ss.ffffff+00, built by hand: DateTimeFormatter is the slowest step of a large load. */
  private static String canonical(OffsetDateTime t) {
    if (t.getYear() < 1000 || t.getYear() > 9999) {
      return CANONICAL_TIMESTAMP.format(t);
    }
    StringBuilder b = new StringBuilder(29);
    b.append(t.getYear()).append('-');
    two(b, t.getMonthValue()).append('-');
    two(b, t.getDayOfMonth()).append(' ');
    two(b, t.getHour()).append(':');
    two(b, t.getMinute()).append(':');
    two(b, t.getSecond()).append('.');
    String micros = Integer.toString(t.getNano() / 1000);
    b.append("000000", 0, 6 - micros.length()).append(micros);
    return b.append("+00").toString();
  }

  private static StringBuilder two(StringBuilder b, int value) {
    return (value < 10 ? b.append('0') : b).append(value);
  }

  private static long toLong(JsonNode v, String path) throws BadValue {
    if (v.isIntegralNumber() && v.canConvertToLong()) {
      return v.asLong();
    }
    if (v.isNumber()) {
      return v.decimalValue().longValueExact();
    }
    if (v.isTextual()) {
      return Long.parseLong(v.asText().trim());
    }
    throw new BadValue("Could not convert value '" + v.asText() + "' to integer. Field: " + path + ".");
  }

  private static BigDecimal toDecimal(JsonNode v, int scale, BigDecimal limit, String path) throws BadValue {
    BigDecimal d = v.isNumber() ? v.decimalValue() : new BigDecimal(v.asText().trim());
    if (d.abs().compareTo(limit) >= 0) {
      throw new BadValue("Value " + d + " is out of range for field: " + path + ".");
    }
    return d.setScale(scale, java.math.RoundingMode.HALF_EVEN);
  }

  private static boolean toBoolean(JsonNode v, String path) throws BadValue {
    if (v.isBoolean()) {
      return v.asBoolean();
    }
    String s = v.asText().trim().toLowerCase(Locale.ROOT);
    if (s.equals("true") || s.equals("1")) {
      return true;
    }
    if (s.equals("false") || s.equals("0")) {
      return false;
    }
    throw new BadValue("Could not convert value '" + v.asText() + "' to boolean. Field: " + path + ".");
  }

  /** Parses the timestamp forms BigQuery's JSON loader accepts, as UTC when no zone is given. */
  static OffsetDateTime toTimestamp(JsonNode v, String path) throws BadValue {
    if (v.isNumber()) {
      BigDecimal micros = v.decimalValue().movePointRight(6).setScale(0, java.math.RoundingMode.HALF_UP);
      long m = micros.longValueExact();
      return OffsetDateTime.ofInstant(
          java.time.Instant.ofEpochSecond(Math.floorDiv(m, 1_000_000L), Math.floorMod(m, 1_000_000L) * 1000L),
          ZoneOffset.UTC);
    }
    return parseTimestamp(v.asText().trim(), path);
  }

  static OffsetDateTime parseTimestamp(String text, String path) throws BadValue {
    Matcher m = TIMESTAMP.matcher(text);
    if (!m.matches()) {
      throw new BadValue("Couldn't convert value to timestamp: Could not parse '" + text
          + "' as a timestamp. Required format is YYYY-MM-DD HH:MM[:SS[.SSSSSS]] or YYYY/MM/DD HH:MM[:SS[.SSSSSS]]"
          + "; Field: " + path + "; Value: " + text);
    }
    String fraction = m.group(7) == null ? "0" : (m.group(7) + "000000000").substring(0, 9);
    LocalDateTime local = LocalDateTime.of(
        Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
        m.group(4) == null ? 0 : Integer.parseInt(m.group(4)),
        m.group(5) == null ? 0 : Integer.parseInt(m.group(5)),
        m.group(6) == null ? 0 : Integer.parseInt(m.group(6)),
        Integer.parseInt(fraction) / 1000 * 1000);
    return local.atOffset(offset(m.group(8))).withOffsetSameInstant(ZoneOffset.UTC);
  }

  private static ZoneOffset offset(String zone) {
    if (zone == null || zone.equalsIgnoreCase("Z") || zone.equals("UTC")) {
      return ZoneOffset.UTC;
    }
    String digits = zone.substring(1).replace(":", "");
    int hours = Integer.parseInt(digits.length() <= 2 ? digits : digits.substring(0, digits.length() - 2));
    int minutes = digits.length() <= 2 ? 0 : Integer.parseInt(digits.substring(digits.length() - 2));
    int sign = zone.charAt(0) == '-' ? -1 : 1;
    return ZoneOffset.ofHoursMinutes(sign * hours, sign * minutes);
  }
}
