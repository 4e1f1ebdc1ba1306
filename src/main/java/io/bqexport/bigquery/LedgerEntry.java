package io.bqexport.bigquery;

import java.time.Instant;

/**
 * One ledger row: an hour of a table committed for one source. {@code verified} is false for an hour committed
 * empty because Amplitude answered 404, null when not checked yet, true once the integrity re-check confirmed or
 * repaired it (at {@code verifiedAt}). {@code sourceLines} counts the source's lines of the hour, bad and filtered
 * ones included (null in rows written before the column existed); {@code sourceLinesBeforeRepair} is what the ledger
 * held before the re-check replaced the hour (null when it never did).
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
    Long sourceLines,
    Instant verifiedAt,
    Long sourceLinesBeforeRepair) {}
