package io.bqexport.amplitude;

/**
 * The Export API could not be read: 429 or 5xx beyond the retry budget, a network error, a stalled download.
 * Nothing of the window may be committed; a later run retries it.
 */
public final class SourceUnavailableException extends AmplitudeException {
  public static final String REASON = "SourceUnavailable";

  public SourceUnavailableException(String message, Throwable cause) {
    super(REASON, message, cause);
  }
}
