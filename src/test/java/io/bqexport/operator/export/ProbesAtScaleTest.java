package io.bqexport.operator.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.BigQueryExportSpec;
import io.bqexport.api.v1alpha1.DestinationSpec;
import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.api.v1alpha1.SecretKeyRef;
import io.bqexport.operator.status.ConditionType;
import io.bqexport.testing.ExportFixtures;
import io.bqexport.testing.ExportScenario;
import io.bqexport.testing.ServiceAccountKeys;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * 100 exports with distinct keys (so no probe is shared) against a BigQuery that takes 8 s to answer one call of
 * each probe. With 4 threads and the timeout counted from queueing, the last exports were reported timed out
 * after 3 minutes without a request sent; now every one is attempted and validates.
 */
class ProbesAtScaleTest {
  private static final int EXPORTS = 100;

  @Test
  void aHundredExportsWithDistinctSlowKeysAllValidate() {
    try (ExportScenario scenario = new ExportScenario(Instant.parse("2026-11-28T10:10:00Z"))) {
      scenario.bigquery.faults().delay("GET", ".*/datasets/amplitude$", Duration.ofSeconds(8));
      IntStream.range(0, EXPORTS).parallel().forEach(i -> {
        String name = "tenant-" + i;
        var key = ServiceAccountKeys.create(scenario.bigquery, ExportScenario.PROJECT, "writer-" + i);
        var secret = ExportFixtures.googleKeySecret(ExportScenario.NAMESPACE, key.json());
        secret.getMetadata().setName(name + "-key");
        scenario.kubernetes.client().resource(secret).create();
        BigQueryExport export = scenario.export(name, Instant.parse("2026-11-28T09:00:00Z"));
        BigQueryExportSpec s = export.getSpec();
        DestinationSpec d = s.destination();
        export.setSpec(new BigQueryExportSpec(s.source(), new DestinationSpec(d.projectId(), d.dataset(),
            d.location(), new SecretKeyRef(name + "-key", null), d.createDataset(), d.endpoint()), s.data(),
            s.schedule(), s.availabilityDelay(), s.startFrom(), s.suspend(), s.historyLimit(), s.maxHoursPerRun(),
            s.freshnessThreshold(), s.validationInterval(), s.pod()));
        scenario.create(export);
      });

      await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(2)).until(() -> scenario.kubernetes
          .client().resources(BigQueryExport.class).inNamespace(ExportScenario.NAMESPACE).list().getItems().stream()
          .filter(e -> e.getStatus() != null && e.getStatus().conditions() != null && e.getStatus().conditions()
              .stream().anyMatch(c -> c.type().equals(ConditionType.CREDENTIALS_VALID) && c.isTrue()))
          .count() == EXPORTS);
      assertThat(scenario.kubernetes.client().v1().events().inNamespace(ExportScenario.NAMESPACE).list().getItems())
          .noneSatisfy(e -> assertThat(e.getReason()).isEqualTo(Reasons.VALIDATION_TIMED_OUT));
    }
  }
}
