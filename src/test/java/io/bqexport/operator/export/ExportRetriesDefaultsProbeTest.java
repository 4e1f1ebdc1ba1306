package io.bqexport.operator.export;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Since suite-trim, every operator test that meets a failed probe or a refused child write shortens the waits
 * ({@link ExportRetries}), so no test runs the production waits through the operator any more. This holds the
 * production defaults to the constants that the unit tests of the waits use: a swapped or wrong default (all three
 * are Durations, so the compiler cannot tell) would otherwise go unnoticed.
 */
class ExportRetriesDefaultsProbeTest {

  @Test
  void theProductionWaitsAreTheReconcilersOwn() {
    assertThat(ExportRetries.DEFAULT.probeTimeout()).isEqualTo(CredentialValidations.PROBE_TIMEOUT);
    assertThat(ExportRetries.DEFAULT.firstProbeRetry()).isEqualTo(CredentialValidations.FIRST_RETRY);
    assertThat(ExportRetries.DEFAULT.applyRetry()).isEqualTo(ExportReconciler.APPLY_RETRY);
  }

  @Test
  void aProbeTimeoutOverrideKeepsTheProductionRetryWaits() {
    ExportRetries retries = ExportRetries.DEFAULT.withProbeTimeout(java.time.Duration.ofSeconds(40));
    assertThat(retries.firstProbeRetry()).isEqualTo(CredentialValidations.FIRST_RETRY);
    assertThat(retries.applyRetry()).isEqualTo(ExportReconciler.APPLY_RETRY);
  }

  /** The backoff doubles from the first wait and stops at 15 minutes, whatever first wait the seam passes. */
  @Test
  void theBackoffDoublesFromTheGivenFirstWait() {
    assertThat(CredentialValidations.backoff(1, CredentialValidations.FIRST_RETRY))
        .isEqualTo(CredentialValidations.FIRST_RETRY);
    assertThat(CredentialValidations.backoff(3, CredentialValidations.FIRST_RETRY))
        .isEqualTo(CredentialValidations.FIRST_RETRY.multipliedBy(4));
    assertThat(CredentialValidations.backoff(40, CredentialValidations.FIRST_RETRY))
        .isEqualTo(CredentialValidations.MAX_RETRY);
  }
}
