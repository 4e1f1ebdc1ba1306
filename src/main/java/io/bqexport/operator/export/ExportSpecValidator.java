package io.bqexport.operator.export;

import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.api.v1alpha1.ApiPatterns;
import io.bqexport.api.v1alpha1.BigQueryExportSpec;
import io.bqexport.api.v1alpha1.GoogleCredentialsSpec;
import io.bqexport.api.v1alpha1.StorageSourceSpec;
import io.bqexport.api.v1alpha1.SpecDurations;
import io.bqexport.operator.status.Problem;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Checks what the CRD schema cannot (cron syntax, durations, startFrom against the clock), and repeats the schema's
 * required fields and patterns, because an API server without the CRD's validation (an old CRD, a mock) lets them
 * through and a reconcile must never fail on them.
 */
public final class ExportSpecValidator {
  private final boolean allowEndpointOverrides;
  private final boolean allowWorkloadIdentity;

  /** Without endpoint overrides: the operator only ever talks to Google's and Amplitude's own hosts. */
  public ExportSpecValidator() {
    this(false);
  }

  /** Workload Identity allowed (unit tests of the other rules); the operator passes its flags. */
  public ExportSpecValidator(boolean allowEndpointOverrides) {
    this(allowEndpointOverrides, true);
  }

  /**
   * @param allowEndpointOverrides the operator runs with --allow-endpoint-overrides; without it, anyone allowed to
   *     create an export could have the operator send the referenced credentials to a URL of their choice
   * @param allowWorkloadIdentity the operator runs with --allow-workload-identity; without it, anyone allowed to
   *     create an export could have the operator's own Google identity (which probes such exports) read any bucket
   *     and upload into any dataset it can reach
   */
  public ExportSpecValidator(boolean allowEndpointOverrides, boolean allowWorkloadIdentity) {
    this.allowEndpointOverrides = allowEndpointOverrides;
    this.allowWorkloadIdentity = allowWorkloadIdentity;
  }

  public List<Problem> validate(BigQueryExportSpec spec, Instant now) {
    List<Problem> problems = new ArrayList<>();
    if (spec == null || spec.source() == null
        || (spec.source().amplitude() == null) == (spec.source().storage() == null)) {
      problems.add(Problem.of(Reasons.INVALID_SPEC, "spec.source: set exactly one of amplitude (the Export API, with"
          + " spec.source.amplitude.credentialsSecretRef naming the Secret with the api-key and secret-key) and storage (Amplitude's Cloud"
          + " Storage export: gcs.bucket, appId and credentials)"));
    } else if (spec.source().amplitude() != null && spec.source().amplitude().credentialsSecretRef() == null) {
      problems.add(Problem.of(Reasons.INVALID_SPEC, "spec.source.amplitude.credentialsSecretRef is required: name the Secret"
          + " that holds the Amplitude api-key and secret-key"));
    } else if (spec.source().storage() != null) {
      requiredStorageFields(problems, spec.source().storage());
    }
    if (spec == null || spec.destination() == null || spec.destination().dataset() == null
        || (spec.destination().credentialsSecretRef() == null) == (spec.destination().credentials() == null)) {
      problems.add(Problem.of(Reasons.INVALID_SPEC, "spec.destination.dataset and exactly one of"
          + " spec.destination.credentialsSecretRef and spec.destination.credentials are required: name the BigQuery"
          + " dataset and the Secret that holds the service-account key (or credentials.workloadIdentity: {})"));
    } else if (spec.destination().credentials() != null) {
      credentials(problems, "spec.destination.credentials", spec.destination().credentials());
    }
    if (!problems.isEmpty()) {
      return problems;
    }
    pattern(problems, "spec.destination.dataset", spec.destination().dataset(), ApiPatterns.DATASET,
        "use letters, digits and underscores only");
    pattern(problems, "spec.data.events.table", spec.data().events().table(), ApiPatterns.TABLE,
        "start with a letter or underscore, then letters, digits and underscores");
    if (spec.destination().projectId() != null) {
      pattern(problems, "spec.destination.projectId", spec.destination().projectId(), ApiPatterns.PROJECT_ID,
          "use the project ID (lowercase, e.g. acme-analytics), not the project name or number");
    }
    if (spec.destination().keySecretRef() != null) {
      secretRef(problems, spec.destination().keySecretField(), spec.destination().keySecretRef().name(),
          spec.destination().keySecretRef().key());
    }
    if (spec.source().amplitude() != null) {
      var amplitudeRef = spec.source().amplitude().credentialsSecretRef();
      secretRef(problems, "spec.source.amplitude.credentialsSecretRef", amplitudeRef.name(), amplitudeRef.apiKeyKey(),
          amplitudeRef.secretKeyKey());
      endpoint(problems, "spec.source.amplitude.endpoint", spec.source().amplitude().endpoint());
    } else {
      StorageSpecRules.check(problems, spec.source().storage());
      endpoint(problems, "spec.source.storage.endpoint", spec.source().storage().endpoint());
    }
    endpoint(problems, "spec.destination.endpoint", spec.destination().endpoint());
    workloadIdentity(problems, spec);
    StorageSpecRules.checkData(problems, spec);
    try {
      CronSchedule.parse(spec.schedule());
    } catch (IllegalArgumentException e) {
      problems.add(Problem.of(Reasons.INVALID_SCHEDULE, e.getMessage()));
    }
    Duration availabilityDelay = duration(problems, "spec.availabilityDelay", spec.availabilityDelay());
    duration(problems, "spec.freshnessThreshold", spec.freshnessThreshold());
    Duration interval = duration(problems, "spec.validationInterval", spec.validationInterval());
    if (interval != null && interval.compareTo(Duration.ofMinutes(5)) < 0) {
      problems.add(Problem.of(Reasons.INVALID_DURATION, "spec.validationInterval " + spec.validationInterval()
          + " is shorter than 5m; each validation makes a test upload, so use 5m or more (default 12h)"));
    }
    if (spec.startFrom() != null) {
      startFrom(problems, spec.startFrom(), now);
    }
    IntegritySpecValidator.validate(problems, spec.integrity(), availabilityDelay);
    TransferSpecRules.check(problems, spec);
    return problems;
  }

