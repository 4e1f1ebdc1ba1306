package io.bqexport.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** How far a backfill has come. */
public record BackfillProgress(
    @JsonPropertyDescription("Hours in the range.")
    Long hoursTotal,
    @JsonPropertyDescription("Hours committed or found already committed.")
    Long hoursDone,
    @JsonPropertyDescription("Hours in chunks that failed for good.")
    Long hoursFailed,
    @JsonPropertyDescription("Rows committed by this backfill.")
    Long rows,
    @JsonPropertyDescription("hoursDone as a percentage of hoursTotal, e.g. 42%.")
    String percent) {}
