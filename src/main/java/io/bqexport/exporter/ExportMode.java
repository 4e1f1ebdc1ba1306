package io.bqexport.exporter;

/** FillGaps exports only hours missing from the ledger; Replace re-exports and replaces every hour of the window. */
public enum ExportMode {
  FillGaps,
  Replace
}
