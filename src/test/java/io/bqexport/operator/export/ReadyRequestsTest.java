package io.bqexport.operator.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.operator.status.ConditionType;
import io.bqexport.testing.ExportScenario;
import io.bqexport.testing.KubernetesStandIn;
import io.fabric8.kubernetes.api.model.Event;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Issue 18: bringing a new export to Ready costs the operator at most 6 API requests, counted at the API stand-in,
 * and the way there is told by one Ready Event, not one per condition (the first CredentialsValid, Scheduled and
 * DataFresh are summed up by Ready's message).
 *
 * <p>The first export of a set of credentials pays for the test upload: both Secrets are read three times (facts,
 * probe values, and once more), and its CronJob is written suspended with a Validating status, then unsuspended
 * (12 requests). Exports created while a shared probe
 * of the same inputs is recent are Ready in their first reconcile: ConfigMap, CronJob, status and the Event.
 */
class ReadyRequestsTest {
  private static final Instant NOW = Instant.parse("2026-11-28T10:10:00Z");
  /** startFrom is the current hour: nothing is due, so Ready needs no run. */
  private static final Instant START = Instant.parse("2026-11-28T10:00:00Z");
  private static final int MORE = 8;

  @Test
  void newExportsReachReadyWithOneEventAndAtMostSixRequestsEach() {
    try (ExportScenario scenario = new ExportScenario(NOW)) {
      int before = scenario.kubernetes.requests().size();
      scenario.create(scenario.export("first", START));
      await().until(() -> ready(scenario) == 1 && events(scenario).size() == 1);
      List<String> first = operatorRequests(scenario, before);
      assertThat(first).as("the first export: %s", first).hasSizeLessThanOrEqualTo(12);

      int afterFirst = scenario.kubernetes.requests().size();
      IntStream.range(0, MORE).forEach(i -> scenario.create(scenario.export("export-" + i, START)));
      await().until(() -> ready(scenario) == 1 + MORE);
      // The Ready Event is recorded right after the status write that made the export Ready.
      await().until(() -> events(scenario).size() >= 1 + MORE);

      assertThat(events(scenario)).hasSize(1 + MORE).allSatisfy(e -> {
        assertThat(e.getReason()).isEqualTo(Reasons.READY);
        assertThat(e.getType()).isEqualTo("Normal");
        assertThat(e.getMessage()).contains("Credentials valid, scheduled, data fresh");
      });
      List<String> more = operatorRequests(scenario, afterFirst);
      assertThat(more).as("requests by the operator: %s", more).hasSizeLessThanOrEqualTo(6 * MORE);
    }
  }

  @Test
  void aRestartedOperatorReadsEachSecretOnceForItsFactsNotOncePerExport() {
    try (ExportScenario scenario = new ExportScenario(NOW)) {
      IntStream.range(0, MORE).forEach(i -> scenario.create(scenario.export("export-" + i, START)));
      await().until(() -> ready(scenario) == MORE);
      scenario.stopOperator();

      int before = scenario.kubernetes.requests().size();
      scenario.startOperator();
      // Every export is reconciled at start, all at once; they share both Secrets.
      await().until(() -> reconciliations(scenario) >= MORE);
      List<String> secretReads = operatorRequests(scenario, before).stream()
          .filter(r -> r.startsWith("GET ") && r.contains("/secrets/")).toList();
      // Each Secret once for its facts, and once more for the values when the restarted operator probes again.
      assertThat(secretReads).as("Secret reads: %s", secretReads).hasSizeLessThanOrEqualTo(4);
    }
  }

  private static double reconciliations(ExportScenario scenario) {
    return scenario.operator().operator().registry().find("operator.sdk.reconciliations.success").counters()
        .stream().mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
  }

  private static List<String> operatorRequests(ExportScenario scenario, int from) {
    List<KubernetesStandIn.ApiRequest> all = scenario.kubernetes.requests();
    return all.subList(from, all.size()).stream().filter(KubernetesStandIn.ApiRequest::byOperator)
        .map(r -> r.method() + " " + r.path()).toList();
  }

  private static long ready(ExportScenario scenario) {
    return scenario.kubernetes.client().resources(BigQueryExport.class).inNamespace(ExportScenario.NAMESPACE).list()
        .getItems().stream().filter(e -> e.getStatus() != null && e.getStatus().conditions() != null
            && e.getStatus().conditions().stream()
                .anyMatch(c -> ConditionType.READY.equals(c.type()) && c.isTrue())).count();
  }

  private static List<Event> events(ExportScenario scenario) {
    return scenario.kubernetes.client().v1().events().inNamespace(ExportScenario.NAMESPACE).list().getItems();
  }
}
