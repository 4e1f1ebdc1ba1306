package io.bqexport.amplitude;

/**
 * A failure talking to Amplitude. {@link #reason()} is a short machine word (for conditions, summaries and
 * metrics); the message is for humans and names the fix. Messages never contain credentials.
 */
public class AmplitudeException extends RuntimeException {
  private final String reason;

  public AmplitudeException(String reason, String message) {
    this(reason, message, null);
  }

  public AmplitudeException(String reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }
}
