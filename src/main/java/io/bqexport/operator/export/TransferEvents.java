package io.bqexport.operator.export;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.api.v1alpha1.RunRecord;
import io.bqexport.exporter.RunSummary;
import io.bqexport.operator.status.EventRecorder;
import io.bqexport.transfer.TransferConfigSync;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Events of Transfer Service delivery: what the operator changed in the service (a change made outside bqexport and
 * reverted is a ManualChangeReverted warning, as for the children in the cluster), and one warning per failed run.
 */
final class TransferEvents {
  static final String CREATED = "TransferConfigCreated";
  static final String UPDATED = "TransferConfigUpdated";
  static final String DELETED = "TransferConfigDeleted";
  private static final Set<String> FAILED = Set.of(RunSummary.FAILED, "Cancelled");

  private final EventRecorder recorder;

  TransferEvents(EventRecorder recorder) {
    this.recorder = recorder;
  }

  /**
   * @param specChanged the spec changed since the status was last written: an update follows the spec; otherwise
   *     the config was edited outside bqexport
   */
  void recordChanges(BigQueryExport export, List<TransferConfigSync.Change> changes, boolean specChanged) {
    for (TransferConfigSync.Change change : changes) {
      switch (change.kind()) {
        case CREATED -> recorder.normal(export, CREATED, change.name(), "Created transfer config " + change.name()
            + ".");
        case DELETED -> recorder.normal(export, DELETED, change.name(), "Deleted transfer config " + change.name()
            + ", no longer in the spec.");
        case ORPHANED -> recordOrphaned(recorder, export, change);
        case UPDATED, RECREATED -> {
          String what = (change.kind() == TransferConfigSync.Change.Kind.RECREATED ? "Re-created" : "Updated")
              + " transfer config " + change.name() + ": " + String.join("; ", change.differences());
          if (specChanged) {
            recorder.normal(export, UPDATED, what + ".");
          } else {
            recorder.warning(export, Reasons.MANUAL_CHANGE_REVERTED, what + ". It was changed outside bqexport;"
                + " change spec instead.");
          }
        }
        default -> throw new IllegalStateException("unknown change " + change.kind());
      }
    }
  }

  /** A config of an earlier spec.destination that the credentials can no longer delete. */
  static void recordOrphaned(EventRecorder recorder, BigQueryExport export, TransferConfigSync.Change change) {
    recorder.warning(export, TransferFinalizer.ORPHANED, change.name(), "Transfer config " + change.name()
        + " of an earlier spec.destination could not be deleted: " + String.join("; ", change.differences())
        + ". It keeps loading into BigQuery: delete it in the BigQuery console (Data transfers) or with"
        + " `bq rm --transfer_config " + change.name() + "`.");
  }

  /** One warning per run that newly shows as failed or cancelled. */
  void recordFailedRuns(BigQueryExport export, List<RunRecord> before, List<RunRecord> after) {
    if (after == null) {
      return;
    }
    Set<String> known = before == null ? Set.of() : before.stream().filter(r -> FAILED.contains(r.result()))
        .map(RunRecord::job).collect(Collectors.toSet());
    after.stream().filter(r -> FAILED.contains(r.result()) && !known.contains(r.job())).forEach(r ->
        recorder.warning(export, Reasons.TRANSFER_RUN_FAILED, r.job(), "Transfer run " + r.job() + " "
            + r.result().toLowerCase(java.util.Locale.ROOT) + ": " + Objects.toString(r.message(), "no message")));
  }
}
