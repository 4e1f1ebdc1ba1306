package io.bqexport.bigquery;

import com.google.cloud.bigquery.BigQueryError;
import com.google.cloud.bigquery.BigQueryException;
import io.bqexport.exporter.ExportFailure;
import io.bqexport.exporter.FailureReason;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads a failed job's outcome from its status ({@code errorResult} and {@code errors[]}), by the reasons BigQuery
 * documents (https://cloud.google.com/bigquery/docs/error-messages), instead of guessing from exceptions. Messages
 * quote BigQuery's reason, location and first messages with quoted values cut out, so no row content leaks into
 * logs, the run summary or status.
 */
final class JobFailures {

  /**
   * Reasons that say nothing about the data. "duplicate" is "trying to create a job, dataset, or table that already
   * exists": a retried request whose first answer was lost, whose outcome a rerun of the idempotent commit settles.
   */
  private static final Set<String> TRANSIENT = Set.of("backendError", "internalError", "jobBackendError",
      "jobInternalError", "notFound", "stopped", "timeout", "tableUnavailable", "duplicate");
  private static final Set<String> QUOTA = Set.of("quotaExceeded", "rateLimitExceeded", "resourcesExceeded");
  private static final int MESSAGES = 3;

  private JobFailures() {}

  /** A load job that ended DONE with an errorResult. */
  static ExportFailure ofLoad(BigQueryError errorResult, List<BigQueryError> errors, String jobId, String action) {
    FailureReason reason = reasonOf(errorResult);
    if (reason == null) {
      reason = FailureReason.LoadRejected;
    }
    return new ExportFailure(reason, reason + " while " + action + " (job " + jobId + ": " + describe(errorResult,
        errors) + ")" + advice(reason));
  }

  /** A query job or API call that failed: the exception carries the job's errorResult and errors when it ran. */
  static ExportFailure of(BigQueryException e, String action) {
    BigQueryError error = e.getError();
    FailureReason reason = error == null || BigQueryErrors.isAuthFailure(e) || e.getCode() == 403
        && !QUOTA.contains(String.valueOf(error.getReason())) ? null : reasonOf(error);
    if (reason == null || reason == FailureReason.DestinationUnavailable) {
      return BigQueryErrors.translate(e, action);
    }
    return new ExportFailure(reason, reason + " while " + action + " (" + describe(error, e.getErrors()) + ")"
        + advice(reason), e);
  }

  /** The failure reason of a job error; null when BigQuery did not say (then the HTTP status decides). */
  static FailureReason reasonOf(BigQueryError error) {
    if (error == null || error.getReason() == null) {
      return null;
    }
    String reason = error.getReason();
    String message = String.valueOf(error.getMessage());
    if (message.contains("concurrent update")) {
      // "Transaction is aborted due to concurrent update against table ..." (reason invalidQuery or aborted)
      return FailureReason.TransactionAborted;
    }
    if (QUOTA.contains(reason)) {
      return FailureReason.QuotaExceeded;
    }
    if (TRANSIENT.contains(reason)) {
      return message.contains("Not found: Dataset") ? FailureReason.DatasetNotFound
          : FailureReason.DestinationUnavailable;
    }
    if (reason.equals("accessDenied")) {
      return FailureReason.PermissionDenied;
    }
    return FailureReason.LoadRejected; // invalid, invalidQuery, schema mismatch: the data or SQL itself
  }

  private static String describe(BigQueryError errorResult, List<BigQueryError> errors) {
    List<String> parts = new ArrayList<>();
    parts.add(one(errorResult));
    if (errors != null) {
      errors.stream().filter(e -> e != null && !same(e, errorResult)).limit(MESSAGES - 1)
          .forEach(e -> parts.add(one(e)));
      if (errors.size() > MESSAGES) {
        parts.add((errors.size() - MESSAGES) + " more error(s)");
      }
    }
    return String.join("; ", parts);
  }

  private static boolean same(BigQueryError a, BigQueryError b) {
    return b != null && String.valueOf(a.getMessage()).equals(b.getMessage());
  }

  private static String one(BigQueryError e) {
    String location = e.getLocation() == null || e.getLocation().isEmpty() ? "" : " at " + e.getLocation();
    return e.getReason() + location + ": " + redact(e.getMessage());
  }

  /** BigQuery's message without quoted values (they may be row content) or secrets, at most 200 characters. */
  static String redact(String message) {
    return ErrorText.safe(String.valueOf(message).replaceAll("'[^']*'", "'…'").replaceAll("\"[^\"]*\"", "\"…\""),
        200);
  }

  private static String advice(FailureReason reason) {
    return switch (reason) {
      case LoadRejected -> "; nothing of these hours was committed. Later hours go on; after 3 runs failing the same"
          + " way the hours are quarantined (status.quarantinedHours)";
      case QuotaExceeded -> "; a BigQuery quota is exhausted, the next run retries (see the project's quotas)";
      case TransactionAborted -> "; a concurrent commit to the same table won, the commit is retried";
      case PermissionDenied -> "; grant the service account roles/bigquery.dataEditor on the dataset and "
          + "roles/bigquery.jobUser on the project";
      case DatasetNotFound -> "; create the dataset, or set destination.createDataset: true";
      default -> "; nothing was lost, the next run retries";
    };
  }
}
