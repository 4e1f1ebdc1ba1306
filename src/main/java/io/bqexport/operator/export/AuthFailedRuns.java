package io.bqexport.operator.export;

import io.bqexport.api.v1alpha1.BigQueryExportStatus;
import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.api.v1alpha1.RunRecord;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A run that failed on credentials after the last validation means the credentials changed: they are checked again.
 * Recorded runs count too: their Jobs are no longer observed.
 */
final class AuthFailedRuns {
  static final Set<String> REASONS =
      Set.of(Reasons.AMPLITUDE_AUTH_FAILED, Reasons.BIGQUERY_AUTH_FAILED, Reasons.PERMISSION_DENIED);

  private AuthFailedRuns() {}

  /** @param observed the runs observed now, beside those the status recorded */
  static boolean sinceValidation(BigQueryExportStatus status, List<RunHistory.Run> observed) {
    String validatedAt = status == null || status.credentials() == null ? null : status.credentials().validatedAt();
    List<RunRecord> recorded = status == null || status.runs() == null ? List.of() : status.runs();
    return validatedAt != null && Stream.concat(recorded.stream(), observed.stream().map(RunHistory.Run::record))
        .anyMatch(r -> r.reason() != null && REASONS.contains(r.reason()) && r.completionTime() != null
            && r.completionTime().compareTo(validatedAt) > 0);
  }
}
