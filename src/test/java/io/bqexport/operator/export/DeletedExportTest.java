package io.bqexport.operator.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.operator.status.ConditionType;
import io.bqexport.testing.ExportScenario;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** An export's metrics exist from its first reconcile and go away with it. */
class DeletedExportTest {
  private static final Instant NOW = Instant.parse("2026-11-28T10:10:00Z");

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
  void theLagMetricExistsBeforeTheFirstRunAndDisappearsWithTheExport() {
    // Hours from 05:00 are due by now (hour + 1h + 2h availabilityDelay), and none is exported yet.
    scenario.create(scenario.export("gone", Instant.parse("2026-11-28T05:00:00Z")));
    scenario.await("gone", ConditionType.CREDENTIALS_VALID, c -> c.isTrue());
    await().atMost(Duration.ofMinutes(2)).until(() -> lagSeries("gone") != null);
    String series = lagSeries("gone");
    assertThat(Double.parseDouble(series.substring(series.lastIndexOf(' ') + 1)))
        .as("hours are due and none is exported").isGreaterThanOrEqualTo(Duration.ofHours(2).toSeconds());

    scenario.kubernetes.client().resources(BigQueryExport.class).inNamespace(ExportScenario.NAMESPACE)
        .withName("gone").delete();
    await().atMost(Duration.ofMinutes(2)).until(() -> !scrape().contains("export=\"gone\""));
  }

  private String lagSeries(String export) {
    return scrape().lines().filter(l -> l.startsWith("bqexport_export_lag_seconds{")
        && l.contains("export=\"" + export + "\"")).findFirst().orElse(null);
  }

  private String scrape() {
    return scenario.operator().operator().registry().scrape();
  }
}
