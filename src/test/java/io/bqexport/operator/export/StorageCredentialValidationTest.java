package io.bqexport.operator.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.auth.oauth2.ComputeEngineCredentials;
import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.BigQueryExportSpec;
import io.bqexport.api.v1alpha1.DataSpec;
import io.bqexport.api.v1alpha1.DestinationSpec;
import io.bqexport.api.v1alpha1.GcsLocation;
import io.bqexport.api.v1alpha1.GoogleCredentialsSpec;
import io.bqexport.api.v1alpha1.JobPodSpec;
import io.bqexport.api.v1alpha1.MergeIdsSpec;
import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.api.v1alpha1.SecretKeyRef;
import io.bqexport.api.v1alpha1.SourceSpec;
import io.bqexport.api.v1alpha1.StorageSourceSpec;
import io.bqexport.api.v1alpha1.WorkloadIdentitySpec;
import io.bqexport.bigquery.CredentialProbe;
import io.bqexport.bigquery.ServiceAccountKeyInfo;
import io.bqexport.storage.StorageLayout;
import io.bqexport.testing.MutableClock;
import io.bqexport.testing.ServiceAccountKeys;
import io.bqexport.testing.amplitude.AmplitudeEventGenerator;
import io.bqexport.testing.amplitude.GeneratedEvents;
import io.bqexport.testing.bigquery.BigQueryEmulator;
import io.bqexport.testing.metadata.MetadataServerStandIn;
import io.bqexport.testing.storage.AmplitudeStorageExport;
import io.bqexport.testing.storage.CloudStorageStandIn;
import io.bqexport.testing.storage.StorageOperation;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Validation before activation of a storage-source export, through the real BigQuery and Cloud Storage clients
 * against the emulator and the GCS stand-in: the test upload, then listing the events folder and reading one file
 * with the storage credentials; with Workload Identity, the operator's own token from a metadata-server stand-in
 * and no key anywhere.
 */
class StorageCredentialValidationTest {
  private static final Instant NOW = Instant.parse("2026-11-28T10:10:00Z");
  private static final String PROJECT = "acme-analytics";
  private static final String BUCKET = "acme-amplitude-export";
  private static final String BOUND_ACCOUNT = "bq-writer@acme-analytics.iam.gserviceaccount.com";
  private static final GoogleCredentialsSpec WORKLOAD_IDENTITY = new GoogleCredentialsSpec(null,
      new WorkloadIdentitySpec());
  private static final AtomicInteger UIDS = new AtomicInteger();

  private final MutableClock clock = new MutableClock(NOW);
  private BigQueryEmulator bigquery;
  private CloudStorageStandIn gcs;
  private MetadataServerStandIn metadata;
  private CredentialValidations validations;

  @BeforeEach
  void start() {
    bigquery = BigQueryEmulator.start(clock);
    bigquery.requireAuthentication(true);
    bigquery.createDataset(PROJECT, "amplitude");
    gcs = CloudStorageStandIn.start();
    metadata = MetadataServerStandIn.start(BOUND_ACCOUNT, PROJECT).trustedBy(bigquery::acceptToken)
        .trustedBy(gcs::acceptToken);
    validations = new CredentialValidations(new CredentialProbe(clock), clock,
        () -> ComputeEngineCredentials.newBuilder().setHttpTransportFactory(metadata.transportFactory()).build());
  }

  @AfterEach
  void stop() throws Exception {
    validations.close();
    metadata.close();
    gcs.close();
    bigquery.close();
  }

  @Test
  void keysForBigQueryAndTheBucketValidateByReadingOneExportFile() throws Exception {
    writeExportFiles();
    var bq = ServiceAccountKeys.create(bigquery, PROJECT, "bq-writer");
    var reader = ServiceAccountKeys.create(bigquery, PROJECT, "gcs-reader");

    CredentialProbe.Result result = validate(export(new GoogleCredentialsSpec(new SecretKeyRef("gcs-reader", null),
        null), keyDestination(), null), keyed(bq, reader.json()));

    assertThat(result.ok()).as(result.message()).isTrue();
    assertThat(result.message()).contains("The key of bq-writer@acme-analytics.iam.gserviceaccount.com can load into"
        + " acme-analytics.amplitude", "gs://acme-amplitude-export/amplitude/187520/ lists Amplitude's export files");
    assertThat(gcs.requests(StorageOperation.GET_MEDIA)).hasSize(1);
    assertThat(bigquery.tableExists(PROJECT, "amplitude", "merge_ids")).as("created before the first run").isTrue();
    assertThat(metadata.issuedTokens()).as("keys only: the operator's own identity is not used").isEmpty();
  }

