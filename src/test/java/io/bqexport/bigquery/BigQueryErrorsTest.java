package io.bqexport.bigquery;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.bigquery.BigQueryError;
import com.google.cloud.bigquery.BigQueryException;
import io.bqexport.exporter.ExportFailure;
import io.bqexport.exporter.FailureReason;
import org.junit.jupiter.api.Test;

/** Client errors to failure reasons, each with the fix its message names. */
class BigQueryErrorsTest {

  private static BigQueryException error(int code, String reason, String message) {
    return new BigQueryException(code, message, new BigQueryError(reason, "global", message));
  }

  @Test
  void aMissingDatasetIsDatasetNotFound() {
    ExportFailure failure = BigQueryErrors.translate(error(404, "notFound", "Not found: Dataset acme:amplitude"),
        "reading dataset amplitude");

    assertThat(failure.reason()).isEqualTo(FailureReason.DatasetNotFound);
    assertThat(failure.getMessage()).isEqualTo("the dataset does not exist while reading dataset amplitude"
        + " (Not found: Dataset acme:amplitude); create it, or set destination.createDataset: true");
  }

  @Test
  void anotherMissingThingIsRetriedAsDestinationUnavailable() {
    ExportFailure failure = BigQueryErrors.translate(error(404, "notFound", "Not found: Table acme:amplitude.x"),
        "reading table x");

    assertThat(failure.reason()).isEqualTo(FailureReason.DestinationUnavailable);
    assertThat(failure.getMessage()).contains("HTTP 404", "the next run retries");
  }

  @Test
  void a401IsAnAuthFailureWhateverItsMessage() {
    BigQueryException unauthorized = error(401, "unauthorized", "Request had invalid authentication credentials.");

    assertThat(BigQueryErrors.isAuthFailure(unauthorized)).isTrue();
    assertThat(BigQueryErrors.translate(unauthorized, "creating a table").reason())
        .isEqualTo(FailureReason.BigQueryAuthFailed);
  }

  @Test
  void aDenialIsPermissionDeniedButAQuotaIsNot() {
    assertThat(BigQueryErrors.translate(error(403, "accessDenied", "Access Denied: Table"), "loading").reason())
        .isEqualTo(FailureReason.PermissionDenied);
    assertThat(BigQueryErrors.translate(error(403, "rateLimitExceeded", "Exceeded rate limits"), "loading").reason())
        .isEqualTo(FailureReason.DestinationUnavailable);
    assertThat(BigQueryErrors.isAuthFailure(error(403, "accessDenied", "Access Denied: Table"))).isFalse();
  }
}
