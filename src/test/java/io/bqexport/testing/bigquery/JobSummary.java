package io.bqexport.testing.bigquery;

/** A job as tests inspect it: type is LOAD or QUERY, state PENDING, RUNNING or DONE, error fields null on success. */
public record JobSummary(String project, String jobId, String type, String state, String errorReason,
    String errorMessage) {}
