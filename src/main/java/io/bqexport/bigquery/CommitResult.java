package io.bqexport.bigquery;

import io.bqexport.ExportWindow;
import java.util.List;

/**
 * A committed window.
 *
 * @param entries the ledger rows this commit wrote, one per hour; hours another commit had written are absent
 * @param replaced true for a Replace (rows and ledger rows swapped, generation + 1)
 */
public record CommitResult(ExportWindow window, List<LedgerEntry> entries, String jobId, boolean replaced) {

  public long rows() {
    return entries.stream().mapToLong(LedgerEntry::rowCount).sum();
  }

  public long hours() {
    return entries.size();
  }

  public long bytes() {
    return entries.stream().mapToLong(e -> e.bytes() == null ? 0 : e.bytes()).sum();
  }
}
