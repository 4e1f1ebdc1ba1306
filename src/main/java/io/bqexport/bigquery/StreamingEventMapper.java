package io.bqexport.bigquery;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import io.bqexport.ExportWindow;
import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The fast path of {@link EventMapper}: parses the line token by token and writes the row as it goes, with no tree
 * and no intermediate values. It produces exactly the bytes the tree mapping would, and only handles what it is sure
 * to handle alike: the common shapes of an event. Anything else (a parse error, a duplicate key at any level, deep
 * nesting, a possible lone surrogate, a number or string the tree mapping coerces in a way this class does not repeat) is {@link Unusual}, and
 * EventMapper maps that line with its tree instead; EventMapperEquivalenceTest holds the two paths to the same output.
 */
final class StreamingEventMapper {

  /** The line needs the tree mapping. Thrown without a stack trace: it is a branch, not an error. */
  static final class Unusual extends Exception {
    static final Unusual INSTANCE = new Unusual();

    private Unusual() {
      super("needs the tree mapping", null, false, false);
    }
  }

  private static ByteArrayBuilder rowBuffer() {
    return new ByteArrayBuilder(16 * 1024);
  }

  /** Nesting copied here; deeper values (rare, and near BigQuery's 500-level limit) take the tree path. */
  private static final int MAX_COPY_DEPTH = 64;

  private enum Type { STRING, INT64, FLOAT64, BOOL, TIMESTAMP, JSON }

  /**
   * A column as the fast path needs it; index: its position among the source columns (to spot a duplicate key);
   * role: 1 server_upload_time, 2 the partition column, 0 neither.
   */
  private record Slot(int index, String name, Type type, int role) {}

  private final JsonFactory json;
  private final String extraColumn;
  private final String hourColumn;
  private final Map<String, Slot> slots;
  /** Each mapping thread's row buffer, reused from row to row: a row is then allocated once, at its exact size. */
  private final ThreadLocal<ByteArrayBuilder> rowBuffers = ThreadLocal.withInitial(StreamingEventMapper::rowBuffer);

  StreamingEventMapper(JsonFactory json, EventSchema schema) {
    this.json = json;
    this.extraColumn = schema.extraColumn();
    this.hourColumn = schema.hourColumn();
    Map<String, Slot> byKey = new HashMap<>();
    for (EventSchema.Column column : schema.sourceColumns().values()) {
      byKey.put(column.sourceKey(), new Slot(byKey.size(), column.name(), Type.valueOf(column.type()),
          column.name().equals("server_upload_time") ? 1 : column.name().equals(schema.partitionColumn()) ? 2 : 0));
    }
    this.slots = Map.copyOf(byKey);
  }

  MappedEvent map(String line, ExportWindow window) throws Unusual {
    if (mayHaveLoneSurrogate(line)) {
      throw Unusual.INSTANCE; // the tree repairs and counts them
    }
    try {
      return map(json.createParser(line), window);
    } catch (IOException e) {
      throw Unusual.INSTANCE;
    }
  }

  /**
   * The same from valid UTF-8 bytes. Jackson guesses the encoding of bytes from their first four (a NUL among the
   * first two reads as UTF-16 or UTF-32, a byte-order mark is skipped): such a line (never valid JSON as UTF-8) goes
   * to the tree, so only an ASCII first byte and a second one that is not NUL are parsed here.
   */
  MappedEvent map(byte[] line, ExportWindow window) throws Unusual {
    if (line.length < 2 || line[0] <= 0 || line[1] == 0 || mayHaveLoneSurrogate(line)) {
      throw Unusual.INSTANCE;
    }
    try {
      return map(json.createParser(line), window);
    } catch (IOException e) {
      throw Unusual.INSTANCE;
    }
  }

