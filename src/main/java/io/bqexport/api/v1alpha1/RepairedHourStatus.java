package io.bqexport.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** An hour the integrity re-check replaced because the source's count of it changed after it was committed. */
public record RepairedHourStatus(
    @JsonPropertyDescription("The hour, e.g. 2026-11-28T13:00:00Z.")
    String hour,
    @JsonPropertyDescription("Events (lines) the source had for the hour when it was committed, as the ledger"
        + " recorded.")
    Long before,
    @JsonPropertyDescription("Events (lines) the source has for the hour now; the table holds them since the repair.")
    Long after,
    @JsonPropertyDescription("When the hour was replaced.")
    String at) {}
