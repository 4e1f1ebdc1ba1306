package io.bqexport.testing;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.exporter.RunSummary;
import io.bqexport.operator.export.ExportCronJob;
import io.bqexport.operator.export.ExportLabels;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finished runs of an export as the CronJob and Job controllers leave them: a Job from the CronJob's template and
 * its Pod with the pod template's spec and the exporter's termination message, with the labels and owner
 * references Kubernetes sets. For tests of what the operator keeps of them, and for the benchmark's history.
 */
public final class RunHistoryFixtures {
  private RunHistoryFixtures() {}

  /** A Job and its Pod. */
  public record FinishedRun(Job job, Pod pod) {}

  /**
   * The run of the hour {@code hour}, succeeded, with uids derived from the names (the mock API keeps given ones).
   *
   * @param cronJob the export's CronJob as applied (its uid owns the Job)
   */
  public static FinishedRun succeeded(BigQueryExport export, CronJob cronJob, Instant hour, long rows) {
    String jobName = cronJob.getMetadata().getName() + "-" + hour.getEpochSecond() / 60;
    Map<String, String> labels = new HashMap<>(ExportLabels.of(export));
    labels.put(ExportLabels.TRIGGER, "Scheduled");
    labels.put("batch.kubernetes.io/job-name", jobName);
    labels.put("job-name", jobName);
    Instant started = hour.plusSeconds(3 * 3600 + 300);
    Instant finished = started.plusSeconds(42);
    String jobUid = uid(export.getMetadata().getNamespace() + "/" + jobName);
    Job job = new JobBuilder()
        .withNewMetadata().withName(jobName).withNamespace(export.getMetadata().getNamespace()).withUid(jobUid)
        .withLabels(labels).withCreationTimestamp(started.toString())
        .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("batch/v1").withKind("CronJob")
            .withName(cronJob.getMetadata().getName()).withUid(cronJob.getMetadata().getUid()).withController(true)
            .build())
        .endMetadata()
        .withSpec(cronJob.getSpec().getJobTemplate().getSpec())
        .withStatus(new JobStatusBuilder().withStartTime(started.toString()).withCompletionTime(finished.toString())
            .withSucceeded(1)
            .withConditions(new JobConditionBuilder().withType("Complete").withStatus("True")
                .withLastTransitionTime(finished.toString()).build())
            .build())
        .build();
    String podName = jobName + "-" + Integer.toString(Math.abs(jobName.hashCode()) % 46656, 36);
    RunSummary summary = new RunSummary(RunSummary.SUCCEEDED, null, null, 0, "recurring", null,
        List.of(hour.toString()), 1, rows, rows * 1900, hour.plusSeconds(3600).toString(), 0, List.of(),
        started.toString(), finished.toString());
    Pod pod = new PodBuilder()
        .withNewMetadata().withName(podName).withNamespace(export.getMetadata().getNamespace())
        .withUid(uid(export.getMetadata().getNamespace() + "/" + podName))
        .withLabels(new HashMap<>(Map.of(ExportLabels.MANAGED_BY, ExportLabels.MANAGED_BY_VALUE, ExportLabels.EXPORT,
            labels.get(ExportLabels.EXPORT), ExportLabels.TRIGGER, "Scheduled", "job-name", jobName,
            "batch.kubernetes.io/job-name", jobName, "controller-uid", jobUid)))
        .withCreationTimestamp(started.toString())
        .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("batch/v1").withKind("Job").withName(jobName)
            .withUid(jobUid).withController(true).build())
        .endMetadata()
        .withSpec(job.getSpec().getTemplate().getSpec())
        .withStatus(new PodStatusBuilder().withPhase("Succeeded").withStartTime(started.toString())
            .withHostIP("10.0.3.17").withPodIP("10.4.7.12")
            .withContainerStatuses(new ContainerStatusBuilder().withName("exporter").withImage("bqexport:bench")
                .withImageID("registry.test/bqexport@sha256:" + "0".repeat(64)).withReady(false)
                .withRestartCount(0).withStarted(false)
                .withContainerID("containerd://" + "1".repeat(64))
                .withNewState().withNewTerminated().withExitCode(0).withReason("Completed")
                .withMessage(summary.toJson()).withStartedAt(started.toString()).withFinishedAt(finished.toString())
                .endTerminated().endState().build())
            .build())
        .build();
    return new FinishedRun(job, pod);
  }

  /** The CronJob the operator applies for {@code export}, as the mock API would hold it (with a uid). */
  public static CronJob cronJob(BigQueryExport export, String image) {
    CronJob cronJob = ExportCronJob.desired(export, image, false);
    cronJob.getMetadata().setUid(uid(export.getMetadata().getNamespace() + "/" + cronJob.getMetadata().getName()));
    return cronJob;
  }

  private static String uid(String name) {
    return java.util.UUID.nameUUIDFromBytes(name.getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
  }
}
