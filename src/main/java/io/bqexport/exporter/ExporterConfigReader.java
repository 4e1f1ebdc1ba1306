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
    if (c.source() == null) {
      p.add("source is required");
    } else {
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
      requireText(p, "destination.credentialsFile", d.credentialsFile());
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
   * hour is even exportable would compare with an answer no more complete than the first); a budget of 0 to 8784
   * hours (0 verifies nothing this run).
   */
  private static void validateIntegrity(List<String> p, ExporterConfig c) {
    ExporterConfig.Integrity i = c.integrity();
    if (i == null) {
      return;
    }
    Duration recheckAfter = positiveDuration(p, "integrity.recheckAfter", i.recheckAfter(), "PT24H");
    positiveDuration(p, "integrity.lookback", i.lookback(), "P7D");
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
