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

  // Referenced Secrets and the key file.
  public static final String SECRET_NOT_FOUND = "SecretNotFound";
  public static final String SECRET_KEY_MISSING = "SecretKeyMissing";
  public static final String INVALID_KEY_JSON = "InvalidKeyJson";
  public static final String KEY_NOT_SERVICE_ACCOUNT = "KeyNotServiceAccount";
  public static final String KEY_MISSING_FIELD = "KeyMissingField";
  public static final String VALIDATION_PENDING = "ValidationPending";

  // Backfills.
  public static final String EXPORT_NOT_FOUND = "ExportNotFound";
  public static final String RANGE_NOT_AVAILABLE = "RangeNotAvailable";
  public static final String WAITING_FOR_EXPORT = "WaitingForExport";
  public static final String PENDING = "Pending";

  private Reasons() {}
}
