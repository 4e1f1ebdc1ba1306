package io.bqexport.operator.export;

import com.google.auth.Credentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import io.bqexport.amplitude.AmplitudeClientSettings;
import io.bqexport.amplitude.AmplitudeCredentials;
import io.bqexport.amplitude.AmplitudeException;
import io.bqexport.amplitude.AmplitudeRegion;
import io.bqexport.amplitude.RetryPolicy;
import io.bqexport.api.v1alpha1.BigQueryExportSpec;
import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.api.v1alpha1.StorageSourceSpec;
import io.bqexport.bigquery.CredentialProbe;
import io.bqexport.storage.StorageAccessProbe;
import io.bqexport.storage.StorageClients;
import io.bqexport.storage.StorageLayout;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/** The source half of a credential probe: Amplitude's keys, or the bucket read with the storage credentials. */
final class SourceChecks {
  /** A probe must answer within its timeout: two quick attempts, not the exporter's ten-minute budget. */
  static final RetryPolicy PROBE_RETRIES =
      new RetryPolicy(2, Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(30));
  private static final List<String> READ_ONLY = List.of("https://www.googleapis.com/auth/devstorage.read_only");

  private SourceChecks() {}

  /**
   * @param ambient the operator's Application Default Credentials when the storage source uses Workload Identity,
   *     else null
   * @param projectId the project requests are made for (reading needs none; without one the client looks for one)
   */
  static CredentialProbe.SourceCheck of(BigQueryExportSpec spec, ExportSecrets.Values values, Credentials ambient,
      String projectId) {
    var amplitude = spec.source().amplitude();
    if (amplitude != null) {
      return CredentialProbe.amplitudeCheck(AmplitudeClientSettings.of(
          AmplitudeRegion.valueOf(amplitude.region().name()),
          amplitude.endpoint() == null ? null : URI.create(amplitude.endpoint()),
          new AmplitudeCredentials(values.amplitudeApiKey(), values.amplitudeSecretKey()))
          .withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(30)));
    }
    StorageSourceSpec storage = spec.source().storage();
    return () -> {
      Credentials credentials = ambient != null ? ambient : storageKey(values.storageKeyJson());
      var layout = new StorageLayout(storage.gcs().prefix(), storage.appId(), storage.orgId());
      var client = StorageClients.create(credentials, storage.endpoint(), projectId, PROBE_RETRIES);
      return new StorageAccessProbe(client, storage.gcs().bucket(), layout).verify();
    };
  }

  private static Credentials storageKey(String keyJson) {
    try {
      return ServiceAccountCredentials.fromStream(new ByteArrayInputStream(keyJson.getBytes(StandardCharsets.UTF_8)))
          .createScoped(READ_ONLY);
    } catch (IOException | RuntimeException e) {
      throw new AmplitudeException(Reasons.STORAGE_AUTH_FAILED, "the service-account key in"
          + " spec.source.storage.credentials.secretRef cannot be used (its private key does not parse); download a"
          + " new JSON key for the service account and store it in the Secret");
    }
  }
}
