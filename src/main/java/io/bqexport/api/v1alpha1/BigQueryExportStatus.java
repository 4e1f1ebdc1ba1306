package io.bqexport.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** Observed state of a BigQueryExport. Written by the operator only, computed in one place from observations. */
public record BigQueryExportStatus(
    @JsonPropertyDescription("The spec generation this status describes.")
    Long observedGeneration,
    @JsonPropertyDescription("Ready, CredentialsValid, Scheduled, DataFresh, Reconciling and Stalled.")
    List<Condition> conditions,
    @JsonPropertyDescription("The validated identity, without secret material.")
    CredentialsStatus credentials,
    @JsonPropertyDescription("Every hour from startFrom up to this instant is committed.")
    String exportedThrough,
    @JsonPropertyDescription("Due hours since startFrom that are not committed yet.")
    Long missingHours,
    @JsonPropertyDescription("The latest run.")
    RunRecord lastRun,
    @JsonPropertyDescription("The latest successful run.")
    RunRecord lastSuccessfulRun,
    @JsonPropertyDescription("Recent runs, newest first, at most spec.historyLimit.")
    List<RunRecord> runs,
    @JsonPropertyDescription("Top-level event keys not in the table schema; they land in the extra JSON column.")
    List<String> schemaDrift,
    @JsonPropertyDescription("The last bqexport.io/run-now annotation value handled.")
    String lastRunNow,
    @JsonPropertyDescription("Hours skipped after failing the same permanent way in 3 consecutive runs; a run-now or"
        + " a backfill over them retries them.")
    List<QuarantinedHourStatus> quarantinedHours,
    @JsonPropertyDescription("The integrity re-check: how far committed hours are verified, and the hours repaired.")
    IntegrityStatus integrity,
    @JsonPropertyDescription("With delivery TransferService: the transfer configs that load the export.")
    TransferStatus transfer) {

  /** A status without transfer configs (delivery Direct). */
  public BigQueryExportStatus(Long observedGeneration, List<Condition> conditions, CredentialsStatus credentials,
      String exportedThrough, Long missingHours, RunRecord lastRun, RunRecord lastSuccessfulRun, List<RunRecord> runs,
      List<String> schemaDrift, String lastRunNow, List<QuarantinedHourStatus> quarantinedHours,
      IntegrityStatus integrity) {
    this(observedGeneration, conditions, credentials, exportedThrough, missingHours, lastRun, lastSuccessfulRun, runs,
        schemaDrift, lastRunNow, quarantinedHours, integrity, null);
  }
}
