package io.bqexport.bigquery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bqexport.ExportWindow;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Maps one Amplitude Export API line (a JSON object) to a BigQuery NDJSON row of the events table. Pure: no I/O.
 * Nothing is dropped: unknown keys, and values that cannot be coerced to their column's type, go into the extra
 * JSON column under their original key.
 */
public final class EventMapper {

  static final BigInteger MIN_LONG = BigInteger.valueOf(Long.MIN_VALUE);
  static final BigInteger MAX_LONG = BigInteger.valueOf(Long.MAX_VALUE);
  /** Amplitude's own format, e.g. {@code 2026-11-28 10:15:30.123456}, always UTC. */
  private static final DateTimeFormatter AMPLITUDE_TIME = new DateTimeFormatterBuilder()
      .appendPattern("yyyy-MM-dd[ ]['T']HH:mm:ss")
      .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
      .toFormatter(Locale.ROOT);
  /** TIMESTAMP values as written into rows (also by MergeIdMapper). */
  static final DateTimeFormatter OUTPUT_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

  private final ObjectMapper mapper = new ObjectMapper()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));
  private final EventSchema schema;
  private final Map<String, EventSchema.Column> sourceColumns;

  public EventMapper(EventSchema schema) {
    this.schema = schema;
    this.sourceColumns = schema.sourceColumns();
  }

  public EventMapper() {
    this(EventSchema.v1());
  }

  public MappedEvent map(String line, ExportWindow window) throws MalformedEventException {
    JsonNode event;
    try {
      event = mapper.readTree(line);
    } catch (JsonProcessingException e) {
      throw new MalformedEventException("not valid JSON: " + e.getOriginalMessage());
    }
    if (event == null || !event.isObject()) {
      throw new MalformedEventException("not a JSON object");
    }
    ObjectNode row = mapper.createObjectNode();
    ObjectNode extra = mapper.createObjectNode();
    Set<String> unknownKeys = new LinkedHashSet<>();
    Instant serverUploadTime = null;
    Instant eventTime = null;
    for (Iterator<Map.Entry<String, JsonNode>> it = event.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      EventSchema.Column column = sourceColumns.get(field.getKey());
      JsonNode value = field.getValue();
      if (column == null) {
        unknownKeys.add(field.getKey());
        extra.set(field.getKey(), value);
        continue;
      }
      if (value.isNull() || value.isMissingNode()) {
        continue;
      }
      Coerced coerced = coerce(value, column.type());
      if (coerced == null) {
        extra.set(field.getKey(), value);
        continue;
      }
      row.set(column.name(), coerced.node());
      if (column.name().equals("server_upload_time")) {
        serverUploadTime = coerced.instant();
      } else if (column.name().equals(schema.partitionColumn())) {
        eventTime = coerced.instant();
      }
    }
    if (!extra.isEmpty()) {
      row.set(schema.extraColumn(), extra);
    }
    Instant hour = window.clampedHour(serverUploadTime);
    row.put(schema.hourColumn(), OUTPUT_TIME.format(hour));
    try {
      return new MappedEvent(mapper.writeValueAsBytes(row), hour, eventTime, unknownKeys);
    } catch (JsonProcessingException e) {
      throw new MalformedEventException("cannot write the row: " + e.getOriginalMessage());
    }
  }

  private record Coerced(JsonNode node, Instant instant) {
    Coerced(JsonNode node) {
      this(node, null);
    }
  }

  /** The value converted to the column type, or null when that would lose information. */
  private Coerced coerce(JsonNode value, String type) {
    JsonNodeFactory nodes = mapper.getNodeFactory();
    switch (type) {
      case "STRING":
        if (value.isTextual()) {
          return new Coerced(value);
        }
        return value.isValueNode() ? new Coerced(nodes.textNode(value.asText())) : new Coerced(nodes.textNode(value.toString()));
      case "INT64": {
        BigInteger integer = integerOf(value);
        return integer == null || integer.compareTo(MIN_LONG) < 0 || integer.compareTo(MAX_LONG) > 0
            ? null : new Coerced(nodes.numberNode(integer.longValue()));
      }
      case "FLOAT64": {
        Double number = doubleOf(value);
        return number == null ? null : new Coerced(nodes.numberNode(number));
      }
      case "BOOL": {
        Boolean bool = booleanOf(value);
        return bool == null ? null : new Coerced(nodes.booleanNode(bool));
      }
      case "TIMESTAMP": {
        Instant instant = instantOf(value);
        return instant == null ? null : new Coerced(nodes.textNode(OUTPUT_TIME.format(instant)), instant);
      }
      case "JSON":
        return new Coerced(value);
      default:
        throw new IllegalStateException("unsupported column type in the schema resource: " + type);
    }
  }

  private static BigInteger integerOf(JsonNode value) {
    try {
      if (value.isIntegralNumber()) {
        return value.bigIntegerValue();
      }
      BigDecimal decimal = value.isNumber() ? value.decimalValue()
          : value.isTextual() ? new BigDecimal(value.asText().trim()) : null;
      return decimal == null ? null : decimal.toBigIntegerExact();
    } catch (NumberFormatException | ArithmeticException e) {
      return null;
    }
  }

  private static Double doubleOf(JsonNode value) {
    try {
      double d = value.isNumber() ? value.doubleValue()
          : value.isTextual() ? Double.parseDouble(value.asText().trim()) : Double.NaN;
      return Double.isFinite(d) ? d : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static Boolean booleanOf(JsonNode value) {
    if (value.isBoolean()) {
      return value.booleanValue();
    }
    if (value.isTextual()) {
      String text = value.asText().trim().toLowerCase(Locale.ROOT);
      return text.equals("true") ? Boolean.TRUE : text.equals("false") ? Boolean.FALSE : null;
    }
    if (value.isIntegralNumber() && (value.asLong() == 0 || value.asLong() == 1)) {
      return value.asLong() == 1;
    }
    return null;
  }

  /** Amplitude's {@code yyyy-MM-dd HH:mm:ss[.ffffff]} (UTC), RFC 3339 with an offset, or epoch milliseconds. */
  static Instant instantOf(JsonNode value) {
    if (value.isIntegralNumber() && value.canConvertToLong()) {
      return Instant.ofEpochMilli(value.longValue());
    }
    if (!value.isTextual()) {
      return null;
    }
    String text = value.asText().trim();
    Instant instant;
    try {
      instant = LocalDateTime.parse(text, AMPLITUDE_TIME).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException notAmplitudeFormat) {
      try {
        instant = OffsetDateTime.parse(text).toInstant();
      } catch (DateTimeParseException notRfc3339) {
        return null;
      }
    }
    return instant.truncatedTo(ChronoUnit.MICROS);
  }
}
