package io.bqexport.bigquery;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.bigquery.Field;
import com.google.cloud.bigquery.Schema;
import com.google.cloud.bigquery.StandardSQLTypeName;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The versioned events-table schema, read from {@code bigquery/events-schema-v1.json}. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record EventSchema(
    int version,
    String partitionColumn,
    List<String> clustering,
    String extraColumn,
    String hourColumn,
    List<Column> columns) {

  public static final String RESOURCE = "/bigquery/events-schema-v1.json";
  /** Filled by the commit transaction (not the mapper): which source committed the row. */
  public static final String SOURCE_COLUMN = "bqexport_source";
  private static final EventSchema V1 = load(RESOURCE);

  /** One column. source is the Amplitude key when it differs from the name; generated columns have no source. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Column(String name, String source, String type, String description, boolean generated) {

    public String sourceKey() {
      return source == null ? name : source;
    }

    public StandardSQLTypeName sqlType() {
      return StandardSQLTypeName.valueOf(type);
    }
  }

  public static EventSchema v1() {
    return V1;
  }

  static EventSchema load(String resource) {
    try (InputStream in = EventSchema.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("schema resource missing from the jar: " + resource);
      }
      return new ObjectMapper().readValue(in, EventSchema.class);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read schema resource " + resource, e);
    }
  }

  /** Columns filled from an Amplitude key, by that key. */
  public Map<String, Column> sourceColumns() {
    return columns.stream().filter(c -> !c.generated())
        .collect(Collectors.toUnmodifiableMap(Column::sourceKey, Function.identity()));
  }

  /** The BigQuery schema; every column is nullable so that evolution only ever adds columns. */
  public Schema toBigQuerySchema() {
    return Schema.of(columns.stream()
        .map(c -> Field.newBuilder(c.name(), c.sqlType()).setMode(Field.Mode.NULLABLE)
            .setDescription(c.description()).build())
        .toList());
  }
}
