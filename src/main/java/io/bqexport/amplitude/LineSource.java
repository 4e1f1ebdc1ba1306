package io.bqexport.amplitude;

import java.time.Instant;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Where a window's lines come from: the Export API's archive ({@link ExportLineStream}) or Amplitude's Cloud
 * Storage export ({@code io.bqexport.storage.StorageLineStream}). {@link #next()} returns null only at the
 * verified end of the source and throws an {@link AmplitudeException} on any failure, after which nothing of the
 * window may be committed.
 */
public interface LineSource extends AutoCloseable {

  /** The next non-blank line, or null at the verified end. */
  SourceLine next();

  /**
   * Hours of the window the source has no data for (the Export API's 404, an hour without objects in the bucket):
   * committed empty and marked unverified, so the integrity re-check catches data that arrives later.
   */
  default Set<Instant> hoursWithoutData() {
    return Set.of();
  }

  /**
   * Reads to the verified end and counts the lines {@link #next()} would return whose file {@code fileCounts}
   * accepts; sources that can count without decoding lines override it.
   */
  default long countLines(Predicate<String> fileCounts) {
    long n = 0;
    String lastFile = null;
    boolean lastCounts = false;
    for (SourceLine line = next(); line != null; line = next()) {
      if (!line.file().equals(lastFile)) {
        lastFile = line.file();
        lastCounts = fileCounts.test(lastFile);
      }
      if (lastCounts) {
        n++;
      }
    }
    return n;
  }

  @Override
  void close();
}
