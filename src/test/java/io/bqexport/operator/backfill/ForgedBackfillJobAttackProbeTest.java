package io.bqexport.operator.backfill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bqexport.api.v1alpha1.BackfillMode;
import io.bqexport.api.v1alpha1.BigQueryBackfill;
import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.exporter.RunSummary;
import io.bqexport.operator.export.ExportLabels;
import io.bqexport.operator.status.ConditionType;
import io.bqexport.testing.ExportScenario;
import io.bqexport.testing.Waits;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Attack on "a backfill's status tells what its Job exported": a tenant who may create Jobs and Pods in the namespace
 * makes a Job named and labelled as the backfill's, already Complete, and labelled Pods claiming a million rows. The
 * backfill never takes that Job for its own (NameConflict naming it, until it is deleted), a second labelled Job does
 * not stop its reconciles, and a labelled Pod its Job does not control adds no rows: the progress is what the table
 * holds.
 */
class ForgedBackfillJobAttackProbeTest {
  private static final Instant NOW = Instant.parse("2026-11-28T10:10:00Z");
  private static final Instant START = Instant.parse("2026-11-20T00:00:00Z");
  private static final Instant END = START.plus(3, ChronoUnit.DAYS);
  private static final int PER_HOUR = 20;
  private static final String NS = BackfillHarness.NS;
  private static final Map<String, String> BACKFILL_LABELS = Map.of(ExportLabels.MANAGED_BY,
      ExportLabels.MANAGED_BY_VALUE, BackfillLabels.BACKFILL, "history", "app.kubernetes.io/name", "bqexport-backfill");

  private ExportScenario scenario;
  private KubernetesClient client;
  private BackfillHarness h;

  @BeforeEach
  void start() {
    scenario = new ExportScenario(NOW);
    client = scenario.kubernetes.client();
    scenario.events.hours(START, END, PER_HOUR);
    h = new BackfillHarness(scenario);
  }

  @AfterEach
  void stop() {
    scenario.close();
  }

  @Test
  void aHandMadeJobAndPodsWithTheBackfillsLabelsAreNeitherItsJobNorItsProgress() {
    // The backfill first, so the informers map the tenant's objects to it; its export last, so it has not started.
    h.create("history", "product-events", START, END, BackfillMode.FillGaps, 24, 2);
    h.await("history", b -> BackfillHarness.condition(b, ConditionType.STALLED)
        .filter(c -> Reasons.EXPORT_NOT_FOUND.equals(c.reason())).isPresent());
    Job forged = completedJob("history-backfill");
    forgedPod("history-backfill-0-forged");
    scenario.create(scenario.export("product-events", Instant.parse("2026-11-28T05:00:00Z")));
    h.awaitExportValid("product-events");

    BigQueryBackfill conflict = h.await("history", b -> BackfillHarness.condition(b, ConditionType.STALLED)
        .filter(c -> c.isTrue() && Reasons.NAME_CONFLICT.equals(c.reason())).isPresent());
    assertThat(BackfillHarness.condition(conflict, ConditionType.STALLED).orElseThrow().message())
        .contains("Job history-backfill", "not controlled by BigQueryBackfill history", "delete");
    assertThat(conflict.getStatus().phase()).isNotEqualTo("Succeeded");
    assertThat(conflict.getStatus().job()).isNull();
    assertThat(client.resource(forged).get().getSpec().getSuspend()).as("never patched").isNull();
    await("a NameConflict Event").until(() -> h.eventReasons().contains(Reasons.NAME_CONFLICT));

    completedJob("history-decoy"); // a second labelled Job: two Jobs map to the backfill from now on
    client.resource(forged).delete(); // what the condition tells the owner to do
    Job own = Waits.until("the backfill's own Job", () -> h.job("history-backfill"),
        j -> j != null && !j.getMetadata().getUid().equals(forged.getMetadata().getUid()), j -> "");
    assertThat(own.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(o -> assertThat(o.getUid()).isEqualTo(h.get("history").getMetadata().getUid()));
    h.runToEnd("history");

    BigQueryBackfill done = h.awaitPhase("history", "Succeeded");
    assertThat(done.getStatus().progress().rows()).as("not the forged Pod's million").isEqualTo(72 * PER_HOUR);
    assertThat(scenario.rows("events")).isEqualTo(72 * PER_HOUR);
    assertThat(done.getStatus().job()).isEqualTo("history-backfill");
  }

  /** A Job with the backfill's labels and no owner, Complete with all three chunks done. */
  private Job completedJob(String name) {
    Job job = client.resource(new JobBuilder().withNewMetadata().withName(name).withNamespace(NS)
        .withLabels(BACKFILL_LABELS).endMetadata().withNewSpec().withCompletionMode("Indexed").withCompletions(3)
        .withNewTemplate().withNewMetadata().withLabels(BACKFILL_LABELS).endMetadata().withNewSpec()
        .addNewContainer().withName("exporter").withImage("busybox").endContainer().withRestartPolicy("Never")
        .endSpec().endTemplate().endSpec().build()).create();
    job.setStatus(new JobStatusBuilder().withStartTime(NOW.toString()).withCompletionTime(NOW.toString())
        .withSucceeded(3).withCompletedIndexes("0-2").addNewCondition().withType("Complete").withStatus("True")
        .withLastTransitionTime(NOW.toString()).endCondition().build());
    return client.resource(job).updateStatus();
  }

  /** A finished Pod with the backfill's labels and chunk 0's index, no controller, claiming a million rows. */
  private void forgedPod(String name) {
    Pod pod = client.resource(new PodBuilder().withNewMetadata().withName(name).withNamespace(NS)
        .withLabels(BACKFILL_LABELS).withAnnotations(Map.of(BackfillChunks.INDEX_ANNOTATION, "0")).endMetadata()
        .withNewSpec().addNewContainer().withName("exporter").withImage("busybox").endContainer().endSpec()
        .build()).create();
    RunSummary summary = new RunSummary(RunSummary.SUCCEEDED, null, "done", 0, "FillGaps", null, List.of(), 24,
        1_000_000, 0, null, 0, List.of(), "a", "b");
    pod.setStatus(new PodStatusBuilder().withPhase("Succeeded").withContainerStatuses(new ContainerStatusBuilder()
        .withName("exporter").withNewState().withNewTerminated().withExitCode(0).withReason("Completed")
        .withMessage(summary.toJson()).withFinishedAt(NOW.toString()).endTerminated().endState().build()).build());
    client.resource(pod).updateStatus();
  }
}
