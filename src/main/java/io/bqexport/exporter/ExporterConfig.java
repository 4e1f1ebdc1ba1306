package io.bqexport.exporter;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

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
    Storage storage,
    Destination destination,
    Data data,
    String startFrom,
    String availabilityDelay,
    Integer maxHoursPerRun,
    String terminationMessagePath,
    Boolean resumeFromLedger,
    Integrity integrity) {

  /** A config reading the Export API, with no integrity re-check settings (defaults apply). */
  public ExporterConfig(ExportRef export, Source source, Destination destination, Data data, String startFrom,
      String availabilityDelay, Integer maxHoursPerRun, String terminationMessagePath, Boolean resumeFromLedger) {
    this(export, source, null, destination, data, startFrom, availabilityDelay, maxHoursPerRun,
        terminationMessagePath, resumeFromLedger, null);
  }

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

  /**
   * Amplitude's Cloud Storage export, the alternative to {@link Source} (exactly one of the two is set). Events are
   * {@code gs://bucket/prefix/appId/appId_yyyy-MM-dd_H#n.json.gz}; merged IDs are under {@code -orgId} (or
   * {@code appId} when legacyMergeIdLayout). Credentials: credentialsFile (a mounted key) or, when
   * workloadIdentity is true, Application Default Credentials and no file. endpoint overrides the GCS host.
   */
  public record Storage(
      String bucket,
      String prefix,
      String appId,
      String orgId,
      Boolean legacyMergeIdLayout,
      String endpoint,
      String credentialsFile,
      Boolean workloadIdentity,
      Integer maxBadRecords) {

    public boolean workloadIdentityOrDefault() {
      return Boolean.TRUE.equals(workloadIdentity);
    }
  }

  /** BigQuery. projectId null means the project_id of the key file; endpoint overrides the BigQuery host. */
  public record Destination(
      String projectId,
      String dataset,
      String location,
      String credentialsFile,
      String endpoint,
      Boolean createDataset,
      Boolean workloadIdentity) {

    /** A destination authenticated by a mounted key file. */
    public Destination(String projectId, String dataset, String location, String credentialsFile, String endpoint,
        Boolean createDataset) {
      this(projectId, dataset, location, credentialsFile, endpoint, createDataset, null);
    }

    public boolean createDatasetOrDefault() {
      return Boolean.TRUE.equals(createDataset);
    }

    /** True: Application Default Credentials (GKE Workload Identity), and credentialsFile is null. */
    public boolean workloadIdentityOrDefault() {
      return Boolean.TRUE.equals(workloadIdentity);
    }
  }

  /** What to export: events, and merged IDs (storage source only). */
  public record Data(Events events, MergeIds mergeIds) {

    public Data(Events events) {
      this(events, null);
    }
  }

  /** Merged IDs: Amplitude's Merge IDs table plus scope, committed exactly once beside the events. */
  public record MergeIds(Boolean enabled, String table) {

    public boolean enabledOrDefault() {
      return Boolean.TRUE.equals(enabled);
    }

    public String tableOrDefault() {
      return table == null || table.isBlank() ? "merge_ids" : table;
    }
  }

  /**
   * Which event types are exported. An event is kept when include is empty or one include rule matches it, and no
   * exclude rule matches it.
   */
  public record EventFilter(List<FilterRule> include, List<FilterRule> exclude) {}

  /** Exactly one of eventType (an exact event_type) and prefix (event types that start with it). */
  public record FilterRule(String eventType, String prefix) {}

  /**
   * The integrity re-check: committed hours older than recheckAfter and within lookback are re-counted at the source;
   * an hour whose count differs is replaced. Durations are ISO-8601 (PT24H, P7D). maxHoursPerRun is the budget of
   * hours re-checked per run, so verification never starves new hours.
   */
  public record Integrity(Boolean enabled, String recheckAfter, String lookback, Integer maxHoursPerRun) {

    public static final Duration DEFAULT_RECHECK_AFTER = Duration.ofHours(24);
    public static final Duration DEFAULT_LOOKBACK = Duration.ofDays(7);
    public static final int DEFAULT_MAX_HOURS_PER_RUN = 24;

    public boolean enabledOrDefault() {
      return enabled == null || enabled;
    }

    public Duration recheckAfterOrDefault() {
      return recheckAfter == null ? DEFAULT_RECHECK_AFTER : Duration.parse(recheckAfter);
    }

    public Duration lookbackOrDefault() {
      return lookback == null ? DEFAULT_LOOKBACK : Duration.parse(lookback);
    }

    public int maxHoursPerRunOrDefault() {
      return maxHoursPerRun == null ? DEFAULT_MAX_HOURS_PER_RUN : maxHoursPerRun;
    }
  }

  public record Events(Boolean enabled, String table, EventFilter filter) {

    public Events(Boolean enabled, String table) {
      this(enabled, table, null);
    }

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

  /** The integrity settings, defaults when unset. */
  public Integrity integrityOrDefault() {
    return integrity == null ? new Integrity(null, null, null, null) : integrity;
  }

  public String eventsTable() {
    return data == null || data.events() == null ? "events" : data.events().tableOrDefault();
  }
}
