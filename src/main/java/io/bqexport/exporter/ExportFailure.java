package io.bqexport.exporter;

/** A failure with a reason and a user-facing, actionable message (never a stack trace). */
public class ExportFailure extends RuntimeException {

  private final FailureReason reason;

  public ExportFailure(FailureReason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public ExportFailure(FailureReason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public FailureReason reason() {
    return reason;
  }
}
