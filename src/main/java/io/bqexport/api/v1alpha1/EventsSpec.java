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
    String table) {

  public static final String DEFAULT_TABLE = "events";

  public EventsSpec {
    enabled = enabled == null || enabled;
    table = table == null ? DEFAULT_TABLE : table;
  }
}
