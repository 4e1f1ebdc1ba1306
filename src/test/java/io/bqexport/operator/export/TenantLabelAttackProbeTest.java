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
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Attack by a tenant who may edit Jobs in the namespace: it labels a running export Job
 * bqexport.io/run-recorded=true by hand, so the Job leaves the operator's Job informer before it fails.
 */
class TenantLabelAttackProbeTest {
  private static final Instant NOW = Instant.parse("2026-11-28T10:10:00Z");
  private static final Instant START = Instant.parse("2026-11-28T05:00:00Z");
  private static final String NAME = "product-events";

  private ExportScenario scenario;
  private KubernetesClient client;

  @BeforeEach
  void start() {
    scenario = new ExportScenario(NOW);
    scenario.events.hours(START, Instant.parse("2026-11-28T10:00:00Z"), 200);
    client = scenario.kubernetes.client();
    scenario.create(scenario.export(NAME, START));
    scenario.await(NAME, ConditionType.SCHEDULED, c -> c.isTrue());
  }

  @AfterEach
  void stop() {
    scenario.close();
  }

  @Test
  void aRunLabelledRecordedByHandBeforeItFailsStaysRunningInStatusForever() {
    Job created = client.resource(jobOfCronJob("product-events-29411400")).create();
    created.setStatus(new io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder()
        .withStartTime(NOW.minusSeconds(600).toString()).withActive(1).build());
    Job hidden = client.resource(created).updateStatus();
    await().atMost(Duration.ofMinutes(2)).until(() -> record(hidden.getMetadata().getName()) != null);
    client.batch().v1().jobs().inNamespace(ExportScenario.NAMESPACE).withName(hidden.getMetadata().getName())
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"labels\":{\"" + ExportLabels.RUN_RECORDED
            + "\":\"true\"}}}");
    scenario.jobs.killWithoutMessage(client.batch().v1().jobs().inNamespace(ExportScenario.NAMESPACE)
        .withName(hidden.getMetadata().getName()).get(), NOW, "OOMKilled");

    // A later, honest run: once it is recorded, the operator has reconciled after the failure above.
    var later = scenario.fire(NAME);
    assertThat(later.exitCode()).as(later.output()).isZero();
    await().atMost(Duration.ofMinutes(2)).until(() -> record(later.job().getMetadata().getName()) != null
        && "Succeeded".equals(record(later.job().getMetadata().getName()).result()));

    // What happens: the failure never reaches status.runs or a RunFailed Event; the record says Running until
    // historyLimit pushes it out. (On main a Job deleted by hand before it finished did the same.)
    RunRecord record = record(hidden.getMetadata().getName());
    assertThat(record.result()).isEqualTo(RunHistory.RUNNING);
    assertThat(client.v1().events().inNamespace(ExportScenario.NAMESPACE).list().getItems())
        .noneMatch(e -> "RunFailed".equals(e.getReason()));
  }

  private RunRecord record(String job) {
    var status = scenario.get(NAME).getStatus();
    return status == null || status.runs() == null ? null
        : status.runs().stream().filter(r -> r.job().equals(job)).findFirst().orElse(null);
  }

  private Job jobOfCronJob(String name) {
    CronJob cronJob = client.batch().v1().cronjobs().inNamespace(ExportScenario.NAMESPACE).withName(NAME).get();
    return new JobBuilder().withNewMetadata().withName(name).withNamespace(ExportScenario.NAMESPACE)
        .withLabels(cronJob.getSpec().getJobTemplate().getMetadata().getLabels()).endMetadata()
        .withSpec(cronJob.getSpec().getJobTemplate().getSpec()).build();
  }
}
