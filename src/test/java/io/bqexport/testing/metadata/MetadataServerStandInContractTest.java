package io.bqexport.testing.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.ComputeEngineCredentials;
import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryOptions;
import com.google.cloud.bigquery.DatasetId;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.Storage;
import io.bqexport.amplitude.RetryPolicy;
import io.bqexport.storage.StorageAuthException;
import io.bqexport.storage.StorageClients;
import io.bqexport.storage.StorageHourReader;
import io.bqexport.storage.StorageLayout;
import io.bqexport.storage.StorageObjectKind;
import io.bqexport.testing.bigquery.BigQueryEmulator;
import io.bqexport.testing.storage.CloudStorageStandIn;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Workload Identity without a key: google-auth gets tokens from the metadata stand-in that the stand-ins accept. */
class MetadataServerStandInContractTest {
  private static final String ACCOUNT = "exporter@acme-analytics.iam.gserviceaccount.com";
  private static final RetryPolicy FAST =
      new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(10), Duration.ofSeconds(30));

  private MetadataServerStandIn metadata;
  private CloudStorageStandIn gcs;
  private BigQueryEmulator bigquery;

  @BeforeEach
  void start() {
    gcs = CloudStorageStandIn.start().createBucket("export").requireBearerToken(true);
    gcs.put("export", "o", new byte[] {42});
    bigquery = BigQueryEmulator.start();
    bigquery.createDataset("acme-analytics", "amplitude");
    bigquery.requireAuthentication(true);
    metadata = MetadataServerStandIn.start(ACCOUNT, "acme-analytics")
        .trustedBy(gcs::acceptToken).trustedBy(bigquery::acceptToken);
  }

  @AfterEach
  void stop() {
    metadata.close();
    gcs.close();
    bigquery.close();
  }

  private ComputeEngineCredentials credentials() {
    return ComputeEngineCredentials.newBuilder().setHttpTransportFactory(metadata.transportFactory()).build();
  }

  @Test
  void computeEngineCredentialsGetATokenThatCloudStorageAndBigQueryAccept() throws Exception {
    ComputeEngineCredentials credentials = credentials();

    AccessToken token = credentials.refreshAccessToken();
    assertThat(metadata.issuedTokens()).contains(token.getTokenValue());
    assertThat(token.getExpirationTime()).isNotNull();
    assertThat(credentials.getAccount()).isEqualTo(ACCOUNT);

    try (Storage storage = StorageClients.create(credentials, gcs.endpoint(), "acme-analytics", FAST)) {
      assertThat(storage.readAllBytes(BlobId.of("export", "o"))).containsExactly(42);
    }
    BigQuery client = BigQueryOptions.newBuilder().setHost(bigquery.endpoint()).setProjectId("acme-analytics")
        .setCredentials(credentials).setRetrySettings(BigQueryEmulator.fastRetries()).build().getService();
    assertThat(client.getDataset(DatasetId.of("acme-analytics", "amplitude"))).isNotNull();
  }

  /** "Requests that don't include the Metadata-Flavor: Google header are denied" (querying-metadata). */
  @Test
  void requestsWithoutTheMetadataFlavorHeaderAreDenied() throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://" + metadata.host()
            + "/computeMetadata/v1/instance/service-accounts/default/token")).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(metadata.issuedTokens()).isEmpty();
  }

  @Test
  void aRefusingMetadataServerFailsWithItsStatus() {
    metadata.refuseTokens(404);
    assertThatThrownBy(() -> credentials().refreshAccessToken()).isInstanceOf(IOException.class)
        .hasMessageContaining("Error code 404 trying to get security access token from Compute Engine metadata");

    metadata.refuseTokens(403);
    assertThatThrownBy(() -> credentials().refreshAccessToken()).isInstanceOf(IOException.class)
        .hasMessageContaining("Error code 403");
  }

  /** The storage source names a refused token as a credentials failure with the server's status, not an outage. */
  @Test
  void theStorageSourceReportsARefusedTokenAsAnAuthFailure() throws Exception {
    metadata.refuseTokens(404);
    try (Storage storage = StorageClients.create(credentials(), gcs.endpoint(), "acme-analytics", FAST)) {
      StorageHourReader reader = new StorageHourReader(storage, "export", new StorageLayout("", "187520", "1"));

      assertThatThrownBy(() -> reader.list(StorageObjectKind.EVENTS, Instant.parse("2026-11-28T17:00:00Z")))
          .isInstanceOfSatisfying(StorageAuthException.class,
              e -> assertThat(e.reason()).isEqualTo("StorageAuthFailed"))
          .hasMessageContaining("Error code 404 trying to get security access token")
          .hasMessageContaining("Workload Identity");
    }
    assertThat(gcs.requests()).as("no request reached Cloud Storage").isEmpty();
  }

  /**
   * The path a pod takes: Application Default Credentials with no key file find the metadata server named by
   * GCE_METADATA_HOST. An environment variable, so this runs in a forked JVM.
   */
  @Test
  void applicationDefaultCredentialsFindTheServerThroughGceMetadataHost(@TempDir Path home) throws Exception {
    Path output = home.resolve("out.txt");
    ProcessBuilder fork = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), PrintApplicationDefaultToken.class.getName())
        .redirectErrorStream(true).redirectOutput(output.toFile());
    Map<String, String> env = fork.environment();
    env.keySet().removeIf(k -> k.startsWith("GOOGLE_") || k.startsWith("GCE_") || k.startsWith("CLOUDSDK_"));
    env.put("GCE_METADATA_HOST", metadata.host());
    env.put("CLOUDSDK_CONFIG", home.toString()); // no gcloud well-known credentials file
    env.put("HOME", home.toString());
    Process process = fork.start();

    assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("the forked JVM ends").isTrue();
    List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as(String.join("\n", lines)).isZero();
    assertThat(lines).first().isEqualTo("ComputeEngineCredentials");
    assertThat(metadata.issuedTokens()).containsExactly(lines.get(1));
  }
}
