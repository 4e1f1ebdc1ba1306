package io.bqexport.operator.export;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.TransferConfigStatus;
import io.bqexport.operator.status.EventRecorder;
import io.fabric8.kubernetes.api.model.Secret;
import io.bqexport.transfer.TransferConfigSpec;
import io.bqexport.transfer.TransferConfigSync;
import io.bqexport.transfer.TransferFailure;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The finalizer {@value #NAME}: an export in TransferService mode holds it from before its first config is created,
 * and lets go once its configs are deleted (the export is deleted, or switched back to Direct). The configs live in
 * Google Cloud, where Kubernetes garbage collection cannot reach them.
 *
 * <p>Deletion never hangs on credentials that are gone: without a usable key (Secret deleted, key revoked, permission
 * removed, API disabled) the configs cannot be deleted by anyone using them, so the finalizer is released at once
 * with a Warning Event naming the configs left behind. Only a transient failure (the service unavailable, a quota)
 * is retried, for at most {@link #GIVE_UP_AFTER} after the deletion was requested.
 */
final class TransferFinalizer {
  static final String NAME = "bqexport.io/transfer-configs";
  static final Duration GIVE_UP_AFTER = Duration.ofMinutes(30);
  static final Duration RETRY = Duration.ofMinutes(1);
  static final String DELETED = "TransferConfigsDeleted";
  static final String ORPHANED = "TransferConfigsOrphaned";

  private final TransferDelivery delivery;
  private final ExportSecrets secrets;
  private final EventRecorder recorder;

  TransferFinalizer(TransferDelivery delivery, ExportSecrets secrets, EventRecorder recorder) {
    this.delivery = delivery;
    this.secrets = secrets;
    this.recorder = recorder;
  }

  /** The export with the finalizer, added when missing (before any config is created). */
  BigQueryExport hold(BigQueryExport export, io.fabric8.kubernetes.client.KubernetesClient client) {
    return export.hasFinalizer(NAME) ? export : PrimaryUpdateAndCacheUtils.addFinalizer(client, export, NAME);
  }

  /**
   * Deletes the export's configs and removes the finalizer.
   *
   * @param labelled the names of the labelled Secrets the operator sees
   * @return the export without the finalizer, or empty when a transient failure is to be retried after {@link #RETRY}
   */
  Optional<BigQueryExport> release(BigQueryExport export, Collection<Secret> labelled,
      io.fabric8.kubernetes.client.KubernetesClient client, Instant now) {
    ExportSecrets.Observation seen = secrets.observe(export, labelled);
    if (!seen.ok()) {
      orphaned(export, "the credentials are unusable (" + seen.problem().message() + ")");
    } else {
      String parent = TransferDelivery.parent(export, seen);
      try {
        List<TransferConfigSync.Change> changes = delivery.deleteAll(export, seen, parent);
        List<String> deleted = changes.stream().filter(c -> c.kind() == TransferConfigSync.Change.Kind.DELETED)
            .map(TransferConfigSync.Change::name).toList();
        changes.stream().filter(c -> c.kind() == TransferConfigSync.Change.Kind.ORPHANED)
            .forEach(c -> TransferEvents.recordOrphaned(recorder, export, c));
        recorder.normal(export, DELETED, deleted.isEmpty() ? "No transfer config of this export was left in "
            + parent + "." : "Deleted the transfer configs " + deleted + ".");
      } catch (TransferFailure e) {
        if (e.reason().isTransient() && !givenUp(export, now)) {
          return Optional.empty();
        }
        orphaned(export, e.getMessage());
      } catch (IOException e) {
        orphaned(export, "no token could be had with the credentials (" + e.getClass().getSimpleName() + ")");
      }
    }
    BigQueryExport released = PrimaryUpdateAndCacheUtils.removeFinalizer(client, export, NAME);
    if (released == null) {
      // Its last finalizer gone, a deleted export is gone too, and the patch may answer without it (fabric8's mock
      // API server does): the reconcile goes on with the export as it was, less the finalizer.
      export.removeFinalizer(NAME);
      return Optional.of(export);
    }
    return Optional.of(released);
  }

  private static boolean givenUp(BigQueryExport export, Instant now) {
    String requested = export.getMetadata().getDeletionTimestamp();
    return requested != null && !now.isBefore(Instant.parse(requested).plus(GIVE_UP_AFTER));
  }

  private void orphaned(BigQueryExport export, String why) {
    var status = export.getStatus();
    List<String> names = status == null || status.transfer() == null || status.transfer().configs() == null
        ? List.of() : status.transfer().configs().stream().map(TransferConfigStatus::name).toList();
    recorder.warning(export, ORPHANED, "The transfer configs of this export could not be deleted: " + why
        + ". " + (names.isEmpty() ? "If any exist (configs named \""
        + TransferConfigSpec.ownedPrefix(export.getMetadata().getNamespace(), export.getMetadata().getName())
        + "...\"), they keep loading into BigQuery: delete them" : "They keep loading into BigQuery: delete "
        + names) + " in the BigQuery console (Data transfers) or with `bq rm --transfer_config NAME`.");
  }
}
