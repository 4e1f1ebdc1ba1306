package io.bqexport;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A half-open range of whole UTC hours [start, end): what the exporter requests from Amplitude and commits to
 * BigQuery all or nothing.
 */
public record ExportWindow(Instant start, Instant end) {

  public ExportWindow {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    if (!isHourAligned(start) || !isHourAligned(end)) {
      throw new IllegalArgumentException("window " + start + "/" + end
          + ": a bound is not a whole UTC hour; windows are whole hours (e.g. 2026-11-28T10:00:00Z)");
    }
    if (!end.isAfter(start)) {
      throw new IllegalArgumentException("window " + start + "/" + end + ": start must be before end");
    }
  }

  private static final DateTimeFormatter API_HOUR =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HH").withZone(ZoneOffset.UTC);

  public static ExportWindow ofHour(Instant hour) {
    return new ExportWindow(hour, hour.plus(1, ChronoUnit.HOURS));
  }

  /** Parses {@code START/END} with ISO-8601 instants, e.g. {@code 2026-11-28T10:00:00Z/2026-11-28T13:00:00Z}. */
  public static ExportWindow parse(String text) {
    String[] parts = text.split("/", -1);
    if (parts.length != 2) {
      throw new IllegalArgumentException("expected START/END, e.g. 2026-11-28T10:00:00Z/2026-11-28T13:00:00Z, got '" + text + "'");
    }
    return new ExportWindow(Instant.parse(parts[0].trim()), Instant.parse(parts[1].trim()));
  }

  public static boolean isHourAligned(Instant instant) {
    return instant.truncatedTo(ChronoUnit.HOURS).equals(instant);
  }

  public int hours() {
    return (int) Duration.between(start, end).toHours();
  }

  public List<Instant> hourList() {
    List<Instant> result = new ArrayList<>(hours());
    for (Instant h = start; h.isBefore(end); h = h.plus(1, ChronoUnit.HOURS)) {
      result.add(h);
    }
    return result;
  }

  public boolean contains(Instant instant) {
    return !instant.isBefore(start) && instant.isBefore(end);
  }

  /** The hour an instant belongs to, clamped into this window. */
  public Instant clampedHour(Instant instant) {
    if (instant == null || instant.isBefore(start)) {
      return start;
    }
    if (!instant.isBefore(end)) {
      return end.minus(1, ChronoUnit.HOURS);
    }
    return instant.truncatedTo(ChronoUnit.HOURS);
  }

  /** Halves the window at an hour boundary; only for windows of two hours or more. */
  public List<ExportWindow> split() {
    if (hours() < 2) {
      throw new IllegalStateException("a one-hour window cannot be split: " + this);
    }
    Instant middle = start.plus(hours() / 2, ChronoUnit.HOURS);
    return List.of(new ExportWindow(start, middle), new ExportWindow(middle, end));
  }

  /** The Export API's {@code start} parameter: the first hour, YYYYMMDDTHH. */
  public String apiStart() {
    return API_HOUR.format(start);
  }

  /** The Export API's {@code end} parameter: the LAST hour included (the API's end is inclusive). */
  public String apiEnd() {
    return API_HOUR.format(end.minus(1, ChronoUnit.HOURS));
  }

  @Override
  public String toString() {
    return start + "/" + end;
  }
}
