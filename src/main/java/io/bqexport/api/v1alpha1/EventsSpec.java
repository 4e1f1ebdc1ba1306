package io.bqexport.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/** The events table. */
public record EventsSpec(
    @Default("true")
    @JsonPropertyDescription("Export events. Default true.")
    Boolean enabled,
    @Default(DEFAULT_TABLE) @Pattern(ApiPatterns.TABLE) @Size(max = 1024)
    @JsonPropertyDescription("Name of the events table. Default events.")
    String table,
    @JsonPropertyDescription("Which event types are exported, by exact type or prefix. A change applies to hours"
        + " exported after it; committed hours keep their rows until a Replace backfill re-exports them.")
    EventFilterSpec filter) {

  public static final String DEFAULT_TABLE = "events";

  /** Every event type. */
  public EventsSpec(Boolean enabled, String table) {
    this(enabled, table, null);
  }

  public EventsSpec {
    enabled = enabled == null || enabled;
    table = table == null ? DEFAULT_TABLE : table;
  }
}
