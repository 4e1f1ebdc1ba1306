package io.bqexport.operator.export;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.BigQueryExportStatus;
import io.bqexport.api.v1alpha1.RunRecord;
import io.bqexport.exporter.FailureReason;
import io.bqexport.exporter.RunSummary;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Per-export metrics on /metrics: bqexport_export_lag_seconds, bqexport_export_last_success_timestamp_seconds,
 * bqexport_export_rows_total and bqexport_export_run_failures_total{reason}; for the integrity re-check
 * bqexport_hours_verified_total, bqexport_hours_repaired_total and bqexport_verification_lag_seconds (now minus
 * status.integrity.verifiedThrough). Runs are counted once, when this process first sees them finished.
 */
public final class ExportMetrics {
  private static final String VERIFICATION_LAG = "bqexport_verification_lag_seconds";
  /**
   * The reasons a failure label may take: the exporter's and the ones Kubernetes sets on a pod or Job. A run summary
   * is a pod's termination message, which anyone who may create pods in the namespace can write: any other text is
   * "Other", so a forged reason cannot add metric series without bound.
   */
  private static final Set<String> REASON_LABELS = Stream.of(
      Arrays.stream(FailureReason.values()).map(Enum::name), RunHistory.WAITING_FAILURES.stream(),
      Stream.of("OOMKilled", "Error", "ContainerCannotRun", "DeadlineExceeded", "Evicted", "BackoffLimitExceeded",
          "PodFailurePolicy"))
      .flatMap(reasons -> reasons).collect(Collectors.toUnmodifiableSet());
  private final MeterRegistry registry;
  private final Map<String, AtomicLong> lag = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> lastSuccess = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> verificationLag = new ConcurrentHashMap<>();
  private final Set<String> counted = ConcurrentHashMap.newKeySet();
  private final Set<String> reported = ConcurrentHashMap.newKeySet();

  public ExportMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  static String reasonLabel(String reason) {
    return reason == null ? "Unknown" : REASON_LABELS.contains(reason) ? reason : "Other";
  }

  void record(BigQueryExport export, BigQueryExportStatus status, List<RunHistory.Run> runs, Instant now) {
    Tags tags = Tags.of("namespace", export.getMetadata().getNamespace(), "export", export.getMetadata().getName());
    String key = export.getMetadata().getNamespace() + "/" + export.getMetadata().getName();
    // Also before the first success: an export that never exported anything is the laggiest of all.
    Freshness f = Freshness.of(ExporterConfigMap.startFrom(export, now),
        RunHistory.instant(status.exportedThrough()).orElse(null),
        export.getSpec().availabilityDelay(), export.getSpec().freshnessThreshold(), now);
    gauge("bqexport_export_lag_seconds", tags, lag, key).set(f.lag().toSeconds());
    RunRecord success = status.lastSuccessfulRun();
    RunHistory.instant(success == null ? null : success.completionTime()).ifPresent(at ->
        gauge("bqexport_export_last_success_timestamp_seconds", tags, lastSuccess, key).set(at.getEpochSecond()));
    verificationLag(export, status, tags, key, now);
    for (RunHistory.Run run : runs) {
      RunRecord r = run.record();
      if (RunHistory.RUNNING.equals(r.result()) || !counted.add(key + "/" + r.job())) {
        continue;
      }
      if (RunSummary.FAILED.equals(r.result())) {
        Counter.builder("bqexport_export_run_failures_total").tags(tags)
            .tag("reason", reasonLabel(r.reason())).register(registry).increment();
      }
      if (r.rows() != null) {
        Counter.builder("bqexport_export_rows_total").tags(tags).register(registry).increment(r.rows());
      }
    }
    // From the first reconcile, so that rate() and alerts see 0 rather than no series.
    Counter verified = Counter.builder("bqexport_hours_verified_total").tags(tags).register(registry);
    Counter repaired = Counter.builder("bqexport_hours_repaired_total").tags(tags).register(registry);
    for (RunHistory.Run run : runs) {
      // Per pod (a Job retries in a new one), as soon as its summary is there.
      if (run.summary().isPresent() && reported.add(key + "/" + run.record().job() + "/" + run.record().pod())) {
        RunSummary s = run.summary().get();
        verified.increment(s.verifiedHours());
        repaired.increment(s.repaired() == null ? 0 : s.repaired().size());
      }
    }
    forgetRunsNoLongerObserved(key, runs);
  }

  /**
   * A run whose Job is gone (history limit) is never observed again, so remembering it counted only grows memory:
   * by 8,760 entries a year per hourly export. Empty means nothing was observed (an invalid spec), not "all gone".
   */
  private void forgetRunsNoLongerObserved(String key, List<RunHistory.Run> runs) {
    if (runs.isEmpty()) {
      return;
    }
    Set<String> jobs = runs.stream().map(r -> key + "/" + r.record().job()).collect(Collectors.toSet());
    String prefix = key + "/";
    counted.removeIf(k -> k.startsWith(prefix) && !jobs.contains(k));
    reported.removeIf(k -> k.startsWith(prefix) && !jobs.contains(k.substring(0, k.lastIndexOf('/'))));
  }

  /** Present while the re-check is on and has verified a prefix; an alert on it fires when verification stalls. */
  private void verificationLag(BigQueryExport export, BigQueryExportStatus status, Tags tags, String key,
      Instant now) {
    String through = status.integrity() == null ? null : status.integrity().verifiedThrough();
    if (through == null || !export.getSpec().integrity().enabled()) {
      AtomicLong gone = verificationLag.remove(key);
      if (gone != null) {
        registry.find(VERIFICATION_LAG).tags(tags).meters().forEach(registry::remove);
      }
      return;
    }
    gauge(VERIFICATION_LAG, tags, verificationLag, key)
        .set(Math.max(0, now.getEpochSecond() - Instant.parse(through).getEpochSecond()));
  }

  /** How many runs are remembered as counted, over all exports (for tests: it must not grow with time). */
  int runsRemembered() {
    return counted.size() + reported.size();
  }

  /** Removes a deleted export's series from /metrics and everything kept about it. */
  void forget(String namespace, String name) {
    String key = namespace + "/" + name;
    lag.remove(key);
    lastSuccess.remove(key);
    verificationLag.remove(key);
    counted.removeIf(k -> k.startsWith(key + "/"));
    reported.removeIf(k -> k.startsWith(key + "/"));
    registry.getMeters().stream()
        .filter(m -> m.getId().getName().startsWith("bqexport_")
            && namespace.equals(m.getId().getTag("namespace")) && name.equals(m.getId().getTag("export")))
        .toList().forEach(registry::remove);
  }

  private AtomicLong gauge(String name, Tags tags, Map<String, AtomicLong> values, String key) {
    return values.computeIfAbsent(key, k -> {
      AtomicLong value = new AtomicLong();
      Gauge.builder(name, value, AtomicLong::get).tags(tags).register(registry);
      return value;
    });
  }

}
