package io.bqexport.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Which data sets are exported. Merged IDs are planned with the storage source. */
public record DataSpec(
    @JsonPropertyDescription("The events table.")
    EventsSpec events) {

  public DataSpec {
    events = events == null ? new EventsSpec(null, null) : events;
  }
}