  private MappedEvent map(JsonParser parser, ExportWindow window) throws Unusual {
    ByteArrayBuilder bytes = rowBuffers.get();
    bytes.reset(); // keeps its last block, at most 128 KiB (Jackson's largest), so a huge row is not held
    try (parser; JsonGenerator row = json.createGenerator(bytes)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw Unusual.INSTANCE;
      }
      row.writeStartObject();
      TokenBuffer extra = null;
      Set<String> unknownKeys = Set.of();
      boolean[] seen = new boolean[slots.size()];
      int valuesInExtra = 0;
      Instant serverUploadTime = null;
      Instant eventTime = null;
      JsonToken token;
      while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
        String key = parser.currentName();
        JsonToken value = parser.nextToken();
        Slot slot = slots.get(key);
        if (slot != null) {
          if (seen[slot.index]) {
            throw Unusual.INSTANCE; // a duplicate key: the tree keeps the last value at the first one's place
          }
          seen[slot.index] = true;
        }
        if (slot != null && value == JsonToken.VALUE_NULL) {
          continue;
        }
        if (slot != null) {
          Instant instant = slot.type == Type.TIMESTAMP ? timestamp(parser, value) : null;
          if (slot.type == Type.TIMESTAMP ? instant != null : writeValue(parser, value, slot, row)) {
            if (instant != null) {
              row.writeStringField(slot.name, BigQueryTimestamps.format(instant));
              if (slot.role == 1) {
                serverUploadTime = instant;
              } else if (slot.role == 2) {
                eventTime = instant;
              }
            }
            continue;
          }
          valuesInExtra++;
        } else {
          if (unknownKeys.isEmpty()) {
            unknownKeys = new LinkedHashSet<>();
          }
          if (!unknownKeys.add(key)) {
            throw Unusual.INSTANCE;
          }
        }
        if (extra == null) {
          extra = new TokenBuffer(null, false);
          extra.writeStartObject();
        }
        extra.writeFieldName(key);
        copy(parser, value, extra, 0);
      }
      if (token != JsonToken.END_OBJECT || parser.nextToken() != null) {
        throw Unusual.INSTANCE;
      }
      if (extra != null) {
        extra.writeEndObject();
        row.writeFieldName(extraColumn);
        extra.serialize(row);
      }
      Instant hour = window.clampedHour(serverUploadTime);
      row.writeStringField(hourColumn, BigQueryTimestamps.format(hour));
      row.writeEndObject();
      row.flush();
      return new MappedEvent(bytes.toByteArray(), hour, eventTime, unknownKeys, 0, valuesInExtra);
    } catch (IOException | RuntimeException e) {
      throw Unusual.INSTANCE; // not valid JSON, a duplicate key, a value the generator refuses: the tree decides
    }
  }

  /**
   * Whether a {@code \\u} escape in the line may decode to a lone surrogate: a low one, or a high one not followed
   * by a low escape. Valid UTF-8 text cannot carry one otherwise, and escaped pairs (an emoji written as
   * {@code \\ud83d\\ude80}, common in exports) are fine, so only those lines need the tree's repair.
   */
  static boolean mayHaveLoneSurrogate(String line) {
    int i = line.indexOf('\\');
    while (i >= 0 && i + 1 < line.length()) {
      if (line.charAt(i + 1) != 'u') {
        i = line.indexOf('\\', i + 2); // any other escape, an escaped backslash included
        continue;
      }
      int c = hex4(line, i + 2);
      if (c >= 0xDC00 && c <= 0xDFFF || c < 0) {
        return true;
      }
      if (c >= 0xD800 && c <= 0xDBFF) {
        int low = line.startsWith("\\u", i + 6) ? hex4(line, i + 8) : -1;
        if (low < 0xDC00 || low > 0xDFFF) {
          return true;
        }
        i += 6;
      }
      i = line.indexOf('\\', i + 6);
    }
    return false;
  }

  /** {@link #mayHaveLoneSurrogate(String)} on UTF-8 bytes: escapes are ASCII, never part of a multi-byte form. */
  static boolean mayHaveLoneSurrogate(byte[] line) {
    int i = indexOfBackslash(line, 0);
    while (i >= 0 && i + 1 < line.length) {
      if (line[i + 1] != 'u') {
        i = indexOfBackslash(line, i + 2);
        continue;
      }
      int c = hex4(line, i + 2);
      if (c >= 0xDC00 && c <= 0xDFFF || c < 0) {
        return true;
      }
      if (c >= 0xD800 && c <= 0xDBFF) {
        int low = i + 7 < line.length && line[i + 6] == '\\' && line[i + 7] == 'u' ? hex4(line, i + 8) : -1;
        if (low < 0xDC00 || low > 0xDFFF) {
          return true;
        }
        i += 6;
      }
      i = indexOfBackslash(line, i + 6);
    }
    return false;
  }

  private static int indexOfBackslash(byte[] line, int from) {
    for (int i = from; i < line.length; i++) {
      if (line[i] == '\\') {
        return i;
      }
    }
    return -1;
  }

  private static int hex4(byte[] s, int from) {
    if (from + 4 > s.length) {
      return -1;
    }
    int value = 0;
    for (int i = from; i < from + 4; i++) {
      int digit = Character.digit(s[i], 16);
      if (digit < 0) {
        return -1;
      }
      value = value * 16 + digit;
    }
    return value;
  }

  /** The four hex digits at {@code from}, or -1. */
  private static int hex4(String s, int from) {
    if (from + 4 > s.length()) {
      return -1;
    }
    int value = 0;
    for (int i = from; i < from + 4; i++) {
      int digit = Character.digit(s.charAt(i), 16);
      if (digit < 0) {
        return -1;
      }
      value = value * 16 + digit;
    }
    return value;
  }

  /**
   * Writes a non-null value of a non-TIMESTAMP column as the tree mapping coerces it; false when the tree mapping
   * keeps it in extra.
   */
  private static boolean writeValue(JsonParser parser, JsonToken value, Slot slot, JsonGenerator row)
      throws IOException, Unusual {
    switch (slot.type) {
      case JSON:
        row.writeFieldName(slot.name);
        copy(parser, value, row, 0);
        return true;
      case STRING:
        if (value == JsonToken.VALUE_STRING) {
          row.writeFieldName(slot.name);
          row.writeString(parser.getTextCharacters(), parser.getTextOffset(), parser.getTextLength());
          return true;
        }
        if (value == JsonToken.VALUE_NUMBER_INT || value == JsonToken.VALUE_NUMBER_FLOAT) {
          row.writeStringField(slot.name, parser.getText()); // the number as written, 1.5e3 stays 1.5e3
          return true;
        }
        if (value == JsonToken.VALUE_TRUE || value == JsonToken.VALUE_FALSE) {
          row.writeStringField(slot.name, value == JsonToken.VALUE_TRUE ? "true" : "false");
          return true;
        }
        throw Unusual.INSTANCE; // an object or array as text
      case INT64:
        if (value == JsonToken.VALUE_NUMBER_INT) {
          JsonParser.NumberType type = parser.getNumberType();
          if (type == JsonParser.NumberType.BIG_INTEGER) {
            throw Unusual.INSTANCE;
          }
          row.writeFieldName(slot.name);
          row.writeNumber(parser.getLongValue());
          return true;
        }
        if (value == JsonToken.VALUE_NUMBER_FLOAT) {
          throw Unusual.INSTANCE; // 12.0 is the integer 12, 1e30 goes to extra: the tree decides
        }
        return scalarOnlyAsText(value);
      case FLOAT64:
        if (value == JsonToken.VALUE_NUMBER_INT) {
          JsonParser.NumberType type = parser.getNumberType();
          if (type == JsonParser.NumberType.BIG_INTEGER) {
            throw Unusual.INSTANCE;
          }
          row.writeFieldName(slot.name);
          row.writeNumber((double) parser.getLongValue());
          return true;
        }
        if (value == JsonToken.VALUE_NUMBER_FLOAT) {
          double d = parser.getDecimalValue().doubleValue();
          if (!Double.isFinite(d)) {
            return false;
          }
          row.writeFieldName(slot.name);
          row.writeNumber(d);
          return true;
        }
        return scalarOnlyAsText(value);
      case BOOL:
        if (value == JsonToken.VALUE_TRUE || value == JsonToken.VALUE_FALSE) {
          row.writeBooleanField(slot.name, value == JsonToken.VALUE_TRUE);
          return true;
        }
        if (value == JsonToken.VALUE_NUMBER_INT) {
          if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            throw Unusual.INSTANCE;
          }
          long n = parser.getLongValue();
          if (n == 0 || n == 1) {
            row.writeBooleanField(slot.name, n == 1);
            return true;
          }
          return false;
        }
        return scalarOnlyAsText(value);
      default:
        throw new IllegalStateException("not a fast-path column type: " + slot.type);
    }
  }

  /**
   * For INT64, FLOAT64 and BOOL columns: text (which the tree mapping parses) is unusual; every other value not
   * handled above (booleans, fractions, containers) goes to extra.
   */
  private static boolean scalarOnlyAsText(JsonToken value) throws Unusual {
    if (value == JsonToken.VALUE_STRING) {
      throw Unusual.INSTANCE;
    }
    return false;
  }

  /** A TIMESTAMP column's value as {@link BigQueryTimestamps#of} reads it, null when it goes to extra. */
  private static Instant timestamp(JsonParser parser, JsonToken value) throws IOException, Unusual {
    if (value == JsonToken.VALUE_STRING) {
      return BigQueryTimestamps.parse(parser.getText().trim());
    }
    if (value == JsonToken.VALUE_NUMBER_INT) {
      if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
        throw Unusual.INSTANCE;
      }
      long millis = parser.getLongValue();
      return millis >= BigQueryTimestamps.MIN_EPOCH_MILLIS && millis < BigQueryTimestamps.MAX_EPOCH_MILLIS
          ? Instant.ofEpochMilli(millis) : null;
    }
    return null;
  }

  /** Copies the current value as the tree mapping reads and writes it: exact numbers, keys and strings as parsed. */
  private static void copy(JsonParser parser, JsonToken token, JsonGenerator out, int depth)
      throws IOException, Unusual {
    switch (token) {
      case START_OBJECT:
        if (depth >= MAX_COPY_DEPTH) {
          throw Unusual.INSTANCE;
        }
        out.writeStartObject();
        KeySet keys = new KeySet();
        for (JsonToken t = parser.nextToken(); t == JsonToken.FIELD_NAME; t = parser.nextToken()) {
          String name = parser.currentName();
          if (!keys.add(name)) {
            throw Unusual.INSTANCE; // a duplicate key: the tree keeps the last value at the first one's place
          }
          out.writeFieldName(name);
          copy(parser, parser.nextToken(), out, depth + 1);
        }
        out.writeEndObject();
        return;
      case START_ARRAY:
        if (depth >= MAX_COPY_DEPTH) {
          throw Unusual.INSTANCE;
        }
        out.writeStartArray();
        for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
          copy(parser, t, out, depth + 1);
        }
        out.writeEndArray();
        return;
      case VALUE_STRING:
        out.writeString(parser.getTextCharacters(), parser.getTextOffset(), parser.getTextLength());
        return;
      case VALUE_NUMBER_INT:
        switch (parser.getNumberType()) {
          case INT -> out.writeNumber(parser.getIntValue());
          case LONG -> out.writeNumber(parser.getLongValue());
          default -> out.writeNumber(parser.getBigIntegerValue());
        }
        return;
      case VALUE_NUMBER_FLOAT:
        out.writeNumber(parser.getDecimalValue());
        return;
      case VALUE_TRUE:
      case VALUE_FALSE:
        out.writeBoolean(token == JsonToken.VALUE_TRUE);
        return;
      case VALUE_NULL:
        out.writeNull();
        return;
      default:
        throw Unusual.INSTANCE;
    }
  }

  /** The keys of one object so far: a short array (most objects are small), a hash set beyond it. */
  private static final class KeySet {
    private static final int LINEAR = 16;
    private final String[] few = new String[LINEAR];
    private int count;
    private Set<String> many;

    /** False when the key was there already. */
    boolean add(String key) {
      if (many != null) {
        return many.add(key);
      }
      for (int i = 0; i < count; i++) {
        if (few[i].equals(key)) {
          return false;
        }
      }
      if (count == LINEAR) {
        many = new HashSet<>(Arrays.asList(few));
        return many.add(key);
      }
      few[count++] = key;
      return true;
    }
  }
}
