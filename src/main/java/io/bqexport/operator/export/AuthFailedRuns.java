package io.bqexport.operator.export;

import io.bqexport.api.v1alpha1.BigQueryExportStatus;
import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.api.v1alpha1.RunRecord;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A run that failed on credentials after the last validation means the credentials changed: they are checked again.
 * Recorded runs count too: their Jobs are no longer observed. Times compare as instants, not text: the validation
 * time can carry a fraction of a second ("10:00:00.5Z" sorts before "10:00:00Z" as text) and status can be edited.
 */
final class AuthFailedRuns {
  static final Set<String> REASONS =
      Set.of(Reasons.AMPLITUDE_AUTH_FAILED, Reasons.BIGQUERY_AUTH_FAILED, Reasons.PERMISSION_DENIED);

  private AuthFailedRuns() {}

  /** @param observed the runs observed now, beside those the status recorded */
  static boolean sinceValidation(BigQueryExportStatus status, List<RunHistory.Run> observed) {
    Optional<Instant> validatedAt = status == null || status.credentials() == null ? Optional.empty()
        : RunHistory.instant(status.credentials().validatedAt());
    List<RunRecord> recorded = status == null || status.runs() == null ? List.of() : status.runs();
    return validatedAt.isPresent() && Stream.concat(recorded.stream(), observed.stream().map(RunHistory.Run::record))
        .anyMatch(r -> r.reason() != null && REASONS.contains(r.reason()) && RunHistory.instant(r.completionTime())
            .filter(completed -> completed.isAfter(validatedAt.get())).isPresent());
  }
}
