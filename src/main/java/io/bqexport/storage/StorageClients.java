package io.bqexport.storage;

import com.google.api.gax.retrying.RetrySettings;
import com.google.auth.Credentials;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import io.bqexport.amplitude.RetryPolicy;

/**
 * Builds the Cloud Storage client of the storage source. 429, 5xx and network errors are retried by the client
 * itself, with jittered exponential backoff bounded by the exporter's {@link RetryPolicy}: the client knows which
 * calls are idempotent and resumes an interrupted download with a Range request at the same generation, which a
 * second retry loop around it could only duplicate.
 */
public final class StorageClients {
  private StorageClients() {
  }

  /**
   * @param host null for storage.googleapis.com; an override for proxies and tests
   * @param projectId the project the requests are made for (reading needs none, but without one the client
   *     probes the environment, including the metadata server, for a default)
   */
  public static Storage create(Credentials credentials, String host, String projectId, RetryPolicy policy) {
    StorageOptions.Builder options = StorageOptions.newBuilder()
        .setCredentials(credentials)
        .setProjectId(projectId)
        .setRetrySettings(retrySettings(policy));
    if (host != null) {
      options.setHost(host);
    }
    return options.build().getService();
  }

  /** The policy as the client's retry settings: same attempts, backoff bounds and total budget. */
  static RetrySettings retrySettings(RetryPolicy policy) {
    return RetrySettings.newBuilder()
        .setMaxAttempts(policy.maxAttempts())
        .setInitialRetryDelayDuration(policy.initialBackoff())
        .setRetryDelayMultiplier(2.0)
        .setMaxRetryDelayDuration(policy.maxBackoff())
        .setTotalTimeoutDuration(policy.maxElapsed())
        .build();
  }
}
