package io.bqexport.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** What the integrity re-check has found, accumulated over the runs. */
public record IntegrityStatus(
    @JsonPropertyDescription("Every hour from the first committed one within spec.integrity.lookback up to this"
        + " instant is committed and re-checked at the source.")
    String verifiedThrough,
    @JsonPropertyDescription("Hours re-checked at the source since the export was created (or this status was"
        + " first written).")
    Long hoursVerified,
    @JsonPropertyDescription("Hours repaired since the export was created (or this status was first written).")
    Long hoursRepaired,
    @JsonPropertyDescription("The most recent repairs, newest first, at most 10.")
    List<RepairedHourStatus> lastRepairs,
    @JsonPropertyDescription("When the latest run that re-checked hours finished.")
    String lastVerifiedAt) {}