  private static void requiredStorageFields(List<Problem> problems, StorageSourceSpec storage) {
    if (storage.gcs() == null || storage.gcs().bucket() == null || storage.appId() == null) {
      problems.add(Problem.of(Reasons.INVALID_SPEC, "spec.source.storage.gcs.bucket and spec.source.storage.appId are"
          + " required: the bucket given to Amplitude's Cloud Storage export and the Amplitude project ID"));
    }
    if (storage.credentials() == null) {
      problems.add(Problem.of(Reasons.INVALID_SPEC, "spec.source.storage.credentials is required: secretRef (a"
          + " service-account key Secret) or workloadIdentity: {}"));
    } else {
      credentials(problems, "spec.source.storage.credentials", storage.credentials());
    }
  }

  private static void credentials(List<Problem> problems, String field, GoogleCredentialsSpec credentials) {
    if ((credentials.secretRef() == null) == (credentials.workloadIdentity() == null)) {
      problems.add(Problem.of(Reasons.INVALID_SPEC, field + ": set exactly one of secretRef (a service-account key in"
          + " a Secret labelled bqexport.io/credentials=true) and workloadIdentity: {}"));
    }
  }

  private void endpoint(List<Problem> problems, String field, String value) {
    if (value == null) {
      return;
    }
    if (!allowEndpointOverrides) {
      problems.add(Problem.of(Reasons.ENDPOINT_OVERRIDE_NOT_ALLOWED, field + " is set, but this operator does not"
          + " allow endpoint overrides: the credentials would be sent to that URL. Remove " + field + " to use the"
          + " service's own host, or ask the cluster admin to run the operator with --allow-endpoint-overrides"
          + " (chart value allowEndpointOverrides) if everyone who may create BigQueryExports is trusted"));
      return;
    }
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      uri = null;
    }
    if (uri == null || uri.getHost() == null
        || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
      problems.add(Problem.of(Reasons.INVALID_SPEC, field + " '" + value + "' is not an http(s) URL; use e.g."
          + " https://proxy.example.com"));
    }
  }

  /** Refused before any Secret is read or probe runs: the probe would act as the operator, not the tenant. */
  private void workloadIdentity(List<Problem> problems, BigQueryExportSpec spec) {
    if (allowWorkloadIdentity) {
      return;
    }
    List<String> fields = new ArrayList<>();
    if (spec.source().storage() != null && spec.source().storage().credentials().usesWorkloadIdentity()) {
      fields.add("spec.source.storage.credentials.workloadIdentity");
    }
    if (spec.destination().usesWorkloadIdentity()) {
      fields.add("spec.destination.credentials.workloadIdentity");
    }
    if (!fields.isEmpty()) {
      problems.add(Problem.of(Reasons.WORKLOAD_IDENTITY_NOT_ALLOWED, String.join(" and ", fields) + " is set, but"
          + " this operator does not allow Workload Identity: it would validate the export with the operator's own"
          + " Google identity, which may reach other teams' buckets and datasets. Use a key instead (secretRef to a"
          + " Secret labelled bqexport.io/credentials=true), or ask the cluster admin to run the operator with"
          + " --allow-workload-identity (chart value allowWorkloadIdentity) if its Google identity has no grant that"
          + " someone who may create BigQueryExports must not use"));
    }
  }

  /**
   * A Secret's name and keys end up in API paths and volume paths: anything but a plain name or key (a '/', a
   * leading '..') could reach another object or file when the CRD's patterns are not enforced.
   */
  static void secretRef(List<Problem> problems, String field, String name, String... keys) {
    pattern(problems, field + ".name", name, ApiPatterns.OBJECT_NAME,
        "name a Secret in this namespace (lowercase letters, digits, '-' and '.')");
    for (int i = 0; i < keys.length; i++) {
      String keyField = field + (keys.length == 1 ? ".key" : i == 0 ? ".apiKeyKey" : ".secretKeyKey");
      if (keys[i] == null || !Pattern.matches(ApiPatterns.SECRET_KEY, keys[i])) {
        problems.add(Problem.of(Reasons.INVALID_SPEC, keyField + " '" + keys[i] + "' is not a Secret key: use"
            + " letters, digits, '-', '_' and '.', not '.' alone and not starting with '..'"));
      }
    }
  }

  static void pattern(List<Problem> problems, String field, String value, String regex, String fix) {
    if (value == null || !Pattern.matches(regex, value)) {
      problems.add(Problem.of(Reasons.INVALID_SPEC, field + " '" + value + "' is not valid: " + fix));
    }
  }

  private static Duration duration(List<Problem> problems, String field, String value) {
    return parsed(problems, () -> SpecDurations.parse(field, value));
  }

  /** The parsed duration, or null with an InvalidDuration problem carrying the parser's message (field and fix). */
  static Duration parsed(List<Problem> problems, Supplier<Duration> parse) {
    try {
      return parse.get();
    } catch (IllegalArgumentException e) {
      problems.add(Problem.of(Reasons.INVALID_DURATION, e.getMessage()));
      return null;
    }
  }

  /** When a spec invalid only for a startFrom too far ahead becomes valid by itself, so it is looked at again. */
  static Optional<Instant> validAt(BigQueryExportSpec spec, Instant now) {
    if (spec == null || spec.startFrom() == null) {
      return Optional.empty();
    }
    try {
      Instant validFrom = Instant.parse(spec.startFrom()).minus(Duration.ofHours(1));
      return validFrom.isAfter(now) ? Optional.of(validFrom) : Optional.empty();
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private static void startFrom(List<Problem> problems, String value, Instant now) {
    Instant start;
    try {
      start = Instant.parse(value);
    } catch (DateTimeParseException e) {
      problems.add(Problem.of(Reasons.INVALID_START_FROM, "spec.startFrom '" + value + "' is not an RFC 3339 UTC timestamp;"
          + " use a whole hour such as 2026-11-01T00:00:00Z"));
      return;
    }
    if (!Pattern.matches(ApiPatterns.HOUR, value)) {
      problems.add(Problem.of(Reasons.INVALID_START_FROM, "spec.startFrom '" + value + "' is not on a whole hour; use e.g. "
          + start.truncatedTo(java.time.temporal.ChronoUnit.HOURS)));
    } else if (start.isAfter(now.plus(Duration.ofHours(1)))) {
      problems.add(Problem.of(Reasons.INVALID_START_FROM, "spec.startFrom " + value + " is more than an hour in the future;"
          + " set it to the first hour to export, at most the current hour"));
    }
  }
}
