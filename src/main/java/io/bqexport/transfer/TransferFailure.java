package io.bqexport.transfer;

/**
 * A Transfer Service call that failed, with the condition reason it becomes and a message a user can act on. The
 * message never holds a stack trace or credentials; the service's own message is kept only where it names what to
 * fix (a rejected parameter).
 */
public final class TransferFailure extends RuntimeException {

  /** Why, with the condition reason it is reported as. */
  public enum Reason {
    SERVICE_DISABLED("TransferServiceDisabled", false),
    PERMISSION_DENIED("TransferPermissionDenied", false),
    AUTH_FAILED("TransferAuthFailed", false),
    CONFIG_REJECTED("TransferConfigRejected", false),
    CONFIG_NOT_FOUND("TransferConfigNotFound", false),
    QUOTA_EXCEEDED("TransferQuotaExceeded", true),
    SERVICE_UNAVAILABLE("TransferServiceUnavailable", true),
    CALL_FAILED("TransferCallFailed", false);

    private final String conditionReason;
    private final boolean transientFailure;

    Reason(String conditionReason, boolean transientFailure) {
      this.conditionReason = conditionReason;
      this.transientFailure = transientFailure;
    }

    /** The reason of the condition that reports it, e.g. TransferServiceDisabled. */
    public String conditionReason() {
      return conditionReason;
    }

    /** Worth retrying later with backoff; the others need a change by the user. */
    public boolean isTransient() {
      return transientFailure;
    }
  }

  private final Reason reason;

  public TransferFailure(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
