package io.bqexport.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One export run (a Job), from the Job's state and the exporter's termination message. */
public record RunRecord(
    @JsonPropertyDescription("Name of the Job.")
    String job,
    @JsonPropertyDescription("The Job's pod that the figures below come from (the latest attempt).")
    String pod,
    @JsonPropertyDescription("How the run was started: Scheduled, RunNow or Manual.")
    String trigger,
    @JsonPropertyDescription("When the Job started.")
    String startTime,
    @JsonPropertyDescription("When the Job finished; with result Unknown, when the operator found its Job gone.")
    String completionTime,
    @JsonPropertyDescription("Running, Succeeded or Failed; Unknown when its Job was deleted before the operator"
        + " saw it finish (reason JobDeleted); Cancelled with delivery TransferService.")
    String result,
    @JsonPropertyDescription("Hours committed by the run.")
    Long hours,
    @JsonPropertyDescription("Rows committed by the run.")
    Long rows,
    @JsonPropertyDescription("Committed hour ranges, e.g. 2026-11-28T10:00:00Z/2026-11-28T13:00:00Z.")
    String committed,
    @JsonPropertyDescription("Committed hours the run re-checked at the source (the integrity re-check).")
    Long verifiedHours,
    @JsonPropertyDescription("Hours the run replaced because the source's count changed.")
    Long repairedHours,
    @JsonPropertyDescription("Why the run failed (a reason such as AmplitudeAuthFailed or OOMKilled).")
    String reason,
    @JsonPropertyDescription("What happened, in words.")
    String message,
    @JsonPropertyDescription("Events left out by spec.data.events.filter; unset when none.")
    Long filteredEvents,
    @JsonPropertyDescription("Merged-ID rows committed to the Merge IDs table; unset when none.")
    Long mergeIdRows) {

  /** A run without filtered events or merged IDs. */
  public RunRecord(String job, String pod, String trigger, String startTime, String completionTime, String result,
      Long hours, Long rows, String committed, Long verifiedHours, Long repairedHours, String reason,
      String message) {
    this(job, pod, trigger, startTime, completionTime, result, hours, rows, committed, verifiedHours, repairedHours,
        reason, message, null, null);
  }

  /** A run without its pod's name, integrity figures, filtered events or merged IDs. */
  public RunRecord(String job, String trigger, String startTime, String completionTime, String result, Long hours,
      Long rows, String committed, String reason, String message) {
    this(job, null, trigger, startTime, completionTime, result, hours, rows, committed, null, null, reason, message,
        null, null);
  }
}
