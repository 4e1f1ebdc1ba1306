package io.bqexport.operator.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.bigquery.CredentialProbe;
import io.bqexport.bigquery.ServiceAccountKeyInfo;
import io.bqexport.testing.ExportScenario;
import io.bqexport.testing.ServiceAccountKeys;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * 100 exports with distinct keys (so no probe is shared) against a BigQuery that takes 5 s to answer one call of
 * each probe, with a 90 s probe timeout: generous for one probe on a loaded 2-core machine, yet shorter than the
 * 125 s the last of 100 probes queued behind 4 threads would wait. Before, 4 threads served all probes and the
 * timeout counted from queueing, so the later exports were reported ValidationTimedOut without a request sent; now
 * every probe is attempted within its own timeout and validates.
 */
class ProbesAtScaleTest {
  private static final int EXPORTS = 100;

  @Test
  void aHundredExportsWithDistinctSlowKeysAllValidate() throws Exception {
    try (ExportScenario scenario = new ExportScenario(Instant.parse("2026-11-28T10:10:00Z"));
         CredentialValidations validations = new CredentialValidations(new CredentialProbe(scenario.clock), scenario.clock,
             Duration.ofSeconds(90))) {
      scenario.bigquery.faults().delay("GET", ".*/datasets/amplitude$", Duration.ofSeconds(5));
      List<BigQueryExport> exports = IntStream.range(0, EXPORTS).parallel().mapToObj(i -> {
        BigQueryExport export = scenario.export("tenant-" + i, Instant.parse("2026-11-28T09:00:00Z"));
        export.getMetadata().setUid("uid-" + i);
        export.getMetadata().setGeneration(1L);
        return export;
      }).toList();
      Map<String, ExportSecrets.Observation> secrets = new ConcurrentHashMap<>();
      IntStream.range(0, EXPORTS).parallel().forEach(i -> secrets.put("uid-" + i, observation(scenario, i)));

      exports.forEach(e -> validations.current(e, secrets.get(e.getMetadata().getUid()), false));
      await().atMost(Duration.ofMinutes(6)).pollInterval(Duration.ofSeconds(1)).until(() -> exports.stream()
          .allMatch(e -> validations.current(e, secrets.get(e.getMetadata().getUid()), false).result() != null));

      assertThat(exports).allSatisfy(e -> {
        CredentialProbe.Result result = validations.current(e, secrets.get(e.getMetadata().getUid()), false).result();
        assertThat(result.ok()).as("%s: %s %s", e.getMetadata().getName(), result.reason(), result.message())
            .isTrue();
      });
    }
  }

  private static ExportSecrets.Observation observation(ExportScenario scenario, int i) {
    var key = ServiceAccountKeys.create(scenario.bigquery, ExportScenario.PROJECT, "writer-" + i);
    try {
      return new ExportSecrets.Observation(null, ServiceAccountKeyInfo.parse(key.bytes(), "key " + i),
          new ExportSecrets.Values(key.json(), ExportScenario.API_KEY, ExportScenario.SECRET_KEY), "v" + i);
    } catch (ServiceAccountKeyInfo.InvalidKeyException e) {
      throw new IllegalStateException(e);
    }
  }
}
