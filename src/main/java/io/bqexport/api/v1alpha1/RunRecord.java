package io.bqexport.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One export run (a Job), from the Job's state and the exporter's termination message. */
public record RunRecord(
    @JsonPropertyDescription("Name of the Job.")
    String job,
    @JsonPropertyDescription("How the run was started: Scheduled, RunNow or Manual.")
    String trigger,
    @JsonPropertyDescription("When the Job started.")
    String startTime,
    @JsonPropertyDescription("When the Job finished.")
    String completionTime,
    @JsonPropertyDescription("Running, Succeeded or Failed.")
    String result,
    @JsonPropertyDescription("Hours committed by the run.")
    Long hours,
    @JsonPropertyDescription("Rows committed by the run.")
    Long rows,
    @JsonPropertyDescription("Committed hour ranges, e.g. 2026-11-28T10:00:00Z/2026-11-28T13:00:00Z.")
    String committed,
    @JsonPropertyDescription("Why the run failed (a reason such as AmplitudeAuthFailed or OOMKilled).")
    String reason,
    @JsonPropertyDescription("What happened, in words.")
    String message,
    @JsonPropertyDescription("Events left out by spec.data.events.filter; unset when none.")
    Long filteredEvents,
    @JsonPropertyDescription("Merged-ID rows committed to the Merge IDs table; unset when none.")
    Long mergeIdRows) {

  /** A run without filtered events or merged IDs. */
  public RunRecord(String job, String trigger, String startTime, String completionTime, String result, Long hours,
      Long rows, String committed, String reason, String message) {
    this(job, trigger, startTime, completionTime, result, hours, rows, committed, reason, message, null, null);
  }
}