  @Test
  void aRejectedStorageKeyIsStorageAuthFailed() throws Exception {
    writeExportFiles();
    var bq = ServiceAccountKeys.create(bigquery, PROJECT, "bq-writer");
    var revoked = ServiceAccountKeys.unregistered(bigquery.tokenUri(), PROJECT, "gcs-reader");

    CredentialProbe.Result result = validate(export(new GoogleCredentialsSpec(new SecretKeyRef("gcs-reader", null),
        null), keyDestination(), null), keyed(bq, revoked.json()));

    assertThat(result.reason()).isEqualTo(Reasons.STORAGE_AUTH_FAILED);
    assertThat(result.message()).contains("no access token for Cloud Storage").doesNotContain("PRIVATE KEY");
    assertThat(gcs.requests()).as("nothing reached the bucket").isEmpty();
  }

  @Test
  void aMissingBucketAndAnEmptyFolderHaveTheirOwnReasons() throws Exception {
    var bq = ServiceAccountKeys.create(bigquery, PROJECT, "bq-writer");
    var reader = ServiceAccountKeys.create(bigquery, PROJECT, "gcs-reader");
    var storageKey = new GoogleCredentialsSpec(new SecretKeyRef("gcs-reader", null), null);

    assertThat(validate(export(storageKey, keyDestination(), null), keyed(bq, reader.json())).reason())
        .isEqualTo(Reasons.BUCKET_NOT_FOUND);

    gcs.createBucket(BUCKET);
    CredentialProbe.Result empty = validate(export(storageKey, keyDestination(), null), keyed(bq, reader.json()));
    assertThat(empty.reason()).isEqualTo(Reasons.NO_EXPORT_FILES);
    assertThat(empty.message()).contains("gs://acme-amplitude-export/amplitude/187520/");

    gcs.deny(StorageOperation.LIST);
    writeExportFiles();
    CredentialProbe.Result denied = validate(export(storageKey, keyDestination(), null), keyed(bq, reader.json()));
    assertThat(denied.reason()).isEqualTo(Reasons.STORAGE_ACCESS_DENIED);
    assertThat(denied.message()).contains("storage.objects.list", "roles/storage.objectViewer");
  }

  @Test
  void noExportFilesRecoversByItselfOnceAmplitudeDelivers() throws Exception {
    gcs.createBucket(BUCKET);
    var bq = ServiceAccountKeys.create(bigquery, PROJECT, "bq-writer");
    var reader = ServiceAccountKeys.create(bigquery, PROJECT, "gcs-reader");
    BigQueryExport export = export(new GoogleCredentialsSpec(new SecretKeyRef("gcs-reader", null), null),
        keyDestination(), null);
    ExportSecrets.Observation secrets = keyed(bq, reader.json());
    assertThat(validate(export, secrets).reason()).isEqualTo(Reasons.NO_EXPORT_FILES);
    var waiting = validations.current(export, secrets, false);
    assertThat(waiting.retryAt()).as("checked again without a spec change, after the first backoff")
        .isEqualTo(waiting.finishedAt().plus(CredentialValidations.FIRST_RETRY));

    writeExportFiles(); // Amplitude's first delivery; nobody touches the export
    clock.advance(CredentialValidations.FIRST_RETRY);
    await().atMost(Duration.ofMinutes(2)).until(() -> {
      var outcome = validations.current(export, secrets, false);
      return !outcome.inFlight() && outcome.result() != null && outcome.result().ok();
    });
  }

