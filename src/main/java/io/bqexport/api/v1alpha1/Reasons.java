package io.bqexport.api.v1alpha1;

/**
 * Every condition reason the operator writes, in one place: reasons are API (alerts and scripts match on them), and
 * the README documents each one (a test checks it).
 */
public final class Reasons {
  // Spec problems (both kinds).
  public static final String INVALID_SPEC = "InvalidSpec";
  public static final String SPEC_INVALID = "SpecInvalid";
  public static final String INVALID_SCHEDULE = "InvalidSchedule";
  public static final String INVALID_DURATION = "InvalidDuration";
  public static final String INVALID_START_FROM = "InvalidStartFrom";
  public static final String INVALID_RANGE = "InvalidRange";
  public static final String ENDPOINT_OVERRIDE_NOT_ALLOWED = "EndpointOverrideNotAllowed";
  public static final String INVALID_INTEGRITY = "InvalidIntegrity";

  // Referenced Secrets and the key file.
  public static final String SECRET_NOT_FOUND = "SecretNotFound";
  public static final String SECRET_NOT_LABELLED = "SecretNotLabelled";
  public static final String SECRET_KEY_MISSING = "SecretKeyMissing";
  public static final String INVALID_KEY_JSON = "InvalidKeyJson";
  public static final String KEY_NOT_SERVICE_ACCOUNT = "KeyNotServiceAccount";
  public static final String KEY_MISSING_FIELD = "KeyMissingField";
  public static final String VALIDATION_PENDING = "ValidationPending";

  // Credential validation (the test upload). Failures from the probe use the exporter's reasons.
  public static final String VALIDATING = "Validating";
  public static final String VALIDATED = "Validated";
  public static final String BIGQUERY_AUTH_FAILED = "BigQueryAuthFailed";
  public static final String PERMISSION_DENIED = "PermissionDenied";
  public static final String DATASET_NOT_FOUND = "DatasetNotFound";
  public static final String TEST_UPLOAD_FAILED = "TestUploadFailed";
  public static final String DESTINATION_UNAVAILABLE = "DestinationUnavailable";
  // Run failures read from BigQuery job status (issue 12).
  public static final String LOAD_REJECTED = "LoadRejected";
  public static final String TRANSACTION_ABORTED = "TransactionAborted";
  public static final String QUOTA_EXCEEDED = "QuotaExceeded";
  public static final String HOURS_QUARANTINED = "HoursQuarantined";
  /** An Event, not a condition: the integrity re-check replaced an hour whose source count changed. */
  public static final String HOUR_REPAIRED = "HourRepaired";
  public static final String AMPLITUDE_AUTH_FAILED = "AmplitudeAuthFailed";
  public static final String SOURCE_UNAVAILABLE = "SourceUnavailable";
  public static final String UNEXPECTED_RESPONSE = "UnexpectedResponse";
  public static final String VALIDATION_TIMED_OUT = "ValidationTimedOut";
  // The storage source's check before activation: list the prefix, read one object.
  public static final String BUCKET_NOT_FOUND = "BucketNotFound";
  public static final String STORAGE_ACCESS_DENIED = "StorageAccessDenied";
  public static final String STORAGE_AUTH_FAILED = "StorageAuthFailed";
  public static final String NO_EXPORT_FILES = "NoExportFiles";
  public static final String WORKLOAD_IDENTITY_UNAVAILABLE = "WorkloadIdentityUnavailable";
  /** workloadIdentity is probed with the operator's own identity: refused unless --allow-workload-identity. */
  public static final String WORKLOAD_IDENTITY_NOT_ALLOWED = "WorkloadIdentityNotAllowed";
  // Transfer Service delivery: checked before the configs are created (get and update transfer configs).
  public static final String TRANSFER_SERVICE_DISABLED = "TransferServiceDisabled";
  public static final String TRANSFER_PERMISSION_DENIED = "TransferPermissionDenied";
  /** A transfer run ended FAILED or CANCELLED; its error is in status.runs. */
  public static final String TRANSFER_RUN_FAILED = "TransferRunFailed";

  // Schedule, data and readiness of an export.
  public static final String SCHEDULED = "Scheduled";
  public static final String NOT_SCHEDULED = "NotScheduled";
  public static final String SUSPENDED = "Suspended";
  public static final String CREDENTIALS_NOT_VALID = "CredentialsNotValid";
  public static final String FRESH = "Fresh";
  public static final String NOTHING_DUE_YET = "NothingDueYet";
  public static final String STALE = "Stale";
  public static final String READY = "Ready";
  public static final String RECONCILED = "Reconciled";

  // Children (ConfigMap, CronJob, Jobs) of both kinds.
  public static final String APPLY_FAILED = "ApplyFailed";
  public static final String NAME_CONFLICT = "NameConflict";
  /** An Event, not a condition: an owned field edited by hand was put back. */
  public static final String MANUAL_CHANGE_REVERTED = "ManualChangeReverted";

  // Backfills.
  public static final String EXPORT_NOT_FOUND = "ExportNotFound";
  public static final String RANGE_NOT_AVAILABLE = "RangeNotAvailable";
  public static final String WAITING_FOR_EXPORT = "WaitingForExport";
  public static final String PENDING = "Pending";
  public static final String RANGE_TOO_LONG = "RangeTooLong";
  public static final String LOAD_JOB_QUOTA = "LoadJobQuotaExceeded";
  public static final String RANGE_CHANGED = "RangeChanged";
  public static final String PLAN_CHANGED = "PlanChanged";
  public static final String RUNNING = "Running";
  public static final String SUCCEEDED = "Succeeded";
  public static final String CHUNKS_FAILED = "ChunksFailed";

  private Reasons() {}
}
