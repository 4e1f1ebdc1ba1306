package io.bqexport.bigquery;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bqexport.ExportWindow;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Maps one Amplitude Export API line (a JSON object) to a BigQuery NDJSON row of the events table. Pure: no I/O.
 * Nothing is dropped: unknown keys, and values that do not fit their column's type (out-of-range timestamps
 * included), go into the extra JSON column under their original key. What BigQuery would reject is repaired (lone
 * surrogates become U+FFFD) or, when it cannot be, refused as a {@link MalformedEventException} that never quotes
 * the event: one such row would fail the whole load.
 */
public final class EventMapper implements LineMapper {

  /** BigQuery's nesting limit for JSON values ("The JSON data type has a nesting limit of 500"). */
  static final int MAX_JSON_DEPTH = 500;
  static final BigInteger MIN_LONG = BigInteger.valueOf(Long.MIN_VALUE);
  static final BigInteger MAX_LONG = BigInteger.valueOf(Long.MAX_VALUE);
  /** TIMESTAMP values as written into rows (also by MergeIdMapper). */
  static final DateTimeFormatter OUTPUT_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

  /** The line's object is one level, so its values may nest {@link #MAX_JSON_DEPTH} more. */
  private final ObjectMapper mapper = new ObjectMapper(JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_JSON_DEPTH + 1).build())
      .build())
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));
  private final EventSchema schema;
  private final Map<String, EventSchema.Column> sourceColumns;
  private final StreamingEventMapper streaming;

  public EventMapper(EventSchema schema) {
    this.schema = schema;
    this.sourceColumns = schema.sourceColumns();
    this.streaming = new StreamingEventMapper(mapper.getFactory(), schema);
  }

  public EventMapper() {
    this(EventSchema.v1());
  }

  /**
   * Maps the line token by token ({@link StreamingEventMapper}) when it can, else through a tree: lines with a
   * possible lone surrogate, duplicate keys, deep nesting, bad JSON or a value that needs a rarer coercion.
   */
  @Override
  public MappedEvent map(String line, ExportWindow window) throws MalformedEventException {
    try {
      return streaming.map(line, window);
    } catch (StreamingEventMapper.Unusual unusual) {
      return mapTree(line, window); // the same row the fast path would have written, or the error it cannot word
    }
  }

  /**
   * The same from the line's bytes, parsed by Jackson's UTF-8 parser with no String per line. The bytes must be
   * valid UTF-8 (the sources check it: {@code SourceLine#problem()}), as that parser lets some invalid forms through.
   */
  @Override
  public MappedEvent mapUtf8(byte[] line, ExportWindow window) throws MalformedEventException {
    try {
      return streaming.map(line, window);
    } catch (StreamingEventMapper.Unusual unusual) {
      return mapTree(new String(line, StandardCharsets.UTF_8), window);
    }
  }

  /** The fast path alone, for tests that hold it to {@link #mapTree}. */
  MappedEvent mapStreaming(String line, ExportWindow window) throws StreamingEventMapper.Unusual {
    return streaming.map(line, window);
  }

  /** The fast path alone from bytes, for tests that hold it to {@link #mapTree}. */
  MappedEvent mapStreaming(byte[] line, ExportWindow window) throws StreamingEventMapper.Unusual {
    return streaming.map(line, window);
  }

  /** The reference mapping: the line as a tree, re-typed column by column. */
  MappedEvent mapTree(String line, ExportWindow window) throws MalformedEventException {
    Map<String, String> numberTexts = new HashMap<>();
    ObjectNode event = read(line, numberTexts);
    LoneSurrogates surrogates = new LoneSurrogates(mapper.getNodeFactory());
    boolean mayHaveSurrogates = LoneSurrogates.mayOccurIn(line);
    ObjectNode row = mapper.createObjectNode();
    ObjectNode extra = mapper.createObjectNode();
    Set<String> unknownKeys = new LinkedHashSet<>();
    int valuesInExtra = 0;
    Instant serverUploadTime = null;
    Instant eventTime = null;
    for (Map.Entry<String, JsonNode> field : event.properties()) {
      String key = mayHaveSurrogates ? surrogates.repair(field.getKey()) : field.getKey();
      JsonNode value = mayHaveSurrogates ? surrogates.repair(field.getValue()) : field.getValue();
      EventSchema.Column column = sourceColumns.get(key);
      if (column == null) {
        unknownKeys.add(key);
        extra.set(key, fitForExtra(value));
        continue;
      }
      if (value.isNull()) {
        continue;
      }
      Coerced coerced = coerce(value, column.type(), numberTexts.get(field.getKey()));
      if (coerced == null) {
        extra.set(key, fitForExtra(value));
        valuesInExtra++;
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
      return new MappedEvent(mapper.writeValueAsBytes(row), hour, eventTime, unknownKeys, surrogates.replaced(),
          valuesInExtra);
    } catch (JsonProcessingException e) {
      throw new MalformedEventException("the row cannot be written as JSON");
    }
  }

  /**
   * The line's top-level object, keeping the source text of each top-level number (a STRING column keeps
   * {@code 1.5e3} as written); nested values are read as trees with exact decimals.
   */
  private ObjectNode read(String line, Map<String, String> numberTexts) throws MalformedEventException {
    try (JsonParser parser = mapper.createParser(line)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new MalformedEventException("the line is not a JSON object", column(parser));
      }
      ObjectNode event = mapper.createObjectNode();
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String key = parser.currentName();
        JsonToken token = parser.nextToken();
        if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
          numberTexts.put(key, parser.getText());
        } else {
          numberTexts.remove(key);
        }
        event.set(key, value(parser, token));
      }
      int end = Math.max(0, parser.currentLocation().getColumnNr());
      JsonToken after;
      try {
        after = parser.nextToken();
      } catch (JsonProcessingException notJson) {
        after = JsonToken.NOT_AVAILABLE;
      }
      if (after != null) {
        throw new MalformedEventException("text after the JSON object", end);
      }
      return event;
    } catch (JsonProcessingException e) {
      throw describe(e);
    } catch (IOException e) {
      throw new UncheckedIOException("reading a string cannot fail", e);
    }
  }

  /** Scalars are built directly: a tree read per value would cost a deserialization context for each. */
  private JsonNode value(JsonParser parser, JsonToken token) throws IOException {
    JsonNodeFactory nodes = mapper.getNodeFactory();
    switch (token) {
      case VALUE_STRING:
        return nodes.textNode(parser.getText());
      case VALUE_NUMBER_INT:
        return switch (parser.getNumberType()) {
          case INT -> nodes.numberNode(parser.getIntValue());
          case LONG -> nodes.numberNode(parser.getLongValue());
          default -> nodes.numberNode(parser.getBigIntegerValue());
        };
      case VALUE_NUMBER_FLOAT:
        return nodes.numberNode(parser.getDecimalValue());
      case VALUE_TRUE:
        return nodes.booleanNode(true);
      case VALUE_FALSE:
        return nodes.booleanNode(false);
      case VALUE_NULL:
        return nodes.nullNode();
      default:
        return mapper.readTree(parser);
    }
  }

  private static int column(JsonParser parser) {
    return Math.max(0, parser.currentTokenLocation().getColumnNr());
  }

  /** What is wrong and where, in words of our own: Jackson's messages quote the offending text. */
  private static MalformedEventException describe(JsonProcessingException e) {
    int column = e.getLocation() == null ? 0 : Math.max(0, e.getLocation().getColumnNr());
    String message = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
    if (e instanceof StreamConstraintsException) {
      return new MalformedEventException(message.contains("nesting depth")
          ? "a value nests deeper than " + MAX_JSON_DEPTH + " levels, BigQuery's limit for JSON values"
          : "a number or string is longer than the JSON parser allows", column);
    }
    if (e instanceof JsonEOFException) {
      return new MalformedEventException("not valid JSON: the line ends inside a value", column);
    }
    return new MalformedEventException("not valid JSON", column);
  }

  /** A value stored one level down in extra must still be within BigQuery's JSON nesting limit. */
  private static JsonNode fitForExtra(JsonNode value) throws MalformedEventException {
    if (value.isContainerNode() && depth(value) >= MAX_JSON_DEPTH) {
      throw new MalformedEventException("a value kept in the extra column would nest deeper than "
          + MAX_JSON_DEPTH + " levels, BigQuery's limit for JSON values");
    }
    return value;
  }

  private static int depth(JsonNode value) {
    int deepest = 0;
    for (JsonNode child : value) {
      if (child.isContainerNode()) {
        deepest = Math.max(deepest, depth(child));
      }
    }
    return deepest + 1;
  }

  private record Coerced(JsonNode node, Instant instant) {
    Coerced(JsonNode node) {
      this(node, null);
    }
  }

  /**
   * The value converted to the column type, or null when that would lose information or BigQuery would reject it.
   * numberText: the source text when the value is a number.
   */
  private Coerced coerce(JsonNode value, String type, String numberText) {
    JsonNodeFactory nodes = mapper.getNodeFactory();
    switch (type) {
      case "STRING":
        if (value.isTextual()) {
          return new Coerced(value);
        }
        if (value.isNumber() && numberText != null) {
          return new Coerced(nodes.textNode(numberText));
        }
        return new Coerced(nodes.textNode(value.isValueNode() ? value.asText() : value.toString()));
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
        Instant instant = BigQueryTimestamps.of(value);
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
}
