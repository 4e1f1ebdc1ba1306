package io.bqexport.bigquery;

import java.time.Instant;

/**
 * One ledger row: the hour of a table committed by a window's load job. bytes and sourceFiles are null on rows
 * recovered after a crash between the load and the ledger write (counted from the table instead of the stream).
 */
public record LedgerEntry(
    String table,
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
    Instant maxEventTime) {}
