package io.bqexport.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** Desired state of a BigQueryExport: one Amplitude project streamed hourly into one BigQuery dataset. */
// A value the pattern already rejects is left to the pattern's message instead of failing to evaluate here.
@ValidationRule(value = "!has(self.validationInterval) || self.validationInterval == ''"
    + " || !self.validationInterval.matches('" + ApiPatterns.DURATION + "')"
    + " || duration(self.validationInterval) >= duration('5m')",
    message = "spec.validationInterval must be 5m or more: each validation makes a test upload (default 12h)",
    reason = "FieldValueInvalid")
@ValidationRule(value = "!has(self.source.amplitude) || self.source.amplitude.credentialsSecretRef.apiKeyKey"
    + " != self.source.amplitude.credentialsSecretRef.secretKeyKey",
    message = "spec.source.amplitude.credentialsSecretRef: apiKeyKey and secretKeyKey name the same Secret key;"
        + " the API key and the secret key are two different values",
    reason = "FieldValueInvalid")
@ValidationRule(value = "!has(self.data) || !has(self.data.mergeIds) || !has(self.data.mergeIds.enabled)"
    + " || !self.data.mergeIds.enabled || (has(self.source.storage) && (has(self.source.storage.orgId)"
    + " || (has(self.source.storage.legacyMergeIdLayout) && self.source.storage.legacyMergeIdLayout)))",
    message = "spec.data.mergeIds.enabled needs spec.source.storage with orgId (or legacyMergeIdLayout: true):"
        + " Amplitude delivers merged IDs only through its Cloud Storage export, not the Export API",
    reason = "FieldValueInvalid")
@ValidationRule(value = "!has(self.data) || !has(self.data.mergeIds) || !has(self.data.mergeIds.enabled)"
    + " || !self.data.mergeIds.enabled || !has(self.data.mergeIds.table) || !has(self.data.events)"
    + " || !has(self.data.events.table) || self.data.mergeIds.table != self.data.events.table",
    message = "spec.data.mergeIds.table names the events table; give the Merge IDs table its own name"
        + " (default merge_ids)",
    reason = "FieldValueInvalid")
@ValidationRule(value = "!((has(self.source.storage) && has(self.source.storage.credentials.workloadIdentity))"
    + " || (has(self.destination.credentials) && has(self.destination.credentials.workloadIdentity)))"
    + " || (has(self.pod) && has(self.pod.serviceAccountName) && self.pod.serviceAccountName != '')",
    message = "spec.pod.serviceAccountName is required with workloadIdentity: name the Kubernetes service account"
        + " that is bound to the Google service account (annotation iam.gke.io/gcp-service-account)",
    reason = "FieldValueRequired")
@ValidationRule(value = "!has(self.delivery) || self.delivery == 'Direct' || has(self.source.storage)",
    message = "spec.delivery: TransferService needs spec.source.storage: the Transfer Service loads Amplitude's"
        + " Cloud Storage export; with the Export API source use delivery: Direct",
    reason = "FieldValueInvalid")
@ValidationRule(value = "!has(self.transfer) || (has(self.delivery) && self.delivery == 'TransferService')",
    message = "spec.transfer is used only with spec.delivery: TransferService; remove it or set the delivery",
    reason = "FieldValueInvalid")
