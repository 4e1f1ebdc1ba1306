package io.bqexport.amplitude;

import io.bqexport.ExportWindow;
import java.io.InputStream;
import java.time.Instant;

/**
 * Counts the lines the source has for one hour, without parsing, mapping or uploading them: the integrity
 * re-check's read, close to the floor of decompressing the archive. A line counts for the hour when its export
 * file's name says that hour, or says nothing ({@link ExportFileHour}), as the export's routing counts it.
 */
public final class HourLineCounter {

  /** The lines of an hour; notFound when the source answered 404 (no data for the hour). */
  public record Count(long lines, boolean notFound) {}

  private HourLineCounter() {}

  /** Reads the hour from its source (the Export API, the bucket) and counts its lines. */
  public static Count count(WindowSource source, Instant hour) {
    try (LineSource lines = source.open(ExportWindow.ofHour(hour))) {
      long n = count(lines, hour, source);
      return new Count(n, lines.hoursWithoutData().contains(hour));
    }
  }

  /**
   * Counts an Export API archive read from any stream (a file): the measurement hook for benchmarks, which time it
   * against the floor of decompressing the same archive.
   */
  public static long countArchive(InputStream archive, Instant hour) {
    try (ExportLineStream lines = ExportLineStream.of(ExportWindow.ofHour(hour), archive)) {
      return count(lines, hour);
    }
  }

  /** Reads Export API {@code lines} to their verified end and counts those of {@code hour}. */
  public static long count(LineSource lines, Instant hour) {
    return count(lines, hour, window -> lines);
  }

  /** Reads {@code lines} to their verified end and counts those of {@code hour}, by the source's file hours. */
  static long count(LineSource lines, Instant hour, WindowSource source) {
    return lines.countLines(file -> {
      Instant fileHour = source.fileHour(file);
      return fileHour == null || fileHour.equals(hour);
    });
  }
}
