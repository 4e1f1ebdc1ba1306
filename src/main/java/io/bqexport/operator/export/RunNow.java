package io.bqexport.operator.export;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * `kubectl annotate bqx/NAME bqexport.io/run-now=$(date +%s)` starts one Job from the CronJob's template. Each
 * nonce is handled once: status.lastRunNow records it, and the Job's name derives from it, so a retried reconcile
 * finds the Job it already created instead of starting a second one.
 */
public final class RunNow {
  public static final String ANNOTATION = "bqexport.io/run-now";
  static final String RETRY_QUARANTINED = "--retry-quarantined";

  private RunNow() {}

  /** The nonce to handle now, if the annotation carries a new one. */
  public static Optional<String> pending(BigQueryExport export) {
    Map<String, String> annotations = export.getMetadata().getAnnotations();
    String nonce = annotations == null ? null : annotations.get(ANNOTATION);
    if (nonce == null || nonce.isBlank()) {
      return Optional.empty();
    }
    String handled = export.getStatus() == null ? null : export.getStatus().lastRunNow();
    return nonce.equals(handled) ? Optional.empty() : Optional.of(nonce);
  }

  public static Job job(BigQueryExport export, CronJob cronJob, String nonce) {
    Map<String, String> labels = new HashMap<>(ExportLabels.of(export));
    labels.put(ExportLabels.TRIGGER, "RunNow");
    // A deep copy: the CronJob may be the informer's cached object, which must never change under it, and its own
    // template must not pick up the run-now's labels and arguments.
    var spec = new io.fabric8.kubernetes.api.model.batch.v1.JobSpecBuilder(
        cronJob.getSpec().getJobTemplate().getSpec()).build();
    var template = spec.getTemplate();
    template.getMetadata().setLabels(labels);
    // A run-now also retries the quarantined hours: the documented way to retry them after fixing the cause.
    for (var container : template.getSpec().getContainers()) {
      List<String> args = new ArrayList<>(container.getArgs() == null ? List.of() : container.getArgs());
      if (args.contains("export") && !args.contains(RETRY_QUARANTINED)) {
        args.add(RETRY_QUARANTINED);
      }
      container.setArgs(args);
    }
    return new JobBuilder()
        .withNewMetadata().withName(ChildNames.fit(cronJob.getMetadata().getName() + "-now-"
            + ChildNames.hash(nonce), 63)).withNamespace(export.getMetadata().getNamespace()).withLabels(labels)
        .addToAnnotations(ANNOTATION, nonce).endMetadata()
        .withSpec(spec)
        .build();
  }
}
