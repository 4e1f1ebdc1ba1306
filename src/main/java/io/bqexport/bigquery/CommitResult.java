package io.bqexport.bigquery;

import io.bqexport.ExportWindow;
import java.util.List;

/**
 * A committed window.
 *
 * @param entries the ledger rows written, one per hour
 * @param recovered true when a previous run had loaded the rows and this run only wrote the missing ledger rows
 */
public record CommitResult(ExportWindow window, List<LedgerEntry> entries, String jobId, boolean recovered) {

  public long rows() {
    return entries.stream().mapToLong(LedgerEntry::rowCount).sum();
  }

  public long bytes() {
    return entries.stream().mapToLong(e -> e.bytes() == null ? 0 : e.bytes()).sum();
  }
}
