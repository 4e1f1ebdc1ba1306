package io.bqexport.operator.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bqexport.exporter.RunSummary;
import io.bqexport.operator.status.ConditionType;
import io.bqexport.testing.ExportScenario;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Attack on "everything computed from runs still works once finished Jobs leave the cache": the operator dies while
 * labelling a batch of recorded runs, after the newer one's label and before the older one's. After the restart
 * only the older run is observed; status.exportedThrough and quarantinedHours must stay the newer run's, since a run
 * superseded by a newer recorded one sets neither (ExportStatusAssembler.notSuperseded).
 */
class ExportedThroughAttackProbeTest {
  private static final Instant NOW = Instant.parse("2026-11-28T10:10:00Z");
  private static final Instant START = Instant.parse("2026-11-28T05:00:00Z");
  private static final String NAME = "product-events";

  private ExportScenario scenario;
  private KubernetesClient client;

  @BeforeEach
  void start() {
    scenario = new ExportScenario(NOW);
    client = scenario.kubernetes.client();
    scenario.create(scenario.export(NAME, START));
    scenario.await(NAME, ConditionType.SCHEDULED, c -> c.isTrue());
  }

  @AfterEach
  void stop() {
    scenario.close();
  }

  @Test
  void anOlderRunRecordedAgainAfterARestartDoesNotMoveExportedThroughBack() {
    finish("run-3", "2026-11-28T07:00:00Z", NOW.minusSeconds(200));
    finish("run-4", "2026-11-28T08:00:00Z", NOW.minusSeconds(100));
    await().atMost(Duration.ofMinutes(2)).until(() -> ProbeRuns.labelled(client, "run-3")
        && ProbeRuns.labelled(client, "run-4")
        && "2026-11-28T08:00:00Z".equals(scenario.get(NAME).getStatus().exportedThrough()));

    scenario.stopOperator();
    client.batch().v1().jobs().inNamespace(ExportScenario.NAMESPACE).withName("run-3").edit(j -> {
      j.getMetadata().getLabels().remove(ExportLabels.RUN_RECORDED);
      return j;
    });
    scenario.startOperator();
    await().atMost(Duration.ofMinutes(2)).until(() -> ProbeRuns.labelled(client, "run-3"));

    assertThat(scenario.get(NAME).getStatus().exportedThrough()).isEqualTo("2026-11-28T08:00:00Z");
  }


  private void finish(String name, String exportedThrough, Instant finishedAt) {
    Job job = scenario.jobs.startFrom(ExportScenario.NAMESPACE, NAME, name);
    scenario.jobs.finishWithMessage(job, finishedAt, 0, new RunSummary(RunSummary.SUCCEEDED, null,
        "committed 1 hour(s)", 0, "FillGaps", null, List.of(), 1, 10, 100, exportedThrough, 0, List.of(),
        finishedAt.minusSeconds(60).toString(), finishedAt.toString(), 0, 0, 0, List.of(), 0, List.of(), null, 0, 0)
        .toJson());
  }
}
