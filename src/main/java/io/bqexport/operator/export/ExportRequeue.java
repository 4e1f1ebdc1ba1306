package io.bqexport.operator.export;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.BigQueryExportSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * When an export is reconciled again without an event: at the next credential retry or freshness change (a second
 * after, so the change has happened), at most {@link #MAX} later, and for Transfer Service delivery at the next poll.
 */
final class ExportRequeue {
  static final Duration MAX = Duration.ofMinutes(10);

  private ExportRequeue() {}

  /** @param transferPoll the Transfer Service poll interval; null for Direct delivery */
  static Duration validSpec(BigQueryExport export, CredentialValidations.Outcome credentials, Duration transferPoll,
      Instant now) {
    List<Instant> candidates = new ArrayList<>();
    if (credentials != null && credentials.retryAt() != null) {
      candidates.add(credentials.retryAt());
    }
    candidates.add(Freshness.of(ExporterConfigMap.startFrom(export, now), null, export.getSpec().availabilityDelay(),
        export.getSpec().freshnessThreshold(), now).reevaluateAt());
    Duration next = MAX;
    for (Instant at : candidates) {
      Duration d = Duration.between(now, at).plusSeconds(1);
      if (!d.isNegative() && d.compareTo(next) < 0) {
        next = d;
      }
    }
    return transferPoll == null ? next : min(next, transferPoll);
  }

  /** An invalid spec that becomes valid later (a startFrom in the future): then; otherwise only an edit helps. */
  static Optional<Duration> invalidSpec(BigQueryExportSpec spec, Instant now) {
    return ExportSpecValidator.validAt(spec, now).map(at -> min(Duration.between(now, at).plusSeconds(1), MAX));
  }

  static Duration min(Duration a, Duration b) {
    return a.compareTo(b) < 0 ? a : b;
  }
}
