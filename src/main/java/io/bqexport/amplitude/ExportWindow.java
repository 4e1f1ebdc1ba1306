package io.bqexport.amplitude;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/** A half-open range [start, end) of whole UTC hours, as the exporter commits them. */
public record ExportWindow(Instant start, Instant end) {

  private static final DateTimeFormatter API_HOUR =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HH").withZone(ZoneOffset.UTC);

  public ExportWindow {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    requireWholeHour(start, "start");
    requireWholeHour(end, "end");
    if (!start.isBefore(end)) {
      throw new IllegalArgumentException("window start " + start + " must be before end " + end);
    }
  }

  private static void requireWholeHour(Instant instant, String name) {
    if (!instant.truncatedTo(ChronoUnit.HOURS).equals(instant)) {
      throw new IllegalArgumentException("window " + name + " " + instant + " is not a whole UTC hour");
    }
  }

  public static ExportWindow ofHour(Instant hour) {
    return new ExportWindow(hour, hour.plus(Duration.ofHours(1)));
  }

  public long hours() {
    return Duration.between(start, end).toHours();
  }

  /** The Export API's {@code start} parameter: the first hour, YYYYMMDDTHH. */
  public String apiStart() {
    return API_HOUR.format(start);
  }

  /** The Export API's {@code end} parameter: the LAST hour included (the API's end is inclusive). */
  public String apiEnd() {
    return API_HOUR.format(end.minus(Duration.ofHours(1)));
  }

  @Override
  public String toString() {
    return start + "/" + end;
  }
}
