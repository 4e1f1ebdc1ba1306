package io.bqexport.operator.export;

import io.bqexport.api.v1alpha1.AmplitudeSecretRef;
import io.bqexport.api.v1alpha1.AmplitudeSourceSpec;
import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.BigQueryExportSpec;
import io.bqexport.api.v1alpha1.DestinationSpec;
import io.bqexport.api.v1alpha1.SecretKeyRef;
import io.bqexport.api.v1alpha1.SourceSpec;
import io.bqexport.exporter.RunSummary;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The sample child of each kind whose packed fields become {@link PackedItemStore}'s deflate dictionary: a child
 * of an export as the operator and the CronJob and Job controllers make it, from the operator's own code. Not the
 * first object an informer happens to list: anyone allowed to label a Pod in some namespace could make that one,
 * and a dictionary of junk packs every export's children several times larger (PackedChildInformerTest).
 */
final class ChildDictionaries {
  private static final String UID = "00000000-0000-0000-0000-000000000000";
  private static final String TIME = "2026-01-01T00:00:00Z";

  private ChildDictionaries() {}

  static HasMetadata sample(Class<?> type) {
    BigQueryExport export = export();
    CronJob cronJob = ExportCronJob.desired(export, "bqexport:sample", false);
    if (type == CronJob.class) {
      return cronJob;
    }
    if (type == ConfigMap.class) {
      return ExporterConfigMap.desired(export, Instant.parse(TIME));
    }
    String jobName = cronJob.getMetadata().getName() + "-29000000";
    Map<String, String> labels = new HashMap<>(cronJob.getSpec().getJobTemplate().getMetadata().getLabels());
    labels.put("batch.kubernetes.io/job-name", jobName);
    labels.put("job-name", jobName);
    labels.put("controller-uid", UID);
    labels.put("batch.kubernetes.io/controller-uid", UID);
    if (type == Job.class) {
      return new JobBuilder()
          .withMetadata(meta(jobName, labels, "CronJob", cronJob.getMetadata().getName()))
          .withNewStatus().withStartTime(TIME).withCompletionTime(TIME)
          .withConditions(new JobConditionBuilder().withType("Complete").withStatus("True")
              .withLastTransitionTime(TIME).build())
          .endStatus().build();
    }
    if (type == Pod.class) {
      RunSummary summary = new RunSummary(RunSummary.SUCCEEDED, null, null, 0, "recurring", null, List.of(TIME), 1,
          1000, 1_900_000, TIME, 0, List.of(), TIME, TIME);
      return new PodBuilder()
          .withMetadata(meta(jobName + "-abcde", labels, "Job", jobName))
          .withNewStatus().withPhase("Succeeded")
          .withContainerStatuses(new ContainerStatusBuilder().withName("exporter").withNewState().withNewTerminated()
              .withExitCode(0).withReason("Completed").withMessage(summary.toJson()).withStartedAt(TIME)
              .withFinishedAt(TIME).endTerminated().endState().build())
          .endStatus().build();
    }
    throw new IllegalArgumentException("no sample child of kind " + type.getSimpleName());
  }

  private static io.fabric8.kubernetes.api.model.ObjectMeta meta(String name, Map<String, String> labels,
      String ownerKind, String ownerName) {
    return new ObjectMetaBuilder().withName(name).withNamespace("namespace").withUid(UID).withLabels(labels)
        .withCreationTimestamp(TIME).withResourceVersion("123456")
        .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("batch/v1").withKind(ownerKind)
            .withName(ownerName).withUid(UID).withController(true).withBlockOwnerDeletion(true).build())
        .build();
  }

  static BigQueryExport export() {
    BigQueryExport export = new BigQueryExport();
    export.setMetadata(new ObjectMetaBuilder().withNamespace("namespace").withName("export").withUid(UID).build());
    export.setSpec(new BigQueryExportSpec(
        new SourceSpec(new AmplitudeSourceSpec(null, null, new AmplitudeSecretRef("amplitude", null, null), null)),
        new DestinationSpec(null, "amplitude", null, new SecretKeyRef("google", null), null, null),
        null, null, null, null, null, null, null, null, null, null));
    return export;
  }
}
