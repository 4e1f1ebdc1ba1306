package io.bqexport.exporter;

import com.google.auth.Credentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.storage.Storage;
import io.bqexport.amplitude.AmplitudeClientSettings;
import io.bqexport.amplitude.AmplitudeCredentials;
import io.bqexport.amplitude.AmplitudeExportClient;
import io.bqexport.amplitude.AmplitudeRegion;
import io.bqexport.amplitude.RetryPolicy;
import io.bqexport.bigquery.BigQueryClientFactory;
import io.bqexport.storage.StorageClients;
import io.bqexport.storage.StorageHourReader;
import io.bqexport.storage.StorageLayout;
import io.bqexport.storage.StorageObjectKind;
import io.bqexport.storage.StorageWindowSource;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Builds the source (Export API or Cloud Storage) and BigQuery clients that a config names, reading the mounted
 * Secret files, or with Workload Identity no file at all.
 */
public final class ExporterClients {

  /** Reading is all the storage source does: storage.objects.list and storage.objects.get. */
  static final String STORAGE_SCOPE = "https://www.googleapis.com/auth/devstorage.read_only";

  private ExporterClients() {}

  public static AmplitudeExportClient amplitude(ExporterConfig.Source source) {
    AmplitudeCredentials credentials;
    try {
      credentials = new AmplitudeCredentials(readSecret(source.apiKeyFile(), "source.apiKeyFile"),
          readSecret(source.secretKeyFile(), "source.secretKeyFile"));
    } catch (IllegalArgumentException e) {
      throw new ExportFailure(FailureReason.AmplitudeAuthFailed, e.getMessage());
    }
    URI endpoint = source.endpoint() == null || source.endpoint().isBlank() ? null : URI.create(source.endpoint());
    AmplitudeClientSettings settings = AmplitudeClientSettings
        .of(AmplitudeRegion.parse(source.region()), endpoint, credentials)
        .withTimeouts(source.connectTimeout(), source.readTimeout());
    return new AmplitudeExportClient(settings);
  }

  public static BigQuery bigquery(ExporterConfig.Destination destination) {
    return bigquery(destination, GoogleCredentialsSource.DEFAULT);
  }

  /** BigQuery with the destination's key file, or with Workload Identity through {@code google}. */
  public static BigQuery bigquery(ExporterConfig.Destination destination, GoogleCredentialsSource google) {
    if (destination.workloadIdentityOrDefault()) {
      return BigQueryClientFactory.fromCredentials(google.workloadIdentity("BigQuery"), destination.projectId(),
          destination.location(), destination.endpoint());
    }
    return BigQueryClientFactory.fromKeyFile(Path.of(destination.credentialsFile()), destination.projectId(),
        destination.location(), destination.endpoint());
  }

  /**
   * The Cloud Storage client of the storage source: its key file (read-only scope), or Workload Identity.
   * Requests are made for the destination's project when it is set, else for the key's.
   */
  public static Storage storage(ExporterConfig config, GoogleCredentialsSource google) {
    return storage(config, google, RetryPolicy.DEFAULT);
  }

  /** As above, with the retry budget for 429, 5xx and network errors (tests shorten its waits). */
  public static Storage storage(ExporterConfig config, GoogleCredentialsSource google, RetryPolicy retries) {
    ExporterConfig.Storage storage = config.storage();
    String project = config.destination().projectId();
    Credentials credentials;
    if (storage.workloadIdentityOrDefault()) {
      credentials = google.workloadIdentity("Cloud Storage");
    } else {
      ServiceAccountCredentials key = GoogleCredentialsSource.keyFile(storage.credentialsFile(), STORAGE_SCOPE,
          FailureReason.StorageAuthFailed, "storage.credentialsFile");
      credentials = key;
      project = project == null || project.isBlank() ? key.getProjectId() : project;
    }
    String endpoint = storage.endpoint() == null || storage.endpoint().isBlank() ? null : storage.endpoint();
    return StorageClients.create(credentials, endpoint, project, retries);
  }

  /** The storage source's events and (when data.mergeIds.enabled) merged IDs, read through {@code client}. */
  public static ExportRun.Sources storageSources(ExporterConfig config, Storage client) {
    ExporterConfig.Storage storage = config.storage();
    StorageLayout layout = new StorageLayout(storage.prefix(), storage.appId(),
        Boolean.TRUE.equals(storage.legacyMergeIdLayout()) ? null : storage.orgId());
    StorageHourReader reader = new StorageHourReader(client, storage.bucket(), layout);
    boolean mergeIds = config.data() != null && config.data().mergeIds() != null
        && config.data().mergeIds().enabledOrDefault();
    return new ExportRun.Sources(new StorageWindowSource(reader, storage.bucket(), StorageObjectKind.EVENTS),
        mergeIds ? new StorageWindowSource(reader, storage.bucket(), StorageObjectKind.MERGE_IDS) : null);
  }

  private static String readSecret(String file, String field) {
    try {
      return Files.readString(Path.of(file)).strip();
    } catch (IOException e) {
      throw new ExportFailure(FailureReason.AmplitudeAuthFailed, "cannot read " + field + " " + file + " ("
          + e.getClass().getSimpleName() + "); check that the Amplitude Secret is mounted and has that key");
    }
  }
}
