package io.bqexport.bigquery;

import com.google.cloud.bigquery.Field;
import com.google.cloud.bigquery.Schema;
import com.google.cloud.bigquery.StandardSQLTypeName;
import com.google.cloud.bigquery.Table;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Adopting a table that Amplitude's own BigQuery export created: its numeric columns (amplitude_id, session_id,
 * sample_rate, ...) are NUMERIC or BIGNUMERIC where bqexport writes INT64 or FLOAT64. Such a column is accepted,
 * and staging tables take the target's type, so the load job parses the row's JSON number straight into the decimal
 * column ("NUMERIC and BIGNUMERIC values can be loaded from JSON numbers or strings",
 * https://cloud.google.com/bigquery/docs/loading-data-cloud-storage-json#details_of_loading_json_data) and the
 * commit's INSERT copies decimals into decimals, with no FLOAT64 conversion on the way. INT64 values are exact;
 * FLOAT64 values are written as the shortest decimal that reads back as the same double, so a source value with up
 * to 15 significant digits lands exactly.
 */
public final class AdoptedTypes {

  private static final Set<StandardSQLTypeName> WRITTEN = Set.of(StandardSQLTypeName.INT64,
      StandardSQLTypeName.FLOAT64);
  private static final Set<StandardSQLTypeName> DECIMAL = Set.of(StandardSQLTypeName.NUMERIC,
      StandardSQLTypeName.BIGNUMERIC);

  private AdoptedTypes() {}

  /** True when an existing column of type {@code existing} takes the values bqexport writes as {@code written}. */
  public static boolean accepts(StandardSQLTypeName existing, StandardSQLTypeName written) {
    return existing == written || WRITTEN.contains(written) && DECIMAL.contains(existing);
  }

  /** Our schema, with the target's type for every column the target holds as a decimal; ours when no target. */
  public static Schema stagingSchema(Schema ours, Table target) {
    Schema existing = target == null ? null : target.getDefinition().getSchema();
    if (existing == null) {
      return ours;
    }
    Map<String, Field> byName = existing.getFields().stream()
        .collect(Collectors.toMap(f -> f.getName().toLowerCase(), Function.identity(), (a, b) -> a));
    List<Field> fields = new ArrayList<>();
    for (Field field : ours.getFields()) {
      Field present = byName.get(field.getName().toLowerCase());
      StandardSQLTypeName type = present == null ? null : present.getType().getStandardType();
      boolean adopt = type != null && type != field.getType().getStandardType()
          && accepts(type, field.getType().getStandardType());
      fields.add(adopt ? field.toBuilder().setType(type).build() : field);
    }
    return Schema.of(fields);
  }
}
