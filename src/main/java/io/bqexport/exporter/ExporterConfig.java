package io.bqexport.exporter;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Duration;
import java.time.Instant;

/**
 * The exporter's configuration: the JSON document the operator writes into a ConfigMap. It holds no secrets, only the
 * file paths of mounted Secrets. Read and validate it with {@link ExporterConfigReader}; the operator builds the same
 * records and serializes them with {@link ExporterConfigReader#toJson(ExporterConfig)}.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ExporterConfig(
    ExportRef export,
    Source source,
    Destination destination,
    Data data,
    String startFrom,
    String availabilityDelay,
    Integer maxHoursPerRun,
    String terminationMessagePath,
    Boolean resumeFromLedger) {

  public static final Duration DEFAULT_AVAILABILITY_DELAY = Duration.ofHours(2);
  public static final int DEFAULT_MAX_HOURS_PER_RUN = 24;
  public static final String DEFAULT_TERMINATION_MESSAGE_PATH = "/dev/termination-log";

  /** The BigQueryExport resource this configuration belongs to (for logs and summaries). */
  public record ExportRef(String namespace, String name) {}

  /** Amplitude Export API. region: US or EU; endpoint overrides the host (proxies, stand-ins). */
  public record Source(
      String region,
      String endpoint,
      String apiKeyFile,
      String secretKeyFile,
      Integer maxBadRecords,
      Integer connectTimeoutSeconds,
      Integer readTimeoutSeconds) {

    public int maxBadRecordsOrDefault() {
      return maxBadRecords == null ? 0 : maxBadRecords;
    }

    public Duration connectTimeout() {
      return Duration.ofSeconds(connectTimeoutSeconds == null ? 30 : connectTimeoutSeconds);
    }

    public Duration readTimeout() {
      return Duration.ofSeconds(readTimeoutSeconds == null ? 300 : readTimeoutSeconds);
    }
  }

  /** BigQuery. projectId null means the project_id of the key file; endpoint overrides the BigQuery host. */
  public record Destination(
      String projectId,
      String dataset,
      String location,
      String credentialsFile,
      String endpoint,
      Boolean createDataset) {

    public boolean createDatasetOrDefault() {
      return Boolean.TRUE.equals(createDataset);
    }
  }

  public record Data(Events events) {}

  public record Events(Boolean enabled, String table) {

    public boolean enabledOrDefault() {
      return enabled == null || enabled;
    }

    public String tableOrDefault() {
      return table == null || table.isBlank() ? "events" : table;
    }
  }

  /**
   * Who commits: the export's identity. The ledger is keyed by it, so two exports (two Amplitude projects) into one
   * table never take each other's hours as committed; a re-created export of the same name resumes its ledger.
   */
  public String sourceId() {
    return export == null ? "amplitude" : "amplitude:" + export.namespace() + "/" + export.name();
  }

  /** startFrom is the creation hour (spec.startFrom unset): a ledger that already has hours starts the export. */
  public boolean resumeFromLedgerOrDefault() {
    return Boolean.TRUE.equals(resumeFromLedger);
  }

  /** The first hour to export; validated by {@link ExporterConfigReader}. */
  public Instant startFromInstant() {
    return Instant.parse(startFrom);
  }

  public Duration availabilityDelayDuration() {
    return availabilityDelay == null ? DEFAULT_AVAILABILITY_DELAY : Duration.parse(availabilityDelay);
  }

  public int maxHoursPerRunOrDefault() {
    return maxHoursPerRun == null ? DEFAULT_MAX_HOURS_PER_RUN : maxHoursPerRun;
  }

  public String terminationMessagePathOrDefault() {
    return terminationMessagePath == null ? DEFAULT_TERMINATION_MESSAGE_PATH : terminationMessagePath;
  }

  public String eventsTable() {
    return data == null || data.events() == null ? "events" : data.events().tableOrDefault();
  }
}
