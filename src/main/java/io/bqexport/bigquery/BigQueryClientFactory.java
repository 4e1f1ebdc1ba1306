package io.bqexport.bigquery;

import com.google.api.gax.retrying.RetrySettings;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.cloud.http.HttpTransportOptions;
import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryOptions;
import io.bqexport.exporter.ExportFailure;
import io.bqexport.exporter.FailureReason;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.threeten.bp.Duration;

/** Builds a BigQuery client from a service-account key (file or JSON), optionally against another host. */
public final class BigQueryClientFactory {

  public static final String BIGQUERY_SCOPE = "https://www.googleapis.com/auth/bigquery";

  private BigQueryClientFactory() {}

  /**
   * @param projectId the project to run jobs in; null means the key's project_id
   * @param location the dataset location (jobs run there); may be null
   * @param endpoint overrides the BigQuery host (e.g. an emulator); null for Google's
   */
  public static BigQuery fromKeyFile(Path keyFile, String projectId, String location, String endpoint) {
    String json;
    try {
      json = Files.readString(keyFile);
    } catch (IOException e) {
      throw new ExportFailure(FailureReason.BigQueryAuthFailed, "cannot read the service-account key file "
          + keyFile + " (" + e.getMessage() + "); check destination.credentialsSecretRef and its key name");
    }
    return fromKeyJson(json, projectId, location, endpoint);
  }

  public static BigQuery fromKeyJson(String keyJson, String projectId, String location, String endpoint) {
    ServiceAccountKeyInfo key = checkKey(keyJson);
    ServiceAccountCredentials credentials;
    try {
      credentials = ServiceAccountCredentials.fromStream(
          new ByteArrayInputStream(keyJson.getBytes(StandardCharsets.UTF_8)));
    } catch (IOException | RuntimeException e) {
      throw new ExportFailure(FailureReason.BigQueryAuthFailed,
          "the service-account key cannot be used (" + e.getMessage() + "); download a new JSON key for the "
              + "service account and store it in the Secret");
    }
    return fromCredentials(credentials.createScoped(List.of(BIGQUERY_SCOPE)),
        projectId != null && !projectId.isBlank() ? projectId : key.projectId(), location, endpoint);
  }

  /**
   * A client with credentials obtained elsewhere (Workload Identity's metadata server).
   *
   * @param projectId required: without a key there is no project_id to default to
   */
  public static BigQuery fromCredentials(GoogleCredentials credentials, String projectId, String location,
      String endpoint) {
    BigQueryOptions.Builder options = BigQueryOptions.newBuilder()
        .setCredentials(credentials)
        .setProjectId(projectId)
        .setTransportOptions(HttpTransportOptions.newBuilder()
            .setConnectTimeout(30_000).setReadTimeout(120_000).build())
        .setRetrySettings(RetrySettings.newBuilder()
            .setMaxAttempts(6)
            .setInitialRetryDelay(Duration.ofMillis(500))
            .setRetryDelayMultiplier(2.0)
            .setMaxRetryDelay(Duration.ofSeconds(16))
            .setTotalTimeout(Duration.ofMinutes(3))
            .setInitialRpcTimeout(Duration.ofMinutes(2))
            .setMaxRpcTimeout(Duration.ofMinutes(2))
            .setRpcTimeoutMultiplier(1.0)
            .build());
    if (location != null && !location.isBlank()) {
      options.setLocation(location);
    }
    if (endpoint != null && !endpoint.isBlank()) {
      options.setHost(endpoint);
    }
    return options.build().getService();
  }


  /** The same shape check the operator runs on the Secret, so both sides reject a key for the same reasons. */
  private static ServiceAccountKeyInfo checkKey(String keyJson) {
    try {
      return ServiceAccountKeyInfo.parse(keyJson.getBytes(StandardCharsets.UTF_8), "the service-account key");
    } catch (ServiceAccountKeyInfo.InvalidKeyException e) {
      throw new ExportFailure(FailureReason.BigQueryAuthFailed, e.getMessage());
    }
  }
}
