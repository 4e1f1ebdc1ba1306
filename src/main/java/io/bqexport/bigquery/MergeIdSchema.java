package io.bqexport.bigquery;

/**
 * The versioned Merge IDs table schema, read from {@code bigquery/merge-ids-schema-v1.json}. It has the events
 * schema's shape (columns, partitioning, extra and hour columns), so it loads as an {@link EventSchema} and gives
 * TableManager the same {@code toBigQuerySchema()}.
 */
public final class MergeIdSchema {
  public static final String RESOURCE = "/bigquery/merge-ids-schema-v1.json";
  private static final EventSchema V1 = EventSchema.load(RESOURCE);

  private MergeIdSchema() {
  }

  public static EventSchema v1() {
    return V1;
  }
}
