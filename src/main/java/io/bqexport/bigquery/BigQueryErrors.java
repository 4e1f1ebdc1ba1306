package io.bqexport.bigquery;

import com.google.cloud.bigquery.BigQueryError;
import com.google.cloud.bigquery.BigQueryException;
import io.bqexport.exporter.ExportFailure;
import io.bqexport.exporter.FailureReason;

/** Turns BigQuery client errors into failures with a reason and an actionable message. */
public final class BigQueryErrors {

  private BigQueryErrors() {}

  public static ExportFailure translate(BigQueryException e, String action) {
    if (isAuthFailure(e)) {
      return new ExportFailure(FailureReason.BigQueryAuthFailed, "Google rejected the service-account key while "
          + action + " (" + shortMessage(e) + "); the key may be deleted or disabled: create a new key and update "
          + "the Secret", e);
    }
    BigQueryError error = e.getError();
    String reason = error == null ? "" : String.valueOf(error.getReason());
    if (e.getCode() == 403 && !reason.equals("rateLimitExceeded") && !reason.equals("quotaExceeded")) {
      return new ExportFailure(FailureReason.PermissionDenied, "BigQuery denied " + action + " ("
          + shortMessage(e) + "); grant the service account roles/bigquery.dataEditor on the dataset and "
          + "roles/bigquery.jobUser on the project", e);
    }
    if (e.getCode() == 404 && shortMessage(e).contains("Dataset")) {
      return new ExportFailure(FailureReason.DatasetNotFound, "the dataset does not exist while " + action + " ("
          + shortMessage(e) + "); create it, or set destination.createDataset: true", e);
    }
    return new ExportFailure(FailureReason.DestinationUnavailable, "BigQuery failed while " + action + " (HTTP "
        + e.getCode() + ": " + shortMessage(e) + "); nothing was lost, the next run retries", e);
  }

  static boolean isAuthFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BigQueryException bq && bq.getCode() == 401) {
        return true;
      }
      String name = t.getClass().getName();
      String message = String.valueOf(t.getMessage());
      if (name.startsWith("com.google.auth.") || message.contains("Error getting access token")
          || message.contains("invalid_grant")) {
        return true;
      }
    }
    return false;
  }

  /** The exception's message as status and Events may show it: no key or token material, at most 300 chars. */
  static String shortMessage(Throwable e) {
    return shortMessage(e.getMessage());
  }

  static String shortMessage(String message) {
    return ErrorText.safe(message, 300);
  }
}
