package io.bqexport.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** An hour the integrity re-check replaced because the source's count of it changed after it was committed. */
public record RepairedHourStatus(
    @JsonPropertyDescription("The hour, e.g. 2026-11-28T13:00:00Z.")
    String hour,
    @JsonPropertyDescription("Rows the table held for the hour before (the ledger's count).")
    Long before,
    @JsonPropertyDescription("Rows the source has for the hour now, and the table holds since the repair.")
    Long after,
    @JsonPropertyDescription("When the hour was replaced.")
    String at) {}
