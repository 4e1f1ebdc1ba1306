package io.bqexport.operator.export;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Informer stores for an export's children that keep only the fields the operator reads, packed
 * ({@link PackedItemStore}). A cached Job or Pod in full costs 10 to 12 KiB of heap, mostly the pod template or spec
 * and managedFields, which nothing reads; even pruned but held as Java maps it costs 2 to 4 KiB (a CronJob 13 KiB):
 * with run history for 10,000 exports that alone exceeds the chart's memory limit (bench/RESULTS.md). Kept per kind:
 * <ul>
 *   <li>every kind: uid, labels (the export label maps a child back), ownerReferences (control checks, a Pod's
 *       Job), creationTimestamp (the latest Pod of a Job);</li>
 *   <li>ConfigMap and CronJob: annotations, data or spec ({@code ChildApplier} diffs them for hand edits, and a
 *       run-now Job copies the CronJob's template);</li>
 *   <li>Job: status start and completion times and conditions ({@link RunHistory}), and its count of failed Pods
 *       (a retrying Job's failed attempt has left the Pod cache: {@link FinishedRuns});</li>
 *   <li>Pod: status reason and container statuses (termination message, waiting and terminated reasons).</li>
 * </ul>
 */
final class ExportChildStores {
  private static final List<String> METADATA = List.of("metadata.uid", "metadata.labels", "metadata.ownerReferences",
      "metadata.creationTimestamp");
  private static final Map<Class<?>, List<String>> KEPT = Map.of(
      ConfigMap.class, List.of("metadata.annotations", "data", "binaryData"),
      CronJob.class, List.of("metadata.annotations", "spec"),
      Job.class, List.of("status.startTime", "status.completionTime", "status.conditions", "status.failed"),
      Pod.class, List.of("status.reason", "status.containerStatuses"));

  private ExportChildStores() {}

  /** A store keeping the fields above of {@code type}, one of the export's four child kinds. */
  static <R extends HasMetadata> PackedItemStore<R> of(Class<R> type, KubernetesSerialization serialization) {
    return new PackedItemStore<>(type, serialization, fields(type), ChildDictionaries.sample(type),
        ExportChildStores::dropUnread);
  }

  /**
   * Clears what no event handler reads once the store holds it: managedFields and the body (spec, status, data).
   * JOSDK maps a child by its labels and name and reads its annotations; the reconciler reads children from the
   * store.
   */
  static void dropUnread(HasMetadata child) {
    child.getMetadata().setManagedFields(null);
    if (child instanceof Job job) {
      job.setSpec(null);
      job.setStatus(null);
    } else if (child instanceof Pod pod) {
      pod.setSpec(null);
      pod.setStatus(null);
    } else if (child instanceof CronJob cronJob) {
      cronJob.setSpec(null);
      cronJob.setStatus(null);
    } else if (child instanceof ConfigMap configMap) {
      configMap.setData(null);
      configMap.setBinaryData(null);
    }
  }

  /** The dotted paths kept of {@code type}. */
  static List<String> fields(Class<?> type) {
    List<String> kept = KEPT.get(type);
    if (kept == null) {
      throw new IllegalArgumentException("no pruned store for " + type.getSimpleName());
    }
    return Stream.concat(METADATA.stream(), kept.stream()).toList();
  }
}
