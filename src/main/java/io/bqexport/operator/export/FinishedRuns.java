package io.bqexport.operator.export;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.operator.ControllerReference;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.api.config.informer.FieldSelector;
import io.javaoperatorsdk.operator.api.config.informer.FieldSelectorBuilder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An export's runs without caching its history: the Job informer holds only Jobs not labelled
 * {@link ExportLabels#RUN_RECORDED} and the Pod informer only Pods not yet finished (field selector on
 * {@code status.phase}, which the API server supports for Pods, while Jobs support none that tells a finished one:
 * https://kubernetes.io/docs/concepts/overview/working-with-objects/field-selectors/#list-of-supported-fields).
 * A finished Job's Pods are read once (a list by its job-name label) while its record goes into status.runs; once
 * the status holds it, the Job is labelled and leaves the cache. A run that finished while the operator was down is
 * still unlabelled after the restart and recorded then. Records merge by Job name, so a crash between the status
 * write and the label records nothing twice. A Job labelled here is skipped until the informer drops it: another
 * export event can start a reconcile before the informer sees the label, and would list its Pods again.
 */
final class FinishedRuns {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FinishedRuns.class);
  /** Pods still pending or running (or Unknown): the only ones an unfinished Job's record needs. */
  static final FieldSelector UNFINISHED_PODS = new FieldSelectorBuilder()
      .withoutField("status.phase", "Succeeded").withoutField("status.phase", "Failed").build();
  /** The Job controller labels each Pod with its Job's name (also as batch.kubernetes.io/job-name since 1.27). */
  static final String JOB_NAME_LABEL = "job-name";
  private static final String RECORDED_PATCH = "{\"metadata\":{\"labels\":{\"" + ExportLabels.RUN_RECORDED
      + "\":\"true\"}}}";
  /** Enough for every Job labelled while the informer catches up; forgetting an older one costs one Pod list. */
  static final int RECENTLY_LABELLED = 1024;

  private final KubernetesClient client;
  private final Set<String> recentlyLabelled = bounded();
  /** Jobs not counted as runs that were logged already: each is logged once, not at every reconcile. */
  private final Set<String> ignored = bounded();

  FinishedRuns(KubernetesClient client) {
    this.client = client;
  }

  /**
   * The runs of {@code jobs} not yet recorded: an unfinished one with its Pods from {@code cachedPods}, a finished
   * one with its Pods read from the API. A recorded Job is skipped even when the API hands it over (fabric8's mock
   * server ignores the selectors). So is a Job the export does not control ({@link #runControllers}).
   *
   * @param cronJob the export's CronJob from the informer, if any
   */
  List<RunHistory.Run> observe(BigQueryExport export, Optional<CronJob> cronJob, Collection<Job> jobs,
      Collection<Pod> cachedPods) {
    List<HasMetadata> controllers = runControllers(export, cronJob);
    return jobs.stream().filter(job -> !recorded(job) && !recentlyLabelled.contains(key(job))
            && controlled(export, job, controllers))
        .map(job -> RunHistory.observe(List.of(job), RunHistory.finished(job) || retrying(job) ? podsOf(job)
            : cachedPods).get(0))
        .toList();
  }

  /**
   * The objects that may control an export's runs: the export (its run-now Jobs) and its CronJob (the scheduled
   * ones, and a {@code kubectl create job --from=cronjob/...}), when the export controls that CronJob. Control is
   * {@link ControllerReference}'s: the reference's uid, kind, name and group, not the uid alone. The informers
   * select Jobs by label, and labels prove nothing: whoever may create Jobs and Pods in the namespace could label a
   * Job as the export's and have its Pod end with any summary, moving status.exportedThrough and DataFresh. Such a
   * Job is no run: never recorded, labelled or counted. A controller reference is no signature either (one who can
   * read the CronJob's uid can write it), but it is what Kubernetes itself goes by. A run whose CronJob was deleted
   * and re-created before the run was recorded is lost with that Job, which the garbage collector deletes anyway.
   */
  static List<HasMetadata> runControllers(BigQueryExport export, Optional<CronJob> cronJob) {
    List<HasMetadata> controllers = new ArrayList<>(List.of(export));
    cronJob.filter(c -> ControllerReference.controls(export, c)).ifPresent(controllers::add);
    return controllers;
  }

  private boolean controlled(BigQueryExport export, Job job, List<HasMetadata> controllers) {
    if (controllers.stream().anyMatch(c -> ControllerReference.controls(c, job))) {
      return true;
    }
    if (ignored.add(key(job))) {
      LOG.info("Job {}/{} carries the labels of BigQueryExport {} but neither the export nor its CronJob controls"
          + " it; it is not counted as a run", job.getMetadata().getNamespace(), job.getMetadata().getName(),
          export.getMetadata().getName());
    }
    return false;
  }

  /**
   * A running Job with a failed attempt: that Pod left the cache when it failed, but until the next attempt starts
   * it is the run's latest word (its summary, its repairs), as it was when the cache held every Pod.
   */
  private static boolean retrying(Job job) {
    return job.getStatus() != null && job.getStatus().getFailed() != null && job.getStatus().getFailed() > 0;
  }

  /** Labels the finished ones of {@code runs} recorded; call only once the status holds their records. */
  void markRecorded(String namespace, List<RunHistory.Run> runs) {
    for (RunHistory.Run run : runs) {
      if (RunHistory.RUNNING.equals(run.record().result())) {
        continue;
      }
      try {
        recentlyLabelled.add(key(client.batch().v1().jobs().inNamespace(namespace).withName(run.record().job())
            .patch(PatchContext.of(PatchType.JSON_MERGE), RECORDED_PATCH)));
      } catch (KubernetesClientException e) {
        // Gone (404) needs no label; any other refusal (a webhook, RBAC lagging an upgrade) must not fail the
        // reconcile after its status write: the Job stays cached and the next reconcile labels it, and since the
        // status already holds the record nothing is counted twice.
        if (e.getCode() != 404) {
          LOG.warn("Job {}/{} not labelled {} (HTTP {}: {}); it stays cached until a later reconcile labels it",
              namespace, run.record().job(), ExportLabels.RUN_RECORDED, e.getCode(), e.getStatus() == null
                  ? e.getMessage() : e.getStatus().getMessage());
        }
      }
    }
  }

  /** At most {@link #RECENTLY_LABELLED} keys, the eldest forgotten first. */
  private static Set<String> bounded() {
    return Collections.synchronizedSet(Collections.newSetFromMap(new LinkedHashMap<>() {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
        return size() > RECENTLY_LABELLED;
      }
    }));
  }

  static boolean recorded(Job job) {
    Map<String, String> labels = job.getMetadata().getLabels();
    return labels != null && labels.containsKey(ExportLabels.RUN_RECORDED);
  }

  /** By uid too: a Job re-created under the same name is another run. */
  private static String key(Job job) {
    return job.getMetadata().getNamespace() + "/" + job.getMetadata().getName() + "/" + job.getMetadata().getUid();
  }

  private List<Pod> podsOf(Job job) {
    return client.pods().inNamespace(job.getMetadata().getNamespace())
        .withLabel(JOB_NAME_LABEL, job.getMetadata().getName()).list().getItems();
  }
}
