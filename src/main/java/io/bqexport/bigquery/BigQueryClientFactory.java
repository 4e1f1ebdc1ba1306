package io.bqexport.bigquery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.api.gax.retrying.RetrySettings;
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
import java.util.ArrayList;
import java.util.List;
import org.threeten.bp.Duration;

/** Builds a BigQuery client from a service-account key (file or JSON), optionally against another host. */
public final class BigQueryClientFactory {

  private static final List<String> REQUIRED_KEY_FIELDS =
      List.of("type", "project_id", "private_key_id", "private_key", "client_email", "token_uri");

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
    JsonNode key = parseKey(keyJson);
    ServiceAccountCredentials credentials;
    try {
      credentials = ServiceAccountCredentials.fromStream(
          new ByteArrayInputStream(keyJson.getBytes(StandardCharsets.UTF_8)));
    } catch (IOException | RuntimeException e) {
      throw new ExportFailure(FailureReason.BigQueryAuthFailed,
          "the service-account key cannot be used (" + e.getMessage() + "); download a new JSON key for the "
              + "service account and store it in the Secret");
    }
    BigQueryOptions.Builder options = BigQueryOptions.newBuilder()
        .setCredentials(credentials.createScoped(List.of("https://www.googleapis.com/auth/bigquery")))
        .setProjectId(projectId != null && !projectId.isBlank() ? projectId : key.get("project_id").asText())
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

  /** The project_id of a key, after checking that it is a service-account key. */
  public static String projectIdOf(String keyJson) {
    return parseKey(keyJson).get("project_id").asText();
  }

  private static JsonNode parseKey(String keyJson) {
    JsonNode key;
    try {
      key = new ObjectMapper().readTree(keyJson);
    } catch (IOException e) {
      throw new ExportFailure(FailureReason.BigQueryAuthFailed,
          "the service-account key is not valid JSON; store the key file exactly as downloaded from Google Cloud");
    }
    if (key == null || !key.isObject() || !"service_account".equals(key.path("type").asText())) {
      throw new ExportFailure(FailureReason.BigQueryAuthFailed,
          "the key is not a service-account key (\"type\": \"service_account\"); create a JSON key for a service "
              + "account in Google Cloud");
    }
    List<String> missing = new ArrayList<>();
    for (String field : REQUIRED_KEY_FIELDS) {
      if (key.path(field).asText().isBlank()) {
        missing.add(field);
      }
    }
    if (!missing.isEmpty()) {
      throw new ExportFailure(FailureReason.BigQueryAuthFailed,
          "the service-account key lacks " + String.join(", ", missing) + "; download a new JSON key");
    }
    return key;
  }
}
