package io.bqexport.operator.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bqexport.operator.export.RunNow;
import io.bqexport.testing.ExportScenario;
import io.fabric8.kubernetes.api.model.Event;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A status the API server rejects for itself, not for a stale copy, is told and does not stop the export. */
class StatusWriterTest {
  private static final Instant NOW = Instant.parse("2026-11-28T10:10:00Z");
  private static final Instant START = Instant.parse("2026-11-28T09:00:00Z");
  private static final String SCHEMA_ERROR = "BigQueryExport.bqexport.io \"rejected\" is invalid: "
      + "status.conditions[0].message: Too long: may not be longer than 32768";

  private ExportScenario scenario;

  @BeforeEach
  void start() {
    scenario = new ExportScenario(NOW);
  }

  @AfterEach
  void stop() {
    scenario.close();
  }

  @Test
  void aStatusTheApiRejectsOnAnUnchangedResourceIsAWarningEventAndTheExportGoesOn() {
    scenario.kubernetes.rejectAsInvalid("PATCH", ".*/bigqueryexports/rejected/status.*", SCHEMA_ERROR);
    scenario.create(scenario.export("rejected", START));

    Event event = await().atMost(Duration.ofMinutes(2)).until(() -> rejectedEvent("rejected"),
        e -> e != null);
    assertThat(event.getType()).isEqualTo("Warning");
    assertThat(event.getMessage()).contains(SCHEMA_ERROR, "operator bug");
    assertThat(scenario.get("rejected").getStatus()).isNull();
    // The export's children are still written: a status the API refuses stalls no export.
    await().atMost(Duration.ofMinutes(2)).until(() -> scenario.kubernetes.client().batch().v1().cronjobs()
        .inNamespace(ExportScenario.NAMESPACE).withName("rejected").get() != null);

    // Fixed (an upgraded operator, here the API relaxed): the next reconcile (here a run-now) writes the status.
    scenario.kubernetes.allowAll();
    scenario.annotate("rejected", RunNow.ANNOTATION, "1");
    scenario.await("rejected", ConditionType.READY, c -> c.isTrue());
  }

  private Event rejectedEvent(String name) {
    List<Event> events = scenario.kubernetes.client().v1().events().inNamespace(ExportScenario.NAMESPACE).list()
        .getItems();
    return events.stream().filter(e -> StatusWriter.REJECTED.equals(e.getReason()))
        .filter(e -> name.equals(e.getInvolvedObject().getName())).findFirst().orElse(null);
  }
}
