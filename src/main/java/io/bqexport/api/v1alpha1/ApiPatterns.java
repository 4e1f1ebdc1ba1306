package io.bqexport.api.v1alpha1;

/** Schema patterns shared by both kinds. Kept in one place so the CRD and the validators agree. */
public final class ApiPatterns {
  /** An RFC 3339 UTC timestamp on a whole hour, e.g. 2026-11-01T00:00:00Z. */
  public static final String HOUR = "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:00:00Z$";
  /** A duration such as 2h, 90m, 1h30m or 45s. */
  public static final String DURATION = "^([0-9]+h)?([0-9]+m)?([0-9]+s)?$";
  /**
   * A duration that may also count days (7d, 1d12h), for long spans. Separate from {@link #DURATION} because CEL's
   * duration() has no days, and rules compare those fields with it.
   */
  public static final String DAYS_DURATION = "^([0-9]+d)?([0-9]+h)?([0-9]+m)?([0-9]+s)?$";
  /** BigQuery dataset names: letters, digits and underscores, at most 1024. */
  public static final String DATASET = "^[A-Za-z0-9_]{1,1024}$";
  /** BigQuery table names as this operator creates them: start with a letter or underscore. */
  public static final String TABLE = "^[A-Za-z_][A-Za-z0-9_]{0,1023}$";
  /** Google Cloud project ids (also accepts legacy domain-scoped ids such as example.com:project). */
  public static final String PROJECT_ID = "^([a-z][a-z0-9.-]*[a-z0-9]:)?[a-z][a-z0-9-]{4,28}[a-z0-9]$";
  /** Kubernetes object names (DNS subdomain). */
  public static final String OBJECT_NAME = "^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$";
  /**
   * Keys of a Secret's data map, as Kubernetes allows them: {@code [-._a-zA-Z0-9]+}, but not "." or "..", and not
   * starting with ".." (the Secret volume's own entries, such as ..data). Without lookahead: the API server
   * evaluates patterns with Go's RE2, which has none.
   */
  public static final String SECRET_KEY = "^\\.?[-_a-zA-Z0-9][-._a-zA-Z0-9]*$";

  /** Amplitude project and organisation IDs: digits, no leading zero. */
  public static final String AMPLITUDE_ID = "^[1-9][0-9]{0,18}$";
  /**
   * Cloud Storage bucket names (https://cloud.google.com/storage/docs/buckets#naming): lowercase letters, digits,
   * '-', '_' and '.', starting and ending with a letter or digit; dot-separated parts of at most 63.
   */
  public static final String BUCKET = "^[a-z0-9]([a-z0-9_-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9_-]{0,61}[a-z0-9])?)*$";
  /** A folder in a bucket: any object-name characters but line breaks (https://cloud.google.com/storage/docs/objects#naming). */
  public static final String OBJECT_PREFIX = "^[^\\r\\n]*$";

  private ApiPatterns() {}
}
