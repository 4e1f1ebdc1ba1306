package io.bqexport.operator.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.operator.status.ConditionType;
import io.bqexport.testing.ExportScenario;
import io.bqexport.testing.ExportSpecs;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Attack by a tenant on the packed export cache (ExportStore): an export with the most metadata the API server
 * takes (annotations up to 256 KiB in all, incompressible; 64 labels) is still reconciled on its current spec,
 * annotations and generation, and deleted.
 */
class PackedExportAttackProbeTest {
  private static final Instant NOW = Instant.parse("2026-11-28T10:10:00Z");
  private static final Instant START = Instant.parse("2026-11-28T05:00:00Z");
  private static final String NAME = "product-events";

  private ExportScenario scenario;
  private KubernetesClient client;

  @BeforeEach
  void start() {
    scenario = new ExportScenario(NOW);
    client = scenario.kubernetes.client();
  }

  @AfterEach
  void stop() {
    scenario.close();
  }

  @Test
  void aTenantSizedExportIsReconciledOnItsCurrentMetadataAndSpecAndDeleted() {
    BigQueryExport export = scenario.export(NAME, START);
    Random random = new Random(7);
    Map<String, String> annotations = new HashMap<>();
    for (int i = 0; i < 60; i++) {
      StringBuilder value = new StringBuilder();
      random.ints(4_000, 33, 127).forEach(c -> value.append((char) c));
      annotations.put("tenant.example.com/blob-" + i, value.toString());
    }
    Map<String, String> labels = new HashMap<>();
    for (int i = 0; i < 64; i++) {
      labels.put("tenant.example.com/label-" + i, "v" + random.nextInt(1_000_000));
    }
    export.getMetadata().setAnnotations(annotations);
    export.getMetadata().setLabels(labels);
    scenario.create(export);
    scenario.await(NAME, ConditionType.SCHEDULED, c -> c.isTrue());

    // run-now: an annotation change, no new generation; the reconcile must see it through the packed store.
    scenario.annotate(NAME, RunNow.ANNOTATION, "nonce-1");
    await().atMost(Duration.ofMinutes(2)).until(() -> "nonce-1".equals(scenario.get(NAME).getStatus().lastRunNow()));
    assertThat(client.batch().v1().jobs().inNamespace(ExportScenario.NAMESPACE).list().getItems())
        .filteredOn(j -> "nonce-1".equals(j.getMetadata().getAnnotations() == null ? null
            : j.getMetadata().getAnnotations().get(RunNow.ANNOTATION)))
        .extracting(Job::getMetadata).hasSize(1);

    // A spec change: the CronJob and observedGeneration follow the current spec.
    BigQueryExport current = scenario.get(NAME);
    scenario.patchSpec(NAME, ExportSpecs.withSchedule(current.getSpec(), "17 * * * *"));
    long generation = scenario.get(NAME).getMetadata().getGeneration();
    await().atMost(Duration.ofMinutes(2)).until(() -> {
      var status = scenario.get(NAME).getStatus();
      return status.observedGeneration() != null && status.observedGeneration() == generation
          && "17 * * * *".equals(client.batch().v1().cronjobs().inNamespace(ExportScenario.NAMESPACE)
              .withName(NAME).get().getSpec().getSchedule());
    });
    assertThat(scenario.get(NAME).getMetadata().getAnnotations()).containsAllEntriesOf(annotations);

    // The same nonce again does nothing; a second one starts exactly one more Job.
    scenario.annotate(NAME, RunNow.ANNOTATION, "nonce-2");
    await().atMost(Duration.ofMinutes(2)).until(() -> "nonce-2".equals(scenario.get(NAME).getStatus().lastRunNow()));
    assertThat(client.batch().v1().jobs().inNamespace(ExportScenario.NAMESPACE).list().getItems())
        .filteredOn(j -> j.getMetadata().getAnnotations() != null
            && j.getMetadata().getAnnotations().containsKey(RunNow.ANNOTATION)).hasSize(2);

    client.resource(scenario.get(NAME)).delete();
    await().atMost(Duration.ofMinutes(2)).until(() -> scenario.get(NAME) == null);
  }
}
