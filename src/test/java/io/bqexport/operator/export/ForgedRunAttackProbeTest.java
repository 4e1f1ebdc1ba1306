package io.bqexport.operator.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bqexport.api.v1alpha1.RunRecord;
import io.bqexport.operator.status.ConditionType;
import io.bqexport.testing.ExportScenario;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Attack on "status.exportedThrough and DataFresh tell what the exporter did": a tenant who may create Jobs and Pods
 * in the export's namespace hand-makes a Job with the export's labels (copied from its CronJob) whose Pod ends with a
 * run summary claiming every hour up to 2099. It is no run of the export: the status keeps its real exportedThrough,
 * stays not fresh, and neither records nor labels the Job.
 */
class ForgedRunAttackProbeTest {
  private static final Instant NOW = Instant.parse("2026-11-28T10:10:00Z");
  private static final Instant START = Instant.parse("2026-11-20T00:00:00Z");
  private static final String NAME = "product-events";
  private static final String REAL = "2026-11-21T00:00:00Z";

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
  void aHandMadeJobWithTheExportsLabelsAndAFutureSummaryMovesNothing() {
    Job first = scenario.jobs.startFrom(ExportScenario.NAMESPACE, NAME, NAME + "-1");
    scenario.jobs.finishWithMessage(first, NOW.minusSeconds(300), 0,
        ProbeRuns.summary(REAL, NOW.minusSeconds(300)));
    await().atMost(Duration.ofMinutes(2)).until(() -> ProbeRuns.labelled(client, NAME + "-1")
        && REAL.equals(scenario.get(NAME).getStatus().exportedThrough()));
    assertThat(scenario.condition(NAME, ConditionType.DATA_FRESH)).hasValueSatisfying(c -> assertThat(c.isTrue())
        .as("days behind before the attack").isFalse());

    CronJob cronJob = client.batch().v1().cronjobs().inNamespace(ExportScenario.NAMESPACE).withName(NAME).get();
    Job forged = client.resource(new JobBuilder().withNewMetadata().withName(NAME + "-29999999")
        .withNamespace(ExportScenario.NAMESPACE).withLabels(cronJob.getSpec().getJobTemplate().getMetadata()
            .getLabels()).endMetadata().withSpec(cronJob.getSpec().getJobTemplate().getSpec()).build()).create();
    scenario.jobs.finishWithMessage(forged, NOW.minusSeconds(100), 0,
        ProbeRuns.summary("2099-01-01T00:00:00Z", NOW.minusSeconds(100)));
    // A genuine run after it: once its record is in, the operator has seen the forged Job (one informer, in order).
    Job second = scenario.jobs.startFrom(ExportScenario.NAMESPACE, NAME, NAME + "-2");
    scenario.jobs.killWithoutMessage(second, NOW, "OOMKilled");
    await().atMost(Duration.ofMinutes(2)).until(() -> ProbeRuns.labelled(client, NAME + "-2"));

    var status = scenario.get(NAME).getStatus();
    assertThat(status.runs()).extracting(RunRecord::job).containsExactly(NAME + "-2", NAME + "-1");
    assertThat(status.exportedThrough()).isEqualTo(REAL);
    assertThat(scenario.condition(NAME, ConditionType.DATA_FRESH)).hasValueSatisfying(c -> assertThat(c.isTrue())
        .isFalse());
    assertThat(ProbeRuns.labelled(client, forged.getMetadata().getName())).as("not labelled by the operator")
        .isFalse();
    assertThat(client.v1().events().inNamespace(ExportScenario.NAMESPACE).list().getItems())
        .noneMatch(e -> e.getMessage() != null && e.getMessage().contains(forged.getMetadata().getName()));
  }
}
