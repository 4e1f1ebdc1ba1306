package io.bqexport.api.v1alpha1;

/** Who moves the events into BigQuery. */
public enum Delivery {
  /** The operator's exporter pods stream each hour into BigQuery, exactly once (the ledger protocol). */
  Direct,
  /**
   * The BigQuery Data Transfer Service loads Amplitude's Cloud Storage export on its own schedule; the operator
   * declares the transfer configs and mirrors their runs. At least once: {@code deduplicated_<table>} is exact.
   */
  TransferService
}
