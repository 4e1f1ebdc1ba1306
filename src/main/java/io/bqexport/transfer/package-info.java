/**
 * Transfer Service delivery: the BigQuery Data Transfer Service loads Amplitude's Cloud Storage export into
 * BigQuery on its own schedule, and bqexport only declares the transfer configs and reports on their runs. No event
 * bytes pass through the cluster.
 *
 * <ul>
 *   <li>{@link io.bqexport.transfer.TransferConfigSpec}: the desired config of one table (events, or merged IDs),
 *       derived from an export's storage source, destination and schedule by its {@code Builder}; pure.</li>
 *   <li>{@link io.bqexport.transfer.TransferSchedule}: which export crons map to a Transfer Service schedule, and
 *       which hour a run loads; pure.</li>
 *   <li>{@link io.bqexport.transfer.TransferConfigDrift}: desired against actual, ignoring the fields the service
 *       sets, as an update mask; pure.</li>
 *   <li>{@link io.bqexport.transfer.TransferConfigSync}: creates, updates (by the drift's mask), re-creates and
 *       deletes an export's configs, found by their display name; the operator's reconcile and finalizer step.</li>
 *   <li>{@link io.bqexport.transfer.TransferRunHistory}: transfer runs as status.runs records, and how far the latest
 *       successful run loaded (for DataFresh); pure.</li>
 *   <li>{@link io.bqexport.transfer.TransferClient}: the edge, a thin wrapper over the generated
 *       {@code DataTransferServiceClient} whose errors become a {@link io.bqexport.transfer.TransferFailure} with an
 *       actionable message ({@code TransferServiceDisabled}, {@code TransferPermissionDenied} naming
 *       {@code bigquery.transfers.get} or {@code .update}, ...).</li>
 * </ul>
 *
 * Semantics, per the Transfer Service's Cloud Storage documentation: loads append; keys that are not columns (such
 * as {@code $insert_id}) are dropped by {@code ignore_unknown_values}; a file whose last modification time changes
 * is loaded again, so delivery is at least once and {@code deduplicated_<table>} gives the exact view. Direct
 * delivery stays the exactly-once mode. The package depends on {@code storage} (Amplitude's layout) and
 * {@code exporter} (the shared config records) and {@code api} (RunRecord) only.
 */
package io.bqexport.transfer;
