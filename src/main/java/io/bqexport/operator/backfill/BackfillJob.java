package io.bqexport.operator.backfill;

import io.bqexport.api.v1alpha1.BigQueryBackfill;
import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.exporter.ChunkPlan;
import io.bqexport.operator.export.ChildNames;
import io.bqexport.operator.export.ExportPodTemplate;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyRuleBuilder;
import java.util.List;
import java.util.Map;

/**
 * The one Indexed Job of a backfill: index i exports chunk i. Every pod gets the same arguments
 * ({@code --chunks START/END/HOURS}) and picks its window by {@code JOB_COMPLETION_INDEX}, so the pod template stays
 * one immutable object. A chunk is retried on its own ({@code backoffLimitPerIndex}, Kubernetes 1.29+); config and
 * credential errors (exit codes 2 and 3) fail the whole Job at once, since every other chunk would fail the same way.
 */
public final class BackfillJob {
  /** Attempts per chunk after the first; a transient Amplitude or BigQuery failure usually passes on a retry. */
  static final int RETRIES_PER_CHUNK = 2;
  /** Beyond this many failed chunks the rest is not worth trying: something systematic is wrong. */
  static final int MAX_FAILED_CHUNKS = 10;
  static final String PLAN_ANNOTATION = "bqexport.io/plan";
  static final int EXIT_CONFIG = 2;
  static final int EXIT_CREDENTIALS = 3;

  private BackfillJob() {}

  public static String name(BigQueryBackfill backfill) {
    return ChildNames.withSuffix(backfill.getMetadata().getName(), "-backfill");
  }

  public static ChunkPlan plan(BigQueryBackfill backfill) {
    var spec = backfill.getSpec();
    return ChunkPlan.parse(spec.start() + "/" + spec.end() + "/" + spec.chunkHours());
  }

  /** What the Job was created for: range, chunk size and mode, which its immutable pod template fixes. */
  static String planKey(BigQueryBackfill backfill) {
    return plan(backfill) + " " + backfill.getSpec().mode();
  }

  public static Job desired(BigQueryBackfill backfill, BigQueryExport export, String image) {
    ChunkPlan plan = plan(backfill);
    int chunks = plan.count();
    Map<String, String> labels = BackfillLabels.of(backfill);
    return new JobBuilder()
        .withNewMetadata().withName(name(backfill)).withNamespace(backfill.getMetadata().getNamespace())
        .withLabels(labels).withAnnotations(Map.of(PLAN_ANNOTATION, planKey(backfill))).endMetadata()
        .withNewSpec()
        .withCompletionMode("Indexed")
        .withCompletions(chunks)
        .withParallelism(Math.min(backfill.getSpec().parallelism(), chunks))
        .withSuspend(backfill.getSpec().suspend())
        .withBackoffLimitPerIndex(RETRIES_PER_CHUNK)
        .withMaxFailedIndexes(Math.min(MAX_FAILED_CHUNKS, chunks))
        // A cap on failures across all chunks; clusters older than 1.29 drop the per-index fields and apply only this.
        .withBackoffLimit(chunks * RETRIES_PER_CHUNK)
        .withNewPodFailurePolicy().withRules(
            new PodFailurePolicyRuleBuilder().withAction("FailJob").withNewOnExitCodes()
                .withContainerName(ExportPodTemplate.CONTAINER).withOperator("In")
                .withValues(EXIT_CONFIG, EXIT_CREDENTIALS).endOnExitCodes().build(),
            // An evicted or preempted pod did nothing wrong: retry it without counting against its chunk.
            new PodFailurePolicyRuleBuilder().withAction("Ignore").addNewOnPodCondition()
                .withType("DisruptionTarget").withStatus("True").endOnPodCondition().build())
        .endPodFailurePolicy()
        .withTemplate(ExportPodTemplate.build(export, BackfillConfigMap.name(backfill), image, labels,
            List.of("--chunks", plan.toString(),
            "--mode", backfill.getSpec().mode().name())))
        .endSpec().build();
  }
}
