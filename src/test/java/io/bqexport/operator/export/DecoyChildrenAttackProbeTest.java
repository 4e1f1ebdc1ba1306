package io.bqexport.operator.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bqexport.api.v1alpha1.RunRecord;
import io.bqexport.operator.status.ConditionType;
import io.bqexport.testing.ExportScenario;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Attack on "an export is reconciled whatever else is in its namespace": a tenant who may create CronJobs and
 * ConfigMaps there copies the export's labels onto a CronJob and a ConfigMap of their own. Both informers then map
 * two objects of a kind to the export, and JOSDK's {@code getSecondaryResource(Class)} throws "More than 1 secondary
 * resource related to primary", which failed every reconcile of the export from then on. The export goes on: a run
 * is recorded with what it exported, and the decoys are left as the tenant made them.
 */
class DecoyChildrenAttackProbeTest {
  private static final Instant NOW = Instant.parse("2026-11-28T10:10:00Z");
  private static final Instant START = Instant.parse("2026-11-28T05:00:00Z");
  private static final String NAME = "product-events";
  private static final String NS = ExportScenario.NAMESPACE;

  private ExportScenario scenario;
  private KubernetesClient client;

  @BeforeEach
  void start() {
    scenario = new ExportScenario(NOW);
    client = scenario.kubernetes.client();
    scenario.events.hours(START, Instant.parse("2026-11-28T20:00:00Z"), 50);
    scenario.create(scenario.export(NAME, START));
    scenario.await(NAME, ConditionType.SCHEDULED, c -> c.isTrue());
  }

  @AfterEach
  void stop() {
    scenario.close();
  }

  @Test
  void aSecondCronJobAndConfigMapWithTheExportsLabelsStopNoReconcile() {
    CronJob cronJob = client.batch().v1().cronjobs().inNamespace(NS).withName(NAME).get();
    ConfigMap configMap = client.configMaps().inNamespace(NS).withName(NAME + "-exporter").get();
    CronJob decoyCronJob = client.resource(new CronJobBuilder().withNewMetadata().withName(NAME + "-decoy")
        .withNamespace(NS).withLabels(cronJob.getMetadata().getLabels()).endMetadata()
        .withSpec(cronJob.getSpec()).build()).create();
    ConfigMap decoyConfigMap = client.resource(new ConfigMapBuilder().withNewMetadata().withName(NAME + "-decoy")
        .withNamespace(NS).withLabels(configMap.getMetadata().getLabels()).endMetadata()
        .withData(Map.of("note", "not the operator's")).build()).create();

    var run = scenario.fire(NAME);
    assertThat(run.exitCode()).as(run.output()).isZero();
    String job = run.job().getMetadata().getName();
    await().until(() -> scenario.get(NAME).getStatus().runs() != null
        && scenario.get(NAME).getStatus().runs().stream().anyMatch(r -> job.equals(r.job())
            && r.completionTime() != null));

    var status = scenario.get(NAME).getStatus();
    assertThat(status.runs()).extracting(RunRecord::job).containsExactly(job);
    assertThat(status.exportedThrough()).isEqualTo("2026-11-28T08:00:00Z");
    assertThat(scenario.rows("events")).isEqualTo(150);
    assertThat(scenario.condition(NAME, ConditionType.SCHEDULED)).hasValueSatisfying(c -> assertThat(c.isTrue())
        .isTrue());
    assertThat(client.resource(decoyCronJob).get().getMetadata().getResourceVersion()).as("not written")
        .isEqualTo(decoyCronJob.getMetadata().getResourceVersion());
    assertThat(client.resource(decoyConfigMap).get().getMetadata().getResourceVersion()).as("not written")
        .isEqualTo(decoyConfigMap.getMetadata().getResourceVersion());
  }
}
