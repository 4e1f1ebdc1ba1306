package io.bqexport.api.v1alpha1;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the spec's duration format (2h, 90m, 1h30m, 45s), the subset of Go durations Kubernetes users know. */
public final class SpecDurations {
  private static final Pattern FORMAT = Pattern.compile(ApiPatterns.DURATION);

  private SpecDurations() {}

  /** @throws IllegalArgumentException with a message that names the field and shows valid examples */
  public static Duration parse(String field, String value) {
    Matcher m = value == null ? null : FORMAT.matcher(value.trim());
    if (m == null || value.isBlank() || !m.matches()) {
      throw new IllegalArgumentException(field + ": '" + value + "' is not a duration; use hours, minutes and"
          + " seconds such as 2h, 90m or 1h30m");
    }
    Duration d = Duration.ZERO;
    if (m.group(1) != null) {
      d = d.plusHours(Long.parseLong(m.group(1).replace("h", "")));
    }
    if (m.group(2) != null) {
      d = d.plusMinutes(Long.parseLong(m.group(2).replace("m", "")));
    }
    if (m.group(3) != null) {
      d = d.plusSeconds(Long.parseLong(m.group(3).replace("s", "")));
    }
    return d;
  }
}
