package io.bqexport.bigquery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bqexport.ExportWindow;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Maps one merged-ID record of Amplitude's Cloud Storage export, {@code {"scope": int, "merge_time": long,
 * "merge_server_time": long, "amplitude_id": long, "merged_amplitude_id": long}} (times in epoch milliseconds), to
 * a row of the Merge IDs table. Pure: no I/O. A record without both IDs as 64-bit integers is malformed (the caller
 * counts it against maxBadRecords); other values that do not fit their column, and unknown keys, go into the extra
 * JSON column, as the events mapper does. Messages name keys and positions, never the record's values.
 */
public final class MergeIdMapper {
  /** BigQuery's TIMESTAMP range: 0001-01-01 to 9999-12-31 23:59:59.999999 UTC. */
  private static final long MIN_MILLIS = Instant.parse("0001-01-01T00:00:00Z").toEpochMilli();
  private static final long MAX_MILLIS = Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli();
  private static final Set<String> REQUIRED = Set.of("amplitude_id", "merged_amplitude_id");

  private final ObjectMapper mapper = new ObjectMapper();
  private final EventSchema schema;
  private final Map<String, EventSchema.Column> sourceColumns;

  public MergeIdMapper(EventSchema schema) {
    this.schema = schema;
    this.sourceColumns = schema.sourceColumns();
  }

  public MergeIdMapper() {
    this(MergeIdSchema.v1());
  }

  /** The row; its hour is merge_server_time's hour inside the window (the window's start when it is missing). */
  public MappedEvent map(String line, ExportWindow window) throws MalformedEventException {
    JsonNode record;
    try {
      record = mapper.readTree(line);
    } catch (JsonProcessingException e) {
      // the parser's message quotes the offending text; only the position is reported
      throw new MalformedEventException("merge record is not valid JSON", e.getLocation().getColumnNr());
    }
    if (record == null || !record.isObject()) {
      throw new MalformedEventException("merge record is not a JSON object");
    }
    ObjectNode row = mapper.createObjectNode();
    ObjectNode extra = mapper.createObjectNode();
    Set<String> unknownKeys = new LinkedHashSet<>();
    int valuesInExtra = 0;
    Instant serverTime = null;
    for (Iterator<Map.Entry<String, JsonNode>> it = record.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      EventSchema.Column column = sourceColumns.get(field.getKey());
      JsonNode value = field.getValue();
      if (column == null) {
        unknownKeys.add(field.getKey());
        extra.set(field.getKey(), value);
        continue;
      }
      if (value.isNull()) {
        continue;
      }
      Long number = int64(value);
      boolean timestamp = column.type().equals("TIMESTAMP");
      if (number == null || timestamp && (number < MIN_MILLIS || number > MAX_MILLIS)) {
        extra.set(field.getKey(), value);
        valuesInExtra++;
        continue;
      }
      if (timestamp) {
        Instant instant = Instant.ofEpochMilli(number);
        row.put(column.name(), EventMapper.OUTPUT_TIME.format(instant));
        if (column.name().equals("merge_server_time")) {
          serverTime = instant;
        }
      } else {
        row.put(column.name(), number);
      }
    }
    for (String required : REQUIRED) {
      if (!row.has(required)) {
        throw new MalformedEventException("merge record has no " + required + " that is a 64-bit integer");
      }
    }
    if (!extra.isEmpty()) {
      row.set(schema.extraColumn(), extra);
    }
    Instant hour = window.clampedHour(serverTime);
    row.put(schema.hourColumn(), EventMapper.OUTPUT_TIME.format(hour));
    try {
      return new MappedEvent(mapper.writeValueAsBytes(row), hour, serverTime, unknownKeys, 0, valuesInExtra);
    } catch (JsonProcessingException e) {
      throw new MalformedEventException("cannot write the merge row");
    }
  }

  /** An integral JSON number or numeric string within INT64, else null. */
  private static Long int64(JsonNode value) {
    BigInteger integer;
    if (value.isIntegralNumber()) {
      integer = value.bigIntegerValue();
    } else if (value.isTextual() && value.asText().trim().matches("-?\\d{1,20}")) {
      integer = new BigInteger(value.asText().trim());
    } else {
      return null;
    }
    boolean fits = integer.compareTo(EventMapper.MIN_LONG) >= 0 && integer.compareTo(EventMapper.MAX_LONG) <= 0;
    return fits ? integer.longValue() : null;
  }
}
