package io.bqexport.transfer;

import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.StatusCode;
import java.util.Locale;

/**
 * Maps a Transfer Service error to a {@link TransferFailure}. A disabled API answers PERMISSION_DENIED with the
 * ErrorInfo reason {@code SERVICE_DISABLED} and a message "... has not been used in project ... before or it is
 * disabled" (https://cloud.google.com/apis/design/errors#error_info); a missing IAM permission answers
 * PERMISSION_DENIED without that reason. Reading configs and runs needs {@code bigquery.transfers.get}; creating,
 * updating, deleting them and starting runs need {@code bigquery.transfers.update}
 * (https://cloud.google.com/bigquery/docs/enable-transfer-service#required_permissions).
 */
final class TransferErrors {
  private static final String API = "bigquerydatatransfer.googleapis.com";

  private TransferErrors() {}

  /**
   * @param operation what was attempted, e.g. "update the transfer config bqexport ns/name events"
   * @param permission the permission the operation needs
   * @param project the project the call was made in, for the fix
   */
  static TransferFailure map(ApiException e, String operation, String permission, String project) {
    StatusCode.Code code = e.getStatusCode().getCode();
    String message = e.getMessage() == null ? "" : e.getMessage();
    return switch (code) {
      case PERMISSION_DENIED -> serviceDisabled(e, message)
          ? new TransferFailure(TransferFailure.Reason.SERVICE_DISABLED, "could not " + operation
              + ": the BigQuery Data Transfer API is not enabled in project " + project + ". Enable it with "
              + "`gcloud services enable " + API + " --project " + project + "`, wait a few minutes, and the "
              + "operator retries.")
          : new TransferFailure(TransferFailure.Reason.PERMISSION_DENIED, "could not " + operation
              + ": permission " + permission + " denied in project " + project + ". Grant the credentials a role"
              + " with " + permission + " (roles/bigquery.admin has bigquery.transfers.get and"
              + " bigquery.transfers.update).");
      case UNAUTHENTICATED -> new TransferFailure(TransferFailure.Reason.AUTH_FAILED, "could not " + operation
          + ": the Transfer Service did not accept the credentials; check the key or the Workload Identity binding.");
      case INVALID_ARGUMENT, FAILED_PRECONDITION -> new TransferFailure(
          TransferFailure.Reason.CONFIG_REJECTED, "could not " + operation + ": the Transfer Service rejected"
              + " the request: " + firstLine(message));
      case NOT_FOUND -> new TransferFailure(TransferFailure.Reason.CONFIG_NOT_FOUND, "could not " + operation
          + ": not found (deleted outside bqexport, or the dataset or project does not exist)");
      case RESOURCE_EXHAUSTED -> new TransferFailure(TransferFailure.Reason.QUOTA_EXCEEDED, "could not "
          + operation + ": Transfer Service quota exceeded; retried later");
      case UNAVAILABLE, DEADLINE_EXCEEDED, INTERNAL, ABORTED -> new TransferFailure(
          TransferFailure.Reason.SERVICE_UNAVAILABLE, "could not " + operation + ": the Transfer Service is"
              + " unavailable (" + code + "); retried later");
      default -> new TransferFailure(TransferFailure.Reason.CALL_FAILED, "could not " + operation + ": "
          + code + " " + firstLine(message));
    };
  }

  private static boolean serviceDisabled(ApiException e, String message) {
    return "SERVICE_DISABLED".equals(e.getReason())
        || message.toLowerCase(Locale.ROOT).contains("has not been used in project");
  }

  /** The service's message without the gRPC status prefix or anything after the first line. */
  private static String firstLine(String message) {
    String line = message.lines().findFirst().orElse("");
    int prefix = line.indexOf(": ");
    return line.startsWith("io.grpc.StatusRuntimeException") && prefix > 0 ? line.substring(prefix + 2) : line;
  }
}
