package io.bqexport.amplitude;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The upload hour an export file holds, from its name {@code <appId>/<appId>_yyyy-MM-dd_H#n.json.gz} (H without a
 * leading zero, UTC). Amplitude buckets the export by server_upload_time, one set of files per hour, so the file's
 * hour is the one bucket of its events that no window choice can change.
 */
public final class ExportFileHour {

  private static final Pattern NAME =
      Pattern.compile("(?:.*/)?\\d+_(\\d{4}-\\d{2}-\\d{2})_(\\d{1,2})#\\d+\\.json(?:\\.gz)?");

  private ExportFileHour() {}

  /** The hour of {@code file}; null when the name does not follow Amplitude's layout. */
  public static Instant of(String file) {
    if (file == null) {
      return null;
    }
    Matcher m = NAME.matcher(file);
    if (!m.matches()) {
      return null;
    }
    int hour = Integer.parseInt(m.group(2));
    if (hour > 23) {
      return null;
    }
    try {
      return LocalDate.parse(m.group(1)).atStartOfDay(ZoneOffset.UTC).toInstant().plus(hour, ChronoUnit.HOURS);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
