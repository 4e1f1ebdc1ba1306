package io.bqexport.operator.export;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.BigQueryExportStatus;
import io.bqexport.api.v1alpha1.RunRecord;
import io.bqexport.exporter.RunSummary;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Per-export metrics on /metrics: bqexport_export_lag_seconds, bqexport_export_last_success_timestamp_seconds,
 * bqexport_export_rows_total and bqexport_export_run_failures_total{reason}. Runs are counted once, when this
 * process first sees them finished.
 */
public final class ExportMetrics {
  private final MeterRegistry registry;
  private final Map<String, AtomicLong> lag = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> lastSuccess = new ConcurrentHashMap<>();
  private final Set<String> counted = ConcurrentHashMap.newKeySet();

  public ExportMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  void record(BigQueryExport export, BigQueryExportStatus status, List<RunHistory.Run> runs, Instant now) {
    Tags tags = Tags.of("namespace", export.getMetadata().getNamespace(), "export", export.getMetadata().getName());
    String key = export.getMetadata().getNamespace() + "/" + export.getMetadata().getName();
    if (status.exportedThrough() != null) {
      Freshness f = Freshness.of(ExporterConfigMap.startFrom(export, now), Instant.parse(status.exportedThrough()),
          export.getSpec().availabilityDelay(), export.getSpec().freshnessThreshold(), now);
      gauge("bqexport_export_lag_seconds", tags, lag, key).set(f.lag().toSeconds());
    }
    RunRecord success = status.lastSuccessfulRun();
    if (success != null && success.completionTime() != null) {
      gauge("bqexport_export_last_success_timestamp_seconds", tags, lastSuccess, key)
          .set(Instant.parse(success.completionTime()).getEpochSecond());
    }
    for (RunHistory.Run run : runs) {
      RunRecord r = run.record();
      if (RunHistory.RUNNING.equals(r.result()) || !counted.add(key + "/" + r.job())) {
        continue;
      }
      if (RunSummary.FAILED.equals(r.result())) {
        Counter.builder("bqexport_export_run_failures_total").tags(tags)
            .tag("reason", r.reason() == null ? "Unknown" : r.reason()).register(registry).increment();
      }
      if (r.rows() != null) {
        Counter.builder("bqexport_export_rows_total").tags(tags).register(registry).increment(r.rows());
      }
    }
  }

  private AtomicLong gauge(String name, Tags tags, Map<String, AtomicLong> values, String key) {
    return values.computeIfAbsent(key, k -> {
      AtomicLong value = new AtomicLong();
      Gauge.builder(name, value, AtomicLong::get).tags(tags).register(registry);
      return value;
    });
  }

}
