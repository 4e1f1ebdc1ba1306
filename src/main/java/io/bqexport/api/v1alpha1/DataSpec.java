package io.bqexport.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Which tables are exported: events, and merged IDs (storage source only). */
public record DataSpec(
    @JsonPropertyDescription("The events table.")
    EventsSpec events,
    @JsonPropertyDescription("The Merge IDs table (storage source only).")
    MergeIdsSpec mergeIds) {

  public DataSpec {
    events = events == null ? new EventsSpec(null, null) : events;
    mergeIds = mergeIds == null ? new MergeIdsSpec(null, null) : mergeIds;
  }

  /** Events only. */
  public DataSpec(EventsSpec events) {
    this(events, null);
  }
}
