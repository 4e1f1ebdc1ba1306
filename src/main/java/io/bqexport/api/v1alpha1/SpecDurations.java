package io.bqexport.api.v1alpha1;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the spec's duration format (2h, 90m, 1h30m, 45s), the subset of Go durations Kubernetes users know, and for
 * long spans the same with days (7d, 1d12h).
 */
public final class SpecDurations {
  private static final Pattern FORMAT = Pattern.compile(ApiPatterns.DURATION);
  private static final Pattern DAYS_FORMAT = Pattern.compile(ApiPatterns.DAYS_DURATION);

  private SpecDurations() {}

  /** @throws IllegalArgumentException with a message that names the field and shows valid examples */
  public static Duration parse(String field, String value) {
    Matcher m = value == null ? null : FORMAT.matcher(value.trim());
    if (m == null || value.isBlank() || !m.matches()) {
      throw new IllegalArgumentException(field + ": '" + value + "' is not a duration; use hours, minutes and"
          + " seconds such as 2h, 90m or 1h30m");
    }
    return sum(field, value, null, m.group(1), m.group(2), m.group(3));
  }

  /** As {@link #parse}, days allowed too (7d, 1d12h). */
  public static Duration parseWithDays(String field, String value) {
    Matcher m = value == null ? null : DAYS_FORMAT.matcher(value.trim());
    if (m == null || value.isBlank() || !m.matches()) {
      throw new IllegalArgumentException(field + ": '" + value + "' is not a duration; use days, hours and"
          + " minutes such as 7d, 36h or 1d12h");
    }
    return sum(field, value, m.group(1), m.group(2), m.group(3), m.group(4));
  }

  private static Duration sum(String field, String value, String days, String hours, String minutes,
      String seconds) {
    try {
      return Duration.ofDays(number(days)).plusHours(number(hours)).plusMinutes(number(minutes))
          .plusSeconds(number(seconds));
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException(field + ": '" + value + "' is too long; use a duration of at most a few"
          + " years", e);
    }
  }

  /** The number of a part such as "12h", 0 when the part is absent. */
  private static long number(String part) {
    return part == null ? 0 : Long.parseLong(part.substring(0, part.length() - 1));
  }
}
