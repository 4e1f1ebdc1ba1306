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

  /** Requests the hour from the Export API and counts its lines. */
  public static Count count(AmplitudeExportClient client, Instant hour) {
    try (ExportLineStream lines = client.open(ExportWindow.ofHour(hour))) {
      return new Count(count(lines, hour), lines.notFound());
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

  /** Reads {@code lines} to their verified end and counts those of {@code hour}. */
  public static long count(LineSource lines, Instant hour) {
    long n = 0;
    String lastFile = null;
    boolean lastCounts = false;
    for (SourceLine line = lines.next(); line != null; line = lines.next()) {
      if (!line.file().equals(lastFile)) {
        lastFile = line.file();
        Instant fileHour = ExportFileHour.of(lastFile);
        lastCounts = fileHour == null || fileHour.equals(hour);
      }
      if (lastCounts) {
        n++;
      }
    }
    return n;
  }
}
