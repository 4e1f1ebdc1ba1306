package io.bqexport.bigquery;

/** Points of the commit protocol, reported to a {@link CommitObserver} (tests inject crashes there). */
public enum CommitStep {
  /** The load job id is chosen and the upload is about to start. */
  BEFORE_LOAD,
  /** At least one chunk of the upload has been sent, the load job is not created yet. */
  MID_UPLOAD,
  /** The load job finished successfully; the ledger rows are not written yet. */
  AFTER_LOAD,
  /** Replace: the staging table is loaded; the transaction has not started. */
  BEFORE_TRANSACTION,
  /** Replace: the transaction committed; the staging table is not dropped yet. */
  AFTER_TRANSACTION
}
