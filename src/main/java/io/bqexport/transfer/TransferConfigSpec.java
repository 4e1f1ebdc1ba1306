package io.bqexport.transfer;

import com.google.cloud.bigquery.datatransfer.v1.TransferConfig;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.bqexport.exporter.ExporterConfig;
import io.bqexport.storage.StorageLayout;
import io.bqexport.storage.StorageObjectKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The desired Transfer Service config of one table: data source {@code google_cloud_storage} with the parameters the
 * Transfer Service documents for it (https://cloud.google.com/bigquery/docs/cloud-storage-transfer):
 * {@code data_path_template} (Amplitude's layout, one hour per run, see {@link TransferSchedule}),
 * {@code destination_table_name_template}, {@code file_format} JSON (newline-delimited; the parameter's values are
 * CSV, JSON, AVRO, PARQUET and ORC), {@code write_disposition} APPEND, {@code ignore_unknown_values} (keys that are
 * not columns, such as {@code $insert_id}, are dropped) and {@code max_bad_records}. Parameters are strings, as the
 * documented examples give them. Built by {@link Builder}, one spec per enabled table.
 */
public record TransferConfigSpec(
    StorageObjectKind kind,
    String parent,
    String displayName,
    String destinationDatasetId,
    String schedule,
    SortedMap<String, String> params,
    String notificationPubsubTopic) {

  public static final String DATA_SOURCE = "google_cloud_storage";
  private static final String EVENTS_KIND = "events";
  private static final String MERGE_IDS_KIND = "merged IDs";

  public TransferConfigSpec {
    params = new TreeMap<>(params);
  }

  /** The config to create (no name: the service assigns it). */
  public TransferConfig toTransferConfig() {
    Struct.Builder struct = Struct.newBuilder();
    params.forEach((key, value) -> struct.putFields(key, Value.newBuilder().setStringValue(value).build()));
    TransferConfig.Builder config = TransferConfig.newBuilder()
        .setDisplayName(displayName)
        .setDataSourceId(DATA_SOURCE)
        .setDestinationDatasetId(destinationDatasetId)
        .setSchedule(schedule)
        .setParams(struct);
    if (notificationPubsubTopic != null) {
      config.setNotificationPubsubTopic(notificationPubsubTopic);
    }
    return config.build();
  }

  /** The display-name prefix of every config of the export namespace/name ({@link TransferConfigSync}). */
  public static String ownedPrefix(String namespace, String name) {
    return "bqexport " + namespace + "/" + name + " ";
  }

  /**
   * Whether a config of this display name is one the export owns: its prefix followed by exactly one of the kinds
   * bqexport names ("events", "merged IDs"). A config a person named "... events (copy)" is not the export's.
   */
  public static boolean owned(String ownedPrefix, String displayName) {
    return displayName.startsWith(ownedPrefix) && OWNED_KINDS.contains(displayName.substring(ownedPrefix.length()));
  }

  private static final java.util.Set<String> OWNED_KINDS = java.util.Set.of(EVENTS_KIND, MERGE_IDS_KIND);

  public static Builder builder() {
    return new Builder();
  }

  /** Derives the specs of an export whose source is Amplitude's Cloud Storage export. */
  public static final class Builder {
    private static final Pattern TOPIC = Pattern.compile("projects/[a-z][a-z0-9-]{4,28}[a-z0-9]/topics/[A-Za-z][\\w.~+%-]{2,254}");
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]");

    private ExporterConfig.ExportRef export;
    private ExporterConfig.Storage storage;
    private ExporterConfig.Destination destination;
    private ExporterConfig.Data data;
    private String cron;
    private Duration availabilityDelay = ExporterConfig.DEFAULT_AVAILABILITY_DELAY;
    private String notificationTopic;

    private Builder() {}

    public Builder export(String namespace, String name) {
      this.export = new ExporterConfig.ExportRef(namespace, name);
      return this;
    }

    public Builder storage(ExporterConfig.Storage storage) {
      this.storage = storage;
      return this;
    }

    /** projectId must be resolved (the project that owns the transfer configs), dataset and location set. */
    public Builder destination(ExporterConfig.Destination destination) {
      this.destination = destination;
      return this;
    }

    public Builder data(ExporterConfig.Data data) {
      this.data = data;
      return this;
    }

    /** The export's cron ({@code spec.schedule}); see {@link TransferSchedule} for the ones that map. */
    public Builder schedule(String cron) {
      this.cron = cron;
      return this;
    }

    public Builder availabilityDelay(Duration availabilityDelay) {
      this.availabilityDelay = availabilityDelay;
      return this;
    }

    /** A Pub/Sub topic {@code projects/P/topics/T} for run notifications, or null. */
    public Builder notificationTopic(String notificationTopic) {
      this.notificationTopic = notificationTopic;
      return this;
    }

    /** The events config first, then the merged-ID config when merged IDs are enabled. */
    public List<TransferConfigSpec> build() {
      if (export == null || storage == null || destination == null) {
        throw new IllegalStateException("export, storage and destination are required");
      }
      String bucket = require(storage.bucket(), "spec.source.storage.gcs.bucket", "the bucket Amplitude exports to");
      if (!BUCKET.matcher(bucket).matches()) {
        throw new TransferSpecException("spec.source.storage.gcs.bucket",
            "'" + bucket + "' is not a Cloud Storage bucket name (lower-case letters, digits, '-', '_' and '.')");
      }
      String project = require(destination.projectId(), "spec.destination.projectId",
          "the project that owns the transfer configs");
      String dataset = require(destination.dataset(), "spec.destination.dataset", "the destination dataset");
      String location = require(destination.location(), "spec.destination.location",
          "the dataset's location, e.g. US");
      if (notificationTopic != null && !TOPIC.matcher(notificationTopic).matches()) {
        throw new TransferSpecException("spec.transfer.notificationPubsubTopic",
            "must be a Pub/Sub topic name 'projects/PROJECT/topics/TOPIC', got '" + notificationTopic + "'");
      }
      StorageLayout layout;
      try {
        layout = new StorageLayout(storage.prefix(), storage.appId(),
            Boolean.TRUE.equals(storage.legacyMergeIdLayout()) ? null : storage.orgId());
      } catch (IllegalArgumentException e) {
        throw new TransferSpecException("spec.source.storage", e.getMessage());
      }
      TransferSchedule schedule = TransferSchedule.fromCron(cron, availabilityDelay);
      String parent = "projects/" + project + "/locations/" + location.toLowerCase(Locale.ROOT);

      List<TransferConfigSpec> specs = new ArrayList<>();
      ExporterConfig.Events events = data == null ? null : data.events();
      if (events == null || events.enabledOrDefault()) {
        String table = events == null ? "events" : events.tableOrDefault();
        // Events: {appId}_yyyy-MM-dd_H#n.json.gz; the '#' keeps legacy merged-ID files (no #n) out.
        String path = "gs://" + bucket + "/" + layout.directory(StorageObjectKind.EVENTS)
            + layout.scope(StorageObjectKind.EVENTS) + "_" + schedule.hourParameter() + "#*.json.gz";
        specs.add(spec(StorageObjectKind.EVENTS, parent, EVENTS_KIND, dataset, schedule, path, table));
      }
      ExporterConfig.MergeIds mergeIds = data == null ? null : data.mergeIds();
      if (mergeIds != null && mergeIds.enabledOrDefault()) {
        if (storage.orgId() == null && !Boolean.TRUE.equals(storage.legacyMergeIdLayout())) {
          throw new TransferSpecException("spec.source.storage.orgId", "merged IDs are under -{orgId}: set orgId, "
              + "or legacyMergeIdLayout: true for a legacy organisation that keeps them under the app ID");
        }
        // Merged IDs: one file per hour, {scope}_yyyy-MM-dd_H.json.gz, so no wildcard at all.
        String path = "gs://" + bucket + "/" + layout.directory(StorageObjectKind.MERGE_IDS)
            + layout.scope(StorageObjectKind.MERGE_IDS) + "_" + schedule.hourParameter() + ".json.gz";
        specs.add(spec(StorageObjectKind.MERGE_IDS, parent, MERGE_IDS_KIND, dataset, schedule, path,
            mergeIds.tableOrDefault()));
      }
      if (specs.isEmpty()) {
        throw new TransferSpecException("spec.data", "neither events nor mergeIds is enabled: nothing to transfer");
      }
      return specs;
    }

    private TransferConfigSpec spec(StorageObjectKind kind, String parent, String what, String dataset,
        TransferSchedule schedule, String path, String table) {
      int maxBadRecords = storage.maxBadRecords() == null ? 0 : storage.maxBadRecords();
      Map<String, String> params = Map.of(
          "data_path_template", path,
          "destination_table_name_template", table,
          "file_format", "JSON",
          "write_disposition", "APPEND",
          "ignore_unknown_values", "true",
          "max_bad_records", Integer.toString(maxBadRecords));
      return new TransferConfigSpec(kind, parent, displayName(what), dataset, schedule.transferSchedule(),
          new TreeMap<>(params), notificationTopic);
    }

    /** Names the export, so the config is recognisable in the console and findable by the operator. */
    private String displayName(String what) {
      return ownedPrefix(export.namespace(), export.name()) + what;
    }

    private static String require(String value, String field, String what) {
      if (value == null || value.isBlank()) {
        throw new TransferSpecException(field, "required for delivery TransferService: " + what);
      }
      return value;
    }
  }
}
