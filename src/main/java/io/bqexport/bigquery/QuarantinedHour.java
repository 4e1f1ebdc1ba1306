package io.bqexport.bigquery;

import java.time.Instant;

/** An hour that failed the same permanent way in consecutive runs: skipped by recurring runs until retried. */
public record QuarantinedHour(Instant hour, String reason, String message, long failures, Instant since) {}
