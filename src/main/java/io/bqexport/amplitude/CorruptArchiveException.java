package io.bqexport.amplitude;

/**
 * The export archive is truncated or corrupt (zip or gzip). It surfaces only from reading the stream, possibly
 * after many lines were handed out: the caller must commit nothing of the window and retry it later.
 */
public final class CorruptArchiveException extends AmplitudeException {
  public static final String REASON = "ArchiveCorrupt";

  public CorruptArchiveException(String message, Throwable cause) {
    super(REASON, message, cause);
  }
}
