package io.bqexport.api.v1alpha1;

/** How a backfill treats hours that are already committed. */
public enum BackfillMode {
  /** Export only the hours missing from the ledger. */
  FillGaps,
  /** Re-export every hour of the range and replace what is there (generation + 1). */
  Replace
}
