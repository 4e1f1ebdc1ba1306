package io.bqexport.bigquery;

import java.time.Instant;
import java.util.Set;

/**
 * One event as a BigQuery NDJSON row (UTF-8, without the newline), with what the ledger and the summary need.
 *
 * @param hour the export hour the row is committed with
 * @param unknownKeys top-level keys that are not in the schema (schema drift)
 * @param replacedSurrogates lone surrogates replaced by U+FFFD in this row
 * @param valuesInExtra values of schema columns kept in {@code extra} because they do not fit their column's type
 */
public record MappedEvent(byte[] row, Instant hour, Instant eventTime, Set<String> unknownKeys,
    int replacedSurrogates, int valuesInExtra) {}
