package io.bqexport.operator.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.api.v1alpha1.BigQueryExportStatus;
import io.bqexport.api.v1alpha1.CredentialsStatus;
import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.api.v1alpha1.RunRecord;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which failed runs send the credentials to be checked again. */
class AuthFailedRunsTest {
  private static final String VALIDATED_AT = "2026-11-28T10:00:00Z";

  @Test
  void eachAuthReasonAfterTheValidationCounts() {
    for (String reason : List.of(Reasons.AMPLITUDE_AUTH_FAILED, Reasons.BIGQUERY_AUTH_FAILED,
        Reasons.PERMISSION_DENIED)) {
      assertThat(AuthFailedRuns.sinceValidation(status(VALIDATED_AT), List.of(observed(reason,
          "2026-11-28T10:00:01Z")))).as(reason).isTrue();
    }
  }

  @Test
  void aRecordedRunCountsToo() {
    BigQueryExportStatus status = status(VALIDATED_AT, failed(Reasons.BIGQUERY_AUTH_FAILED, "2026-11-28T11:00:00Z"));
    assertThat(AuthFailedRuns.sinceValidation(status, List.of())).isTrue();
  }

  @Test
  void otherFailuresAndFailuresAtOrBeforeTheValidationDoNot() {
    assertThat(AuthFailedRuns.sinceValidation(status(VALIDATED_AT, failed("OOMKilled", "2026-11-28T11:00:00Z"),
        failed(null, "2026-11-28T11:00:00Z")), List.of())).isFalse();
    assertThat(AuthFailedRuns.sinceValidation(status(VALIDATED_AT), List.of(
        observed(Reasons.AMPLITUDE_AUTH_FAILED, VALIDATED_AT), observed(Reasons.AMPLITUDE_AUTH_FAILED,
            "2026-11-28T09:59:59Z")))).as("the validation already saw them").isFalse();
    assertThat(AuthFailedRuns.sinceValidation(status(VALIDATED_AT), List.of(
        observed(Reasons.AMPLITUDE_AUTH_FAILED, null)))).as("still running").isFalse();
  }

  @Test
  void timesCompareAsInstantsNotAsText() {
    String validatedWithFraction = "2026-11-28T10:00:00.500Z";
    assertThat(AuthFailedRuns.sinceValidation(status(validatedWithFraction), List.of(
        observed(Reasons.AMPLITUDE_AUTH_FAILED, "2026-11-28T10:00:00Z")))).as("half a second before").isFalse();
    assertThat(AuthFailedRuns.sinceValidation(status(validatedWithFraction), List.of(
        observed(Reasons.AMPLITUDE_AUTH_FAILED, "2026-11-28T10:00:01Z")))).as("after").isTrue();
    assertThat(AuthFailedRuns.sinceValidation(status(VALIDATED_AT), List.of(
        observed(Reasons.AMPLITUDE_AUTH_FAILED, "yesterday")))).as("an edited record that is no time").isFalse();
    assertThat(AuthFailedRuns.sinceValidation(status("not a time"), List.of(
        observed(Reasons.AMPLITUDE_AUTH_FAILED, "2026-11-28T11:00:00Z")))).as("an edited validation time").isFalse();
  }

  @Test
  void withoutAValidationNothingCounts() {
    List<RunHistory.Run> denied = List.of(observed(Reasons.PERMISSION_DENIED, "2026-11-28T11:00:00Z"));
    assertThat(AuthFailedRuns.sinceValidation(null, denied)).isFalse();
    assertThat(AuthFailedRuns.sinceValidation(status(null), denied)).isFalse();
    assertThat(AuthFailedRuns.sinceValidation(new BigQueryExportStatus(1L, List.of(), null, null, null, null, null,
        null, null, null, null, null), denied)).isFalse();
  }

  @Test
  void aStatusWithoutRunsStillLooksAtTheObservedOnes() {
    BigQueryExportStatus noRuns = new BigQueryExportStatus(1L, List.of(), credentials(VALIDATED_AT), null, null, null,
        null, null, null, null, null, null);
    assertThat(AuthFailedRuns.sinceValidation(noRuns, List.of(observed(Reasons.PERMISSION_DENIED,
        "2026-11-28T11:00:00Z")))).isTrue();
    assertThat(AuthFailedRuns.sinceValidation(noRuns, List.of())).isFalse();
  }

  private static BigQueryExportStatus status(String validatedAt, RunRecord... runs) {
    return new BigQueryExportStatus(1L, List.of(), credentials(validatedAt), null, null, null, null, List.of(runs),
        null, null, null, null);
  }

  private static CredentialsStatus credentials(String validatedAt) {
    return new CredentialsStatus("bq-writer@acme.iam.gserviceaccount.com", "acme", "fp", validatedAt, "1,2");
  }

  private static RunHistory.Run observed(String reason, String completionTime) {
    return new RunHistory.Run(failed(reason, completionTime), Optional.empty());
  }

  private static RunRecord failed(String reason, String completionTime) {
    return new RunRecord("run-1", "run-1-pod", "Scheduled", "2026-11-28T09:00:00Z", completionTime,
        completionTime == null ? "Running" : "Failed", 0L, 0L, null, null, null, reason, "refused");
  }
}
