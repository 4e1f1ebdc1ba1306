package io.bqexport.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** An hour that failed the same permanent way in 3 consecutive runs: skipped by scheduled runs until retried. */
public record QuarantinedHourStatus(
    @JsonPropertyDescription("The hour, e.g. 2026-11-28T04:00:00Z.")
    String hour,
    @JsonPropertyDescription("Why it failed, e.g. LoadRejected.")
    String reason,
    @JsonPropertyDescription("When it first failed this way.")
    String since,
    @JsonPropertyDescription("Consecutive runs that failed it this way.")
    Long failures) {}