  @Test
  void workloadIdentityValidatesWithNoKeyAnywhere() {
    writeExportFiles();
    gcs.requireBearerToken(true);

    CredentialProbe.Result result = validate(export(WORKLOAD_IDENTITY, keylessDestination(), "bqexport-exporter"),
        new ExportSecrets.Observation(null, null, new ExportSecrets.Values(null, null, null, null), ""));

    assertThat(result.ok()).as(result.message()).isTrue();
    assertThat(result.serviceAccount()).isEqualTo(BOUND_ACCOUNT);
    assertThat(result.message()).startsWith("Workload Identity " + BOUND_ACCOUNT + " can load into");
    assertThat(metadata.issuedTokens()).isNotEmpty();
    assertThat(gcs.requests()).isNotEmpty().allSatisfy(r -> assertThat(r.status()).isBetween(200, 299));
  }

  @Test
  void aMetadataServerThatRefusesIsWorkloadIdentityUnavailableBeforeAnyCall() {
    writeExportFiles();
    metadata.refuseTokens(404);

    CredentialProbe.Result result = validate(export(WORKLOAD_IDENTITY, keylessDestination(), "bqexport-exporter"),
        new ExportSecrets.Observation(null, null, new ExportSecrets.Values(null, null, null, null), ""));

    assertThat(result.ok()).isFalse();
    assertThat(result.reason()).isEqualTo(Reasons.WORKLOAD_IDENTITY_UNAVAILABLE);
    assertThat(result.message()).contains("iam.gke.io/gcp-service-account", "roles/iam.workloadIdentityUser");
    assertThat(gcs.requests()).isEmpty();
    assertThat(bigquery.jobs()).isEmpty();
  }

  private CredentialProbe.Result validate(BigQueryExport export, ExportSecrets.Observation secrets) {
    validations.current(export, secrets, true);
    await().atMost(Duration.ofMinutes(2)).until(() -> {
      var outcome = validations.current(export, secrets, false);
      return !outcome.inFlight() && outcome.result() != null;
    });
    return validations.current(export, secrets, false).result();
  }

  private void writeExportFiles() {
    Instant hour = Instant.parse("2026-11-28T07:00:00Z");
    new AmplitudeStorageExport(gcs, BUCKET, new StorageLayout("amplitude", "187520", "189524"))
        .writeEvents(new GeneratedEvents(new AmplitudeEventGenerator(3, 187520)).hour(hour, 10), hour);
  }

  private static ExportSecrets.Observation keyed(ServiceAccountKeys.Key destination, String storageKeyJson)
      throws ServiceAccountKeyInfo.InvalidKeyException {
    return new ExportSecrets.Observation(null, ServiceAccountKeyInfo.parse(destination.bytes(), "bq-writer"),
        new ExportSecrets.Values(destination.json(), null, null, storageKeyJson), "v" + UIDS.incrementAndGet());
  }

  private DestinationSpec keyDestination() {
    return new DestinationSpec(PROJECT, "amplitude", null, new SecretKeyRef("bq-writer", null), null,
        bigquery.endpoint());
  }

  private DestinationSpec keylessDestination() {
    return new DestinationSpec(PROJECT, "amplitude", null, null, null, bigquery.endpoint(), WORKLOAD_IDENTITY);
  }

  private BigQueryExport export(GoogleCredentialsSpec storageCredentials, DestinationSpec destination,
      String serviceAccount) {
    BigQueryExport export = new BigQueryExport();
    export.setMetadata(new ObjectMetaBuilder().withNamespace("analytics").withName("product-events-gcs")
        .withUid("uid-" + UIDS.incrementAndGet()).withGeneration(1L).build());
    export.setSpec(new BigQueryExportSpec(
        new SourceSpec(null, new StorageSourceSpec(new GcsLocation(BUCKET, "amplitude"), "187520", "189524", null,
            gcs.endpoint(), storageCredentials, null)),
        destination, new DataSpec(null, new MergeIdsSpec(true, null)), null, null, "2026-11-28T00:00:00Z", null,
        null, null, null, null, new JobPodSpec(null, null, null, null, null, serviceAccount)));
    return export;
  }
}