public record BigQueryExportSpec(
    @Required
    @JsonPropertyDescription("Where events come from.")
    SourceSpec source,
    @Required
    @JsonPropertyDescription("The BigQuery dataset that receives the tables.")
    DestinationSpec destination,
    @JsonPropertyDescription("Which tables are exported.")
    DataSpec data,
    @Default(DEFAULT_SCHEDULE) @Size(min = 1, max = 256)
    @JsonPropertyDescription("Cron schedule of the export runs (5 fields, macros such as @hourly, optional CRON_TZ="
        + " prefix). Each run exports every due hour that is missing. Default: hourly at minute 5.")
    String schedule,
    @Default(DEFAULT_AVAILABILITY_DELAY) @Pattern(ApiPatterns.DURATION) @Size(min = 1, max = 32)
    @JsonPropertyDescription("How long after an hour ends Amplitude makes it exportable. An hour H is due when"
        + " H + 1h + availabilityDelay <= now. Default 2h.")
    String availabilityDelay,
    @Pattern(ApiPatterns.HOUR) @Size(max = 20)
    @JsonPropertyDescription("First hour to export (RFC 3339, UTC, whole hour). Default: the hour the resource was"
        + " created. Use a BigQueryBackfill for older history.")
    String startFrom,
    @Default("false")
    @JsonPropertyDescription("Suspend the schedule. Running jobs finish; no new run starts.")
    Boolean suspend,
    @Default("24") @Min(1) @Max(100)
    @JsonPropertyDescription("How many runs status.runs keeps (1-100). Default 24.")
    Integer historyLimit,
    @Default("24") @Min(1) @Max(168)
    @JsonPropertyDescription("At most this many hours are exported by one run (1-168), oldest first; catch-up after"
        + " downtime spreads over several runs. Default 24.")
    Integer maxHoursPerRun,
    @Default(DEFAULT_FRESHNESS_THRESHOLD) @Pattern(ApiPatterns.DURATION) @Size(min = 1, max = 32)
    @JsonPropertyDescription("DataFresh turns False when the latest due hour is more than this past"
        + " status.exportedThrough. Default 2h.")
    String freshnessThreshold,
    @Default(DEFAULT_VALIDATION_INTERVAL) @Pattern(ApiPatterns.DURATION) @Size(min = 1, max = 32)
    @JsonPropertyDescription("How often the credentials are validated again, besides on every spec or Secret change."
        + " Default 12h.")
    String validationInterval,
    @JsonPropertyDescription("Resources and scheduling of the exporter pods.")
    JobPodSpec pod,
    @JsonPropertyDescription("The integrity re-check: each committed hour is counted again at the source a day"
        + " later (recheckAfter) and replaced when Amplitude has more or fewer events for it now.")
    IntegritySpec integrity,
    @Default("Direct")
    @JsonPropertyDescription("Who moves the events: Direct (default; the operator's exporter pods, exactly once) or"
        + " TransferService (the BigQuery Data Transfer Service loads the Cloud Storage export, at least once;"
        + " needs spec.source.storage).")
    Delivery delivery,
    @JsonPropertyDescription("Transfer Service settings, with delivery: TransferService only.")
    TransferSpec transfer) {

  public static final String DEFAULT_SCHEDULE = "5 * * * *";
  public static final String DEFAULT_AVAILABILITY_DELAY = "2h";
  public static final String DEFAULT_FRESHNESS_THRESHOLD = "2h";
  public static final String DEFAULT_VALIDATION_INTERVAL = "12h";

  public BigQueryExportSpec {
    data = data == null ? new DataSpec(null) : data;
    schedule = schedule == null ? DEFAULT_SCHEDULE : schedule;
    availabilityDelay = availabilityDelay == null ? DEFAULT_AVAILABILITY_DELAY : availabilityDelay;
    suspend = suspend != null && suspend;
    historyLimit = historyLimit == null ? 24 : historyLimit;
    maxHoursPerRun = maxHoursPerRun == null ? 24 : maxHoursPerRun;
    freshnessThreshold = freshnessThreshold == null ? DEFAULT_FRESHNESS_THRESHOLD : freshnessThreshold;
    validationInterval = validationInterval == null ? DEFAULT_VALIDATION_INTERVAL : validationInterval;
    pod = pod == null ? JobPodSpec.empty() : pod;
    integrity = integrity == null ? IntegritySpec.defaults() : integrity;
    delivery = delivery == null ? Delivery.Direct : delivery;
  }

  /** A spec with direct delivery. */
  public BigQueryExportSpec(SourceSpec source, DestinationSpec destination, DataSpec data, String schedule,
      String availabilityDelay, String startFrom, Boolean suspend, Integer historyLimit, Integer maxHoursPerRun,
      String freshnessThreshold, String validationInterval, JobPodSpec pod, IntegritySpec integrity) {
    this(source, destination, data, schedule, availabilityDelay, startFrom, suspend, historyLimit, maxHoursPerRun,
        freshnessThreshold, validationInterval, pod, integrity, null, null);
  }

  public boolean transferService() {
    return delivery == Delivery.TransferService;
  }

  /** A spec with the default integrity re-check. */
  public BigQueryExportSpec(SourceSpec source, DestinationSpec destination, DataSpec data, String schedule,
      String availabilityDelay, String startFrom, Boolean suspend, Integer historyLimit, Integer maxHoursPerRun,
      String freshnessThreshold, String validationInterval, JobPodSpec pod) {
    this(source, destination, data, schedule, availabilityDelay, startFrom, suspend, historyLimit, maxHoursPerRun,
        freshnessThreshold, validationInterval, pod, (IntegritySpec) null);
  }
}
