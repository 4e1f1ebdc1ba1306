package io.bqexport.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** Observed state of a BigQueryBackfill. Written by the operator only. */
public record BigQueryBackfillStatus(
    @JsonPropertyDescription("The spec generation this status describes.")
    Long observedGeneration,
    @JsonPropertyDescription("Pending, Running, Suspended, Succeeded or Failed.")
    String phase,
    @JsonPropertyDescription("Ready, Complete, Failed, Reconciling and Stalled.")
    List<Condition> conditions,
    @JsonPropertyDescription("Hours and rows done so far.")
    BackfillProgress progress,
    @JsonPropertyDescription("Chunks that failed, with their reasons.")
    List<FailedChunk> failedChunks,
    @JsonPropertyDescription("The range as it was when the backfill started, start/end; the range cannot change after.")
    String startedRange,
    @JsonPropertyDescription("Name of the Indexed Job.")
    String job,
    @JsonPropertyDescription("When the backfill started.")
    String startTime,
    @JsonPropertyDescription("When the backfill finished.")
    String completionTime,
    @JsonPropertyDescription("With an export of delivery TransferService: the transfer configs whose manual runs over"
        + " the range this backfill started. Recorded once started, so runs are never started twice.")
    List<String> transferConfigs) {

  /** A status without transfer configs (an export of delivery Direct). */
  public BigQueryBackfillStatus(Long observedGeneration, String phase, List<Condition> conditions,
      BackfillProgress progress, List<FailedChunk> failedChunks, String startedRange, String job, String startTime,
      String completionTime) {
    this(observedGeneration, phase, conditions, progress, failedChunks, startedRange, job, startTime, completionTime,
        null);
  }
}
