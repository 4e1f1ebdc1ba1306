package io.bqexport.amplitude;

import java.time.Instant;
import java.util.Set;

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

  @Override
  void close();
}
