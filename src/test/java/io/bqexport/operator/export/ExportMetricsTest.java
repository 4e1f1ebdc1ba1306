package io.bqexport.operator.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.BigQueryExportStatus;
import io.bqexport.api.v1alpha1.RunRecord;
import io.bqexport.exporter.RunSummary;
import io.bqexport.testing.ExportFixtures;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The per-export metrics hold no memory per run beyond the runs still observed: an hourly export runs 8,760 times a
 * year, and the operator runs for months. Counting stays exact while the window of observed runs slides.
 */
class ExportMetricsTest {
  private static final Instant NOW = Instant.parse("2026-11-28T10:10:00Z");

  @Test
  void runsAreCountedOnceAndForgottenWhenNoLongerObserved() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ExportMetrics metrics = new ExportMetrics(registry);
    BigQueryExport export = ExportFixtures.export("analytics", "product-events", null);
    BigQueryExportStatus status = new BigQueryExportStatus(null, null, null, null, null, null, null, null, null,
        null, null, null);

    int runs = 1000;
    for (int i = 1; i <= runs; i++) {
      // The history keeps the newest three Jobs, as spec.historyLimit does.
      List<RunHistory.Run> observed = new java.util.ArrayList<>();
      for (int j = Math.max(1, i - 2); j <= i; j++) {
        observed.add(run(j));
      }
      metrics.record(export, status, observed, NOW.plus(Duration.ofHours(i)));
    }

    assertThat(registry.get("bqexport_export_rows_total").counter().count()).isEqualTo(runs * 10.0);
    assertThat(registry.get("bqexport_hours_verified_total").counter().count()).isEqualTo(runs);
    assertThat(metrics.runsRemembered()).as("only the observed runs are remembered").isLessThanOrEqualTo(2 * 3);
  }

  /** A forged termination message cannot grow the failure metric's label values without bound. */
  @Test
  void failureReasonsOutsideTheKnownOnesAreCountedAsOther() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ExportMetrics metrics = new ExportMetrics(registry);
    BigQueryExport export = ExportFixtures.export("analytics", "product-events", null);
    BigQueryExportStatus status = new BigQueryExportStatus(null, null, null, null, null, null, null, null, null,
        null, null, null);
    List<RunHistory.Run> failed = new java.util.ArrayList<>();
    for (String reason : List.of("AmplitudeAuthFailed", "OOMKilled", "forged-1", "forged-2", "x".repeat(500))) {
      String start = NOW.plus(Duration.ofMinutes(failed.size())).toString();
      failed.add(new RunHistory.Run(new RunRecord("run-" + failed.size(), null, "Scheduled", start, start, "Failed",
          null, null, null, null, null, reason, "m"), Optional.empty()));
    }

    metrics.record(export, status, failed, NOW);

    assertThat(registry.find("bqexport_export_run_failures_total").counters())
        .extracting(c -> c.getId().getTag("reason"), c -> c.count())
        .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("AmplitudeAuthFailed", 1.0),
            org.assertj.core.groups.Tuple.tuple("OOMKilled", 1.0), org.assertj.core.groups.Tuple.tuple("Other", 3.0));
  }

  private static RunHistory.Run run(int n) {
    String start = NOW.plus(Duration.ofHours(n)).toString();
    RunRecord record = new RunRecord("run-" + n, "run-" + n + "-pod", "Scheduled", start, start, "Succeeded", 1L,
        10L, null, 1L, 0L, null, null);
    RunSummary summary = new RunSummary(RunSummary.SUCCEEDED, null, "committed 1 hour(s)", 1, "FillGaps", null,
        List.of(), 10, 0, 0, null, 0, List.of(), start, start, 0, 0, 0, List.of(), 1, List.of(), null, 0, 0);
    return new RunHistory.Run(record, Optional.of(summary));
  }
}
