package io.bqexport.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** A chunk of a backfill that failed, with the exporter's reason. */
public record FailedChunk(
    @JsonPropertyDescription("Completion index of the chunk in the Indexed Job.")
    Integer index,
    @JsonPropertyDescription("The chunk's hours, start/end.")
    String window,
    @JsonPropertyDescription("Why it failed, e.g. HourTooLarge.")
    String reason,
    @JsonPropertyDescription("What happened, in words.")
    String message) {}
