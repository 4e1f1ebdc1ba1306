package io.bqexport.amplitude;

/**
 * Where a window's lines come from: the Export API's archive ({@link ExportLineStream}) or Amplitude's Cloud
 * Storage export ({@code io.bqexport.storage.StorageLineStream}). {@link #next()} returns null only at the
 * verified end of the source and throws an {@link AmplitudeException} on any failure, after which nothing of the
 * window may be committed.
 */
public interface LineSource extends AutoCloseable {

  /** The next non-blank line, or null at the verified end. */
  SourceLine next();

  @Override
  void close();
}
