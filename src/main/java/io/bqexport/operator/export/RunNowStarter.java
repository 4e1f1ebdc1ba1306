package io.bqexport.operator.export;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.operator.ChildApplier;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Optional;

/**
 * Starts the run-now Job of a pending nonce ({@link RunNow}), owned as the CronJob is, so it goes with the export. A
 * Job of that name already there that the export controls was created by an earlier attempt of this reconcile: the
 * nonce counts as handled. One it does not control (another's, whose name is predictable from the nonce, or the
 * Job of a deleted export of the same name not yet collected) is a NameConflict, not a run: the nonce stays pending.
 */
final class RunNowStarter {
  private final KubernetesClient client;

  RunNowStarter(KubernetesClient client) {
    this.client = client;
  }

  /** @return the nonce handled now, if the export asked for a run-now it had not had yet */
  Optional<String> start(BigQueryExport export, CronJob cronJob) {
    Optional<String> nonce = RunNow.pending(export);
    nonce.ifPresent(n -> {
      Job job = RunNow.job(export, cronJob, n);
      job.getMetadata().setOwnerReferences(cronJob.getMetadata().getOwnerReferences());
      try {
        client.resource(job).create();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
        Job existing = client.resource(job).get();
        if (existing != null) {
          ChildApplier.requireControlledBy(export, existing);
        }
      }
    });
    return nonce;
  }
}
