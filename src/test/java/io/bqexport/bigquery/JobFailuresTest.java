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

  @Test
  void aLoadErrorResultIsClassifiedLikeAQueryOnesAndOneWithoutAReasonIsRejectedData() {
    assertThat(JobFailures.ofLoad(error("backendError", "try again"), List.of(), "j", "loading").reason())
        .isEqualTo(FailureReason.DestinationUnavailable);
    ExportFailure noReason = JobFailures.ofLoad(error(null, "something"), null, "j", "loading");
    assertThat(noReason.reason()).isEqualTo(FailureReason.LoadRejected);
    assertThat(noReason.getMessage()).endsWith("after 3 runs failing the same way the hours are quarantined"
        + " (status.quarantinedHours)");
  }

  @Test
  void theErrorResultRepeatedInErrorsIsQuotedOnceAndOnlyErrorsBeyondThreeAreCounted() {
    BigQueryError result = error("invalid", "Error while reading data");
    List<BigQueryError> three = List.of(result, error("invalid", "second"), error("invalid", "third"));
    assertThat(JobFailures.ofLoad(result, three, "j", "loading").getMessage())
        .contains("(job j: invalid at query: Error while reading data; invalid at query: second; invalid at query:"
            + " third)").doesNotContain("more error");

    List<BigQueryError> five = List.of(result, error("invalid", "second"), error("invalid", "third"),
        error("invalid", "fourth"), error("invalid", "fifth"));
    assertThat(JobFailures.ofLoad(result, five, "j", "loading").getMessage())
        .contains("invalid at query: third; 2 more error(s))").doesNotContain("fourth");
  }

  @Test
  void aFailedQueryIsClassifiedByItsReasonAndA403ByPermissionUnlessItIsAQuota() {
    ExportFailure invalid = JobFailures.of(new BigQueryException(400, "bad", error("invalidQuery", "Syntax error")),
        "committing");
    assertThat(invalid.reason()).isEqualTo(FailureReason.LoadRejected);
    assertThat(invalid.getMessage()).startsWith("LoadRejected while committing (invalidQuery at query: Syntax error)");

    assertThat(JobFailures.of(new BigQueryException(403, "quota", error("quotaExceeded", "Quota exceeded")),
        "committing").reason()).isEqualTo(FailureReason.QuotaExceeded);
    assertThat(JobFailures.of(new BigQueryException(403, "denied", error("invalid", "Access Denied: Table p:d.t")),
        "committing").reason()).as("a 403 is about permissions, whatever the reason says")
        .isEqualTo(FailureReason.PermissionDenied);
    assertThat(JobFailures.of(new BigQueryException(400, "no error"), "committing").reason())
        .as("no errorResult: the HTTP status decides").isEqualTo(FailureReason.DestinationUnavailable);
  }
}
