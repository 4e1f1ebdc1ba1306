package io.bqexport.operator.export;

import java.time.Duration;

/**
 * How long the export reconciler gives a credential probe, and how long it waits before retrying a failed probe or
 * a rejected child write. Production uses {@link #DEFAULT}; tests shorten them, since the operator's requeues wait
 * in real time while the tests' clock stands still.
 *
 * @param probeTimeout how long one credential probe may take, counted from its start
 * @param firstProbeRetry the wait after a probe's first failure; it doubles with each further one
 * @param applyRetry the wait before writing a ConfigMap or CronJob again after the API server refused it
 */
public record ExportRetries(Duration probeTimeout, Duration firstProbeRetry, Duration applyRetry) {
  public static final ExportRetries DEFAULT = new ExportRetries(CredentialValidations.PROBE_TIMEOUT,
      CredentialValidations.FIRST_RETRY, ExportReconciler.APPLY_RETRY);

  public ExportRetries withProbeTimeout(Duration timeout) {
    return new ExportRetries(timeout, firstProbeRetry, applyRetry);
  }

  public ExportRetries withFirstProbeRetry(Duration wait) {
    return new ExportRetries(probeTimeout, wait, applyRetry);
  }

  public ExportRetries withApplyRetry(Duration wait) {
    return new ExportRetries(probeTimeout, firstProbeRetry, wait);
  }
}
