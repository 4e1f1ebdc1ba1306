package io.bqexport.operator.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import io.bqexport.amplitude.AmplitudeException;
import io.bqexport.api.v1alpha1.AmplitudeSecretRef;
import io.bqexport.api.v1alpha1.AmplitudeSourceSpec;
import io.bqexport.api.v1alpha1.BigQueryExportSpec;
import io.bqexport.api.v1alpha1.DestinationSpec;
import io.bqexport.api.v1alpha1.GcsLocation;
import io.bqexport.api.v1alpha1.GoogleCredentialsSpec;
import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.api.v1alpha1.SecretKeyRef;
import io.bqexport.api.v1alpha1.SourceSpec;
import io.bqexport.api.v1alpha1.StorageSourceSpec;
import io.bqexport.api.v1alpha1.WorkloadIdentitySpec;
import io.bqexport.testing.ServiceAccountKeys;
import io.bqexport.testing.amplitude.AmplitudeEventGenerator;
import io.bqexport.testing.amplitude.AmplitudeExportStandIn;
import io.bqexport.testing.amplitude.GeneratedEvents;
import io.bqexport.testing.storage.AmplitudeStorageExport;
import io.bqexport.testing.storage.CloudStorageStandIn;
import io.bqexport.storage.StorageLayout;
import java.time.Instant;
import java.util.Date;
import org.junit.jupiter.api.Test;

/** The source half of a credential probe, against the Amplitude and Cloud Storage stand-ins over real sockets. */
class SourceChecksTest {
  private static final DestinationSpec DESTINATION =
      new DestinationSpec("proj", "amplitude", null, new SecretKeyRef("bq-writer", null), null, null);

  private static BigQueryExportSpec amplitude(String endpoint) {
    return new BigQueryExportSpec(new SourceSpec(new AmplitudeSourceSpec(null, endpoint,
        new AmplitudeSecretRef("amplitude-prod", null, null), null), null), DESTINATION, null, null, null, null,
        null, null, null, null, null, null);
  }

  private static BigQueryExportSpec storage(String endpoint, GoogleCredentialsSpec credentials) {
    return new BigQueryExportSpec(new SourceSpec(null, new StorageSourceSpec(new GcsLocation("amp-bucket", "prod"),
        "187520", null, null, endpoint, credentials, null)), DESTINATION, null, null, null, null, null, null, null,
        null, null, null);
  }

  @Test
  void amplitudesKeysAreCheckedAtItsEndpoint() {
    try (AmplitudeExportStandIn standIn = AmplitudeExportStandIn.start(
        new GeneratedEvents(new AmplitudeEventGenerator(42, 187520)), "api-key", "secret-key")) {
      var spec = amplitude(standIn.baseUri().toString());
      assertThat(SourceChecks.of(spec, new ExportSecrets.Values(null, "api-key", "secret-key"), null, "proj")
          .verify()).isEqualTo("Amplitude accepts the project's keys");
      assertThatThrownBy(() -> SourceChecks.of(spec, new ExportSecrets.Values(null, "api-key", "wrong"), null,
          "proj").verify()).isInstanceOfSatisfying(AmplitudeException.class,
              e -> assertThat(e.reason()).isEqualTo("AmplitudeAuthFailed"));
      assertThat(standIn.requests()).hasSize(2);
    }
    // Without an endpoint the region's host is used: building the check calls nothing yet.
    assertThat(SourceChecks.of(amplitude(null), new ExportSecrets.Values(null, "a", "b"), null, "proj")).isNotNull();
  }

  @Test
  void aKeylessStorageSourceReadsTheBucketWithTheOperatorsToken() {
    try (CloudStorageStandIn gcs = CloudStorageStandIn.start()) {
      gcs.requireBearerToken(true);
      gcs.acceptToken("operator-token", "operator@proj.iam.gserviceaccount.com");
      var spec = storage(gcs.endpoint(), new GoogleCredentialsSpec(null, new WorkloadIdentitySpec()));
      var amplitudeExport = new AmplitudeStorageExport(gcs, "amp-bucket", new StorageLayout("prod", "187520", null));
      // The bucket answers as the operator: it lists the app's folder, still empty.
      assertThatThrownBy(() -> SourceChecks.of(spec, new ExportSecrets.Values(null, null, null, null),
          new Token("operator-token"), "proj").verify()).isInstanceOfSatisfying(AmplitudeException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reasons.NO_EXPORT_FILES);
            assertThat(e.getMessage()).contains("gs://amp-bucket/prod/187520/");
          });
      assertThat(gcs.requests()).isNotEmpty().allSatisfy(r -> assertThat(r.status()).isEqualTo(200));

      // Once Amplitude delivered a file, the check lists and reads it.
      Instant hour = Instant.parse("2026-11-28T10:00:00Z");
      amplitudeExport.writeEvents(new GeneratedEvents(new AmplitudeEventGenerator(42, 187520)).hour(hour, 10), hour);
      assertThat(SourceChecks.of(spec, new ExportSecrets.Values(null, null, null, null), new Token("operator-token"),
          "proj").verify()).startsWith("gs://amp-bucket/prod/187520/ lists Amplitude's export files, and ")
          .endsWith(" reads");
    }
  }

  @Test
  void aStorageKeyThatDoesNotParseNamesTheFieldAndTheFix() {
    var spec = storage("http://127.0.0.1:9", new GoogleCredentialsSpec(new SecretKeyRef("gcs-reader", null), null));
    assertThatThrownBy(() -> SourceChecks.of(spec, new ExportSecrets.Values(null, null, null, "{\"type\": 1}"),
        null, "proj").verify()).isInstanceOfSatisfying(AmplitudeException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reasons.STORAGE_AUTH_FAILED);
          assertThat(e.getMessage()).isEqualTo("the service-account key in spec.source.storage.credentials.secretRef"
              + " cannot be used (its private key does not parse); download a new JSON key for the service account"
              + " and store it in the Secret");
        });
  }

  @Test
  void aStorageKeyIsUsedWhenTheSourceHasOne() {
    try (CloudStorageStandIn gcs = CloudStorageStandIn.start()) {
      gcs.requireBearerToken(true);
      gcs.createBucket("amp-bucket");
      // a well-formed key whose token endpoint refuses it: the read fails on the key, not on a missing token
      var key = ServiceAccountKeys.unregistered(gcs.endpoint() + "/token", "proj", "gcs-reader");
      var spec = storage(gcs.endpoint(), new GoogleCredentialsSpec(new SecretKeyRef("gcs-reader", null), null));
      assertThatThrownBy(() -> SourceChecks.of(spec, new ExportSecrets.Values(null, null, null, key.json()), null,
          "proj").verify()).isInstanceOfSatisfying(AmplitudeException.class,
              e -> assertThat(e.reason()).isEqualTo(Reasons.STORAGE_AUTH_FAILED));
    }
  }

  /** The operator's Workload Identity token, as the metadata server would give it. */
  private static final class Token extends GoogleCredentials {
    private final String token;

    Token(String token) {
      this.token = token;
    }

    @Override
    public AccessToken refreshAccessToken() {
      return new AccessToken(token, Date.from(Instant.parse("2099-01-01T00:00:00Z")));
    }
  }
}
