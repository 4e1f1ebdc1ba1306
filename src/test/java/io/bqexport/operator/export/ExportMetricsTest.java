package io.bqexport.operator.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.BigQueryExportStatus;
import io.bqexport.api.v1alpha1.IntegrityStatus;
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

  @Test
  void theGaugesShowTheLagTheLastSuccessAndTheVerificationLag() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ExportMetrics metrics = new ExportMetrics(registry);
    BigQueryExport export = ExportFixtures.export("analytics", "product-events", null);
    export.setSpec(io.bqexport.testing.ExportSpecs.withStartFrom(export.getSpec(), "2026-11-28T00:00:00Z"));
    RunRecord success = new RunRecord("run-1", "run-1-pod", "Scheduled", "2026-11-28T08:55:00Z",
        "2026-11-28T09:00:00Z", "Succeeded", 1L, 10L, null, null, null, null, null);
    BigQueryExportStatus status = new BigQueryExportStatus(null, null, null, "2026-11-28T05:00:00Z", null, success,
        success, null, null, null, null, new IntegrityStatus("2026-11-28T04:00:00Z", 1L, 0L, null, null));

    metrics.record(export, status, List.of(), NOW);

    assertThat(registry.get("bqexport_export_lag_seconds").gauge().value()).as("due through 08:00, at 05:00")
        .isEqualTo(3 * 3600);
    assertThat(registry.get("bqexport_export_last_success_timestamp_seconds").gauge().value())
        .isEqualTo(Instant.parse("2026-11-28T09:00:00Z").getEpochSecond());
    assertThat(registry.get("bqexport_verification_lag_seconds").gauge().value()).isEqualTo(6 * 3600 + 600);

    BigQueryExportStatus noIntegrity = new BigQueryExportStatus(null, null, null, "2026-11-28T08:00:00Z", null, null,
        null, null, null, null, null, null);
    metrics.record(export, noIntegrity, List.of(), NOW);
    assertThat(registry.find("bqexport_verification_lag_seconds").gauges()).as("gone without a verified prefix")
        .isEmpty();
    assertThat(registry.get("bqexport_export_lag_seconds").gauge().value()).isZero();
  }

  @Test
  void repairedHoursAreCountedOncePerPodAndRemembered() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ExportMetrics metrics = new ExportMetrics(registry);
    BigQueryExport export = ExportFixtures.export("analytics", "product-events", null);
    BigQueryExportStatus status = new BigQueryExportStatus(null, null, null, null, null, null, null, null, null,
        null, null, null);
    String at = NOW.toString();
    RunRecord record = new RunRecord("run-1", "run-1-pod", "Scheduled", at, at, "Succeeded", 1L, 10L, null, 3L, 2L,
        null, null);
    RunSummary summary = new RunSummary(RunSummary.SUCCEEDED, null, "done", 0, "FillGaps", null, List.of(), 1, 10, 0,
        null, 0, List.of(), at, at, 0, 0, 0, List.of(), 3, List.of(
            new RunSummary.Repaired("2026-11-27T03:00:00Z", 1, 2, at),
            new RunSummary.Repaired("2026-11-27T04:00:00Z", 1, 2, at)), null, 0, 0);
    List<RunHistory.Run> runs = List.of(new RunHistory.Run(record, Optional.of(summary)));

    metrics.record(export, status, runs, NOW);
    metrics.record(export, status, runs, NOW);

    assertThat(registry.get("bqexport_hours_repaired_total").counter().count()).isEqualTo(2);
    assertThat(registry.get("bqexport_hours_verified_total").counter().count()).isEqualTo(3);
    assertThat(metrics.runsRemembered()).as("counted once, reported once").isEqualTo(2);
  }

  @Test
  void forgettingAnExportRemovesItsSeriesAndMemoryButNotAnothers() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ExportMetrics metrics = new ExportMetrics(registry);
    BigQueryExport gone = ExportFixtures.export("analytics", "product-events", null);
    BigQueryExport kept = ExportFixtures.export("analytics", "product-events-2", null);
    BigQueryExport elsewhere = ExportFixtures.export("other", "product-events", null);
    BigQueryExportStatus status = new BigQueryExportStatus(null, null, null, null, null, null, null, null, null,
        null, null, new IntegrityStatus("2026-11-28T04:00:00Z", 1L, 0L, null, null));
    for (BigQueryExport export : List.of(gone, kept, elsewhere)) {
      metrics.record(export, status, List.of(run(1)), NOW);
    }
    assertThat(metrics.runsRemembered()).isEqualTo(6);

    metrics.forget("analytics", "product-events");

    assertThat(registry.getMeters()).extracting(m -> m.getId().getTag("namespace") + "/" + m.getId().getTag("export"))
        .doesNotContain("analytics/product-events").contains("analytics/product-events-2", "other/product-events");
    assertThat(metrics.runsRemembered()).isEqualTo(4);

    metrics.record(gone, status, List.of(run(1)), NOW);
    assertThat(registry.find("bqexport_export_rows_total").tag("export", "product-events")
        .tag("namespace", "analytics").counter().count()).as("counted afresh after forgetting").isEqualTo(10);
    assertThat(registry.find("bqexport_verification_lag_seconds").tag("namespace", "analytics")
        .tag("export", "product-events").gauge()).as("its gauge registered again").isNotNull();
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
