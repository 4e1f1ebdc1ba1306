package io.bqexport.exporter;

import com.google.cloud.bigquery.BigQuery;
import io.bqexport.amplitude.AmplitudeClientSettings;
import io.bqexport.amplitude.AmplitudeCredentials;
import io.bqexport.amplitude.AmplitudeExportClient;
import io.bqexport.amplitude.AmplitudeRegion;
import io.bqexport.bigquery.BigQueryClientFactory;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/** Builds the Amplitude and BigQuery clients that a config names, reading the mounted Secret files. */
public final class ExporterClients {

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
    return BigQueryClientFactory.fromKeyFile(Path.of(destination.credentialsFile()), destination.projectId(),
        destination.location(), destination.endpoint());
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
