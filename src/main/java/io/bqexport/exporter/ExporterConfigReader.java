package io.bqexport.exporter;

import io.bqexport.ExportWindow;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Reads, validates and writes {@link ExporterConfig}; every problem names its field and the fix. */
public final class ExporterConfigReader {

  private static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
  private static final Pattern DATASET = Pattern.compile("[A-Za-z0-9_]{1,1024}");
  private static final Pattern TABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,1000}");
  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9._-]*[a-z0-9]");
  private static final Pattern ID = Pattern.compile("[1-9]\\d{0,18}");

  private ExporterConfigReader() {}

  public static ExporterConfig read(Path file) {
    String json;
    try {
      json = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw invalid("config file " + file + " does not exist; pass the path of the exporter config JSON with --config");
    } catch (IOException e) {
      throw invalid("cannot read config file " + file + ": " + e.getMessage());
    }
    return parse(json);
  }

  public static ExporterConfig parse(String json) {
    ExporterConfig config;
    try {
      config = MAPPER.readValue(json, ExporterConfig.class);
    } catch (UnrecognizedPropertyException e) {
      throw invalid("unknown field '" + path(e) + "' in the exporter config; remove it or check its spelling");
    } catch (JsonMappingException e) {
      throw invalid("field '" + path(e) + "' has the wrong type: " + e.getOriginalMessage());
    } catch (JsonProcessingException e) {
      throw invalid("the exporter config is not valid JSON: " + e.getOriginalMessage());
    }
    if (config == null) {
      throw invalid("the exporter config is empty");
    }
    List<String> problems = validate(config);
    if (!problems.isEmpty()) {
      throw invalid(String.join("; ", problems));
    }
    return config;
  }

  public static String toJson(ExporterConfig config) {
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(config);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize the exporter config", e);
    }
  }

  /** All problems of a config, each naming its field; empty when it is valid. */
  public static List<String> validate(ExporterConfig c) {
    List<String> p = new ArrayList<>();
    if ((c.source() == null) == (c.storage() == null)) {
      p.add("set exactly one of source (Amplitude's Export API) and storage (Amplitude's Cloud Storage export)");
    }
    if (c.storage() != null) {
      validateStorage(p, c.storage(), mergeIdsEnabled(c));
    }
    if (c.source() != null) {
      ExporterConfig.Source s = c.source();
      if (s.endpoint() == null || s.endpoint().isBlank()) {
        if (s.region() == null || !List.of("US", "EU").contains(s.region().toUpperCase(Locale.ROOT))) {
          p.add("source.region must be US or EU (or set source.endpoint), got " + quote(s.region()));
        }
      } else if (!s.endpoint().startsWith("http://") && !s.endpoint().startsWith("https://")) {
        p.add("source.endpoint must be an http(s) URL, got " + quote(s.endpoint()));
      }
      requireText(p, "source.apiKeyFile", s.apiKeyFile());
      requireText(p, "source.secretKeyFile", s.secretKeyFile());
      if (s.maxBadRecords() != null && s.maxBadRecords() < 0) {
        p.add("source.maxBadRecords must be 0 or more, got " + s.maxBadRecords());
      }
      if (s.connectTimeoutSeconds() != null && s.connectTimeoutSeconds() <= 0) {
        p.add("source.connectTimeoutSeconds must be positive, got " + s.connectTimeoutSeconds());
      }
      if (s.readTimeoutSeconds() != null && s.readTimeoutSeconds() <= 0) {
        p.add("source.readTimeoutSeconds must be positive, got " + s.readTimeoutSeconds());
      }
    }
    if (c.destination() == null) {
      p.add("destination is required");
    } else {
      ExporterConfig.Destination d = c.destination();
      if (d.dataset() == null || !DATASET.matcher(d.dataset()).matches()) {
        p.add("destination.dataset must contain only letters, digits and underscores, got " + quote(d.dataset()));
      }
      credentials(p, "destination", d.credentialsFile(), d.workloadIdentityOrDefault());
      if (d.workloadIdentityOrDefault() && (d.projectId() == null || d.projectId().isBlank())) {
        p.add("destination.projectId is required with destination.workloadIdentity: without a key there is no "
            + "project_id to default to");
      }
      if (d.endpoint() != null && !d.endpoint().startsWith("http://") && !d.endpoint().startsWith("https://")) {
        p.add("destination.endpoint must be an http(s) URL, got " + quote(d.endpoint()));
      }
    }
    if (c.data() != null && c.data().events() != null) {
      String table = c.data().events().table();
      if (table != null && !TABLE.matcher(table).matches()) {
        p.add("data.events.table must start with a letter or underscore and contain only letters, digits and "
            + "underscores, got " + quote(table));
      }
    }
    if (c.data() != null && c.data().events() != null && c.data().events().filter() != null) {
      rules(p, "data.events.filter.include", c.data().events().filter().include());
      rules(p, "data.events.filter.exclude", c.data().events().filter().exclude());
    }
    if (mergeIdsEnabled(c)) {
      String table = c.data().mergeIds().tableOrDefault();
      if (!TABLE.matcher(table).matches()) {
        p.add("data.mergeIds.table must start with a letter or underscore and contain only letters, digits and "
            + "underscores, got " + quote(table));
      } else if (table.equalsIgnoreCase(c.eventsTable())) {
        p.add("data.mergeIds.table must differ from data.events.table, both are " + quote(table));
      }
      if (c.storage() == null) {
        p.add("data.mergeIds needs the storage source: Amplitude's Export API has no merged IDs, only its Cloud "
            + "Storage export does; set storage instead of source, or disable data.mergeIds");
      }
    }
    if (c.startFrom() == null) {
      p.add("startFrom is required (an hour-aligned instant such as 2026-11-01T00:00:00Z)");
    } else {
      try {
        Instant start = Instant.parse(c.startFrom());
        if (!ExportWindow.isHourAligned(start)) {
          p.add("startFrom must be a whole hour such as 2026-11-01T00:00:00Z, got " + quote(c.startFrom()));
        }
      } catch (DateTimeParseException e) {
        p.add("startFrom must be an ISO-8601 instant such as 2026-11-01T00:00:00Z, got " + quote(c.startFrom()));
      }
    }
    if (c.availabilityDelay() != null) {
      try {
        if (Duration.parse(c.availabilityDelay()).isNegative()) {
          p.add("availabilityDelay must not be negative, got " + quote(c.availabilityDelay()));
        }
      } catch (DateTimeParseException e) {
        p.add("availabilityDelay must be an ISO-8601 duration such as PT2H, got " + quote(c.availabilityDelay()));
      }
    }
    if (c.maxHoursPerRun() != null && (c.maxHoursPerRun() < 1 || c.maxHoursPerRun() > 24 * 366)) {
      p.add("maxHoursPerRun must be between 1 and 8784, got " + c.maxHoursPerRun());
    }
    validateIntegrity(p, c);
    return p;
  }

  /**
   * integrity: ISO-8601 durations, positive; recheckAfter not shorter than availabilityDelay (a re-check before the
   * hour is even exportable would compare with an answer no more complete than the first); lookback at least
 * recheckAfter + 1 hour (otherwise no hour is ever due while within lookback); a budget of 0 to 8784
   * hours (0 verifies nothing this run).
   */
  private static void validateIntegrity(List<String> p, ExporterConfig c) {
    ExporterConfig.Integrity i = c.integrity();
    if (i == null) {
      return;
    }
    Duration recheckAfter = positiveDuration(p, "integrity.recheckAfter", i.recheckAfter(), "PT24H");
    Duration lookback = positiveDuration(p, "integrity.lookback", i.lookback(), "P7D");
    Duration effectiveRecheck = recheckAfter != null ? recheckAfter
        : i.recheckAfter() == null ? i.recheckAfterOrDefault() : null;
    Duration effectiveLookback = lookback != null ? lookback : i.lookback() == null ? i.lookbackOrDefault() : null;
    if (effectiveRecheck != null && effectiveLookback != null
        && effectiveLookback.compareTo(effectiveRecheck.plusHours(1)) < 0) {
      // an hour is due recheckAfter after its end and re-checked only while it starts within lookback
      p.add("integrity.lookback (" + (i.lookback() == null ? "default P7D" : i.lookback()) + ") must be at least "
          + "recheckAfter + 1 hour (" + effectiveRecheck.plusHours(1) + "): an hour leaves lookback before "
          + "recheckAfter has passed since its end, so no hour would ever be re-checked; raise lookback (default "
          + "P7D) or lower recheckAfter (default PT24H)");
    }
    Duration delay = availabilityDelayOrNull(c);
    if (recheckAfter != null && delay != null && recheckAfter.compareTo(delay) < 0) {
      p.add("integrity.recheckAfter (" + i.recheckAfter() + ") must not be shorter than availabilityDelay ("
          + delay + "): an hour is re-checked only after it is exportable; raise recheckAfter to at least " + delay
          + " (default PT24H)");
    }
    if (i.maxHoursPerRun() != null && (i.maxHoursPerRun() < 0 || i.maxHoursPerRun() > 24 * 366)) {
      p.add("integrity.maxHoursPerRun must be between 0 (verify nothing this run) and 8784, got "
          + i.maxHoursPerRun());
    }
  }

  private static Duration availabilityDelayOrNull(ExporterConfig c) {
    try {
      return c.availabilityDelayDuration();
    } catch (DateTimeParseException e) {
      return null; // reported for availabilityDelay
    }
  }

  /** The duration of {@code field}, or null when unset or invalid (then a problem is added). */
  private static Duration positiveDuration(List<String> p, String field, String value, String example) {
    if (value == null) {
      return null;
    }
    try {
      Duration d = Duration.parse(value);
      if (d.isNegative() || d.isZero()) {
        p.add(field + " must be a positive duration such as " + example + ", got " + quote(value));
        return null;
      }
      return d;
    } catch (DateTimeParseException e) {
      p.add(field + " must be an ISO-8601 duration such as " + example + ", got " + quote(value));
      return null;
    }
  }

  /** Bucket names per https://cloud.google.com/storage/docs/buckets#naming (dotted names up to 222). */
  private static void validateStorage(List<String> p, ExporterConfig.Storage s, boolean mergeIds) {
    if (s.bucket() == null || !validBucket(s.bucket())) {
      p.add("storage.bucket must be a Cloud Storage bucket name (3 to 63 lowercase letters, digits, dashes, "
          + "underscores and dots, starting and ending with a letter or digit, without the gs:// scheme), got "
          + quote(s.bucket()));
    }
    if (s.appId() == null || !ID.matcher(s.appId()).matches()) {
      p.add("storage.appId must be the Amplitude project ID (digits, e.g. 187520), got " + quote(s.appId()));
    }
    if (s.orgId() != null && !ID.matcher(s.orgId().startsWith("-") ? s.orgId().substring(1) : s.orgId()).matches()) {
      p.add("storage.orgId must be the Amplitude organisation ID (digits, e.g. 189524), got " + quote(s.orgId()));
    }
    if (mergeIds && s.orgId() == null && !Boolean.TRUE.equals(s.legacyMergeIdLayout())) {
      p.add("storage.orgId is required with data.mergeIds (merged IDs are under -ORG_ID/); for a legacy "
          + "organisation whose merged IDs are under the app ID, set storage.legacyMergeIdLayout: true instead");
    }
    if (s.endpoint() != null && !s.endpoint().startsWith("http://") && !s.endpoint().startsWith("https://")) {
      p.add("storage.endpoint must be an http(s) URL, got " + quote(s.endpoint()));
    }
    if (s.maxBadRecords() != null && s.maxBadRecords() < 0) {
      p.add("storage.maxBadRecords must be 0 or more, got " + s.maxBadRecords());
    }
    credentials(p, "storage", s.credentialsFile(), s.workloadIdentityOrDefault());
  }

  private static boolean validBucket(String name) {
    if (name.length() < 3 || name.length() > 222 || !BUCKET.matcher(name).matches() || name.startsWith("goog")) {
      return false;
    }
    for (String part : name.split("\\.")) {
      if (part.isEmpty() || part.length() > 63) {
        return false;
      }
    }
    return name.contains(".") || name.length() <= 63;
  }

  /** Exactly one of a mounted key file and Workload Identity. */
  private static void credentials(List<String> p, String field, String file, boolean workloadIdentity) {
    boolean hasFile = file != null && !file.isBlank();
    if (hasFile == workloadIdentity) {
      p.add("set exactly one of " + field + ".credentialsFile (a mounted service-account key) and " + field
          + ".workloadIdentity: true (no key; GKE Workload Identity)");
    }
  }

  private static void rules(List<String> p, String field, List<ExporterConfig.FilterRule> rules) {
    if (rules == null) {
      return;
    }
    for (int i = 0; i < rules.size(); i++) {
      ExporterConfig.FilterRule r = rules.get(i);
      boolean type = r != null && r.eventType() != null && !r.eventType().isEmpty();
      boolean prefix = r != null && r.prefix() != null && !r.prefix().isEmpty();
      if (type == prefix) {
        p.add(field + "[" + i + "] must set exactly one of eventType (an exact event type) and prefix (a "
            + "non-empty start of event types)");
      }
    }
  }

  private static boolean mergeIdsEnabled(ExporterConfig c) {
    return c.data() != null && c.data().mergeIds() != null && c.data().mergeIds().enabledOrDefault();
  }

  private static void requireText(List<String> problems, String field, String value) {
    if (value == null || value.isBlank()) {
      problems.add(field + " is required");
    }
  }

  private static String quote(String value) {
    return value == null ? "nothing" : "'" + value + "'";
  }

  private static String path(JsonMappingException e) {
    return e.getPath().stream()
        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
        .collect(Collectors.joining("."));
  }

  private static ExportFailure invalid(String message) {
    return new ExportFailure(FailureReason.ConfigInvalid, message);
  }
}
