package io.bqexport.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** Desired state of a BigQueryBackfill: export a historical range of an existing BigQueryExport. */
@ValidationRule(value = "timestamp(self.start) < timestamp(self.end)",
    message = "spec.start must be before spec.end", reason = "FieldValueInvalid")
@ValidationRule(value = "self.start == oldSelf.start && self.end == oldSelf.end",
    message = "spec.start and spec.end are immutable; create a new BigQueryBackfill for another range",
    reason = "FieldValueForbidden")
public record BigQueryBackfillSpec(
    @Required
    @JsonPropertyDescription("The BigQueryExport (same namespace) whose source, destination and credentials are used.")
    ExportRef exportRef,
    @Required @Pattern(ApiPatterns.HOUR) @Size(max = 20)
    @JsonPropertyDescription("First hour of the range, inclusive (RFC 3339, UTC, whole hour). Immutable.")
    String start,
    @Required @Pattern(ApiPatterns.HOUR) @Size(max = 20)
    @JsonPropertyDescription("End of the range, exclusive (RFC 3339, UTC, whole hour), no later than now minus the"
        + " export's availabilityDelay. Immutable.")
    String end,
    @Default("FillGaps")
    @JsonPropertyDescription("FillGaps exports only hours missing from the ledger; Replace re-exports every hour and"
        + " replaces its rows. Default FillGaps. With an export of delivery TransferService, FillGaps starts transfer"
        + " runs for the hours without a succeeded or running run, and Replace is refused (the Transfer Service only"
        + " appends).")
    BackfillMode mode,
    @Default("24") @Min(1) @Max(168)
    @JsonPropertyDescription("Hours per chunk (1-168): one Export API request, one load job and one commit each."
        + " Default 24.")
    Integer chunkHours,
    @Default("2") @Min(1) @Max(4)
    @JsonPropertyDescription("Chunks exported at once (1-4): Amplitude allows about 5 concurrent Export API requests"
        + " per project, and the hourly export needs one. Default 2.")
    Integer parallelism,
    @Default("false")
    @JsonPropertyDescription("Pause the backfill: running chunks stop and resume later. Committed chunks stay. With"
        + " delivery TransferService it holds back the start of the transfer runs only.")
    Boolean suspend) {

  public BigQueryBackfillSpec {
    mode = mode == null ? BackfillMode.FillGaps : mode;
    chunkHours = chunkHours == null ? 24 : chunkHours;
    parallelism = parallelism == null ? 2 : parallelism;
    suspend = suspend != null && suspend;
  }
}
