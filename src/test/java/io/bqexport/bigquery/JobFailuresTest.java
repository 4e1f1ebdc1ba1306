package io.bqexport.bigquery;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.bigquery.BigQueryError;
import com.google.cloud.bigquery.BigQueryException;
import io.bqexport.exporter.ExportFailure;
import io.bqexport.exporter.FailureReason;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Job outcomes are classified by the reasons BigQuery documents in errorResult, never by guessing. */
class JobFailuresTest {

  private static BigQueryError error(String reason, String message) {
    return new BigQueryError(reason, "query", message);
  }

  @Test
  void reasonsFromJobStatus() {
    assertThat(JobFailures.reasonOf(error("invalid", "Error while reading data"))).isEqualTo(FailureReason.LoadRejected);
    assertThat(JobFailures.reasonOf(error("invalidQuery", "Query error: Transaction is aborted due to concurrent "
        + "update against table p:d.t"))).isEqualTo(FailureReason.TransactionAborted);
    assertThat(JobFailures.reasonOf(error("quotaExceeded", "Quota exceeded"))).isEqualTo(FailureReason.QuotaExceeded);
    assertThat(JobFailures.reasonOf(error("rateLimitExceeded", "Exceeded rate limits")))
        .isEqualTo(FailureReason.QuotaExceeded);
    assertThat(JobFailures.reasonOf(error("backendError", "try again"))).isEqualTo(FailureReason.DestinationUnavailable);
    assertThat(JobFailures.reasonOf(error("accessDenied", "Access Denied"))).isEqualTo(FailureReason.PermissionDenied);
    assertThat(JobFailures.reasonOf(error("notFound", "Not found: Dataset p:d"))).isEqualTo(FailureReason.DatasetNotFound);
  }

  @Test
  void aRejectedLoadQuotesReasonLocationAndFirstMessagesButNoRowContent() {
    ExportFailure failure = JobFailures.ofLoad(error("invalid", "Error while reading data, error message: JSON "
            + "table encountered too many errors"), List.of(
            new BigQueryError("invalid", "gs://x/row 3", "Could not parse 'secret@example.com' as TIMESTAMP"),
            new BigQueryError("invalid", "row 4", "Invalid value \"4111-1111\" for field a"),
            new BigQueryError("invalid", "row 5", "third"), new BigQueryError("invalid", "row 6", "fourth"),
            new BigQueryError("invalid", "row 7", "fifth")),
        "bqexport_1", "loading a window");

    assertThat(failure.reason()).isEqualTo(FailureReason.LoadRejected);
    assertThat(failure.getMessage()).contains("job bqexport_1", "invalid at gs://x/row 3", "as TIMESTAMP",
        "more error(s)").doesNotContain("secret@example.com", "4111-1111", "fifth");
  }

  @Test
  void aTransientQueryErrorIsNotPermanent() {
    BigQueryException e = new BigQueryException(503, "backend", error("backendError", "try again"));

    assertThat(JobFailures.of(e, "committing").reason()).isEqualTo(FailureReason.DestinationUnavailable);
    assertThat(FailureReason.DestinationUnavailable.hourSpecific()).isFalse();
    assertThat(FailureReason.QuotaExceeded.hourSpecific()).isFalse();
    assertThat(FailureReason.LoadRejected.hourSpecific()).isTrue();
  }
}
