package io.bqexport.bigquery;

/** Points of the commit protocol, reported to a {@link CommitObserver} (tests inject crashes there). */
public enum CommitStep {
  /** The staging table exists and the upload into it is about to start. */
  BEFORE_LOAD,
  /** At least one chunk of the upload has been sent, the load job is not created yet. */
  MID_UPLOAD,
  /** The load job into staging finished successfully; nothing is in the events table. */
  AFTER_LOAD,
  /** The commit transaction is about to be sent (again, after an abort). */
  BEFORE_TRANSACTION,
  /** The transaction committed; the staging table is not dropped yet. */
  AFTER_TRANSACTION
}
