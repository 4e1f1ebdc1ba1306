package io.bqexport.bigquery;

import java.time.Instant;

/**
 * What the integrity re-check needs of one ledger row: the hour, its counts, its generation and whether it was
 * verified.
 *
 * @param sourceLines null in rows committed before the column existed
 * @param verifiedAt null until the re-check confirms or repairs the hour
 * @param recheckFailedAt when the re-check last re-read this generation and could not verify it; null: never
 */
public record LedgerHour(Instant hour, long rowCount, Long sourceLines, long generation, Instant verifiedAt,
    Instant recheckFailedAt) {

  public LedgerHour(Instant hour, long rowCount, Long sourceLines, long generation, Instant verifiedAt) {
    this(hour, rowCount, sourceLines, generation, verifiedAt, null);
  }

  /**
   * The count a re-read of the source must match: the source lines recorded at commit, or, for rows committed
   * before they were recorded, the row count (equal unless lines were skipped as bad or filtered out; then the hour
   * is replaced once, harmlessly, and records its source lines from then on).
   */
  public long expectedSourceLines() {
    return sourceLines != null ? sourceLines : rowCount;
  }

  public boolean verified() {
    return verifiedAt != null;
  }
}
