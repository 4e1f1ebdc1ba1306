package io.bqexport.bigquery;

import java.time.Instant;

/**
 * One ledger row: an hour of a table committed for one source. {@code verified} is false for an hour committed
 * empty because Amplitude answered 404 (the integrity re-check verifies it later), null when not checked yet.
 * {@code filter} is the events filter the hour was committed with (canonical JSON), null when none.
 */
public record LedgerEntry(
    String table,
    String source,
    Instant hour,
    Instant windowStart,
    Instant windowEnd,
    long rowCount,
    Long bytes,
    Long sourceFiles,
    String jobId,
    long generation,
    Instant committedAt,
    String exporterVersion,
    Instant minEventTime,
    Instant maxEventTime,
    Boolean verified,
    String filter) {}
