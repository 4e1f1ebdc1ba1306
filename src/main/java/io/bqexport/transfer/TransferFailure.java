package io.bqexport.transfer;

/**
 * A Transfer Service call that failed, with the condition reason it becomes and a message a user can act on. The
 * message never holds a stack trace or credentials; the service's own message is kept only where it names what to
 * fix (a rejected parameter).
 */
public final class TransferFailure extends RuntimeException {

  /** Condition reasons. */
  public enum Reason {
    TransferServiceDisabled(false),
    TransferPermissionDenied(false),
    TransferAuthFailed(false),
    TransferConfigRejected(false),
    TransferConfigNotFound(false),
    TransferQuotaExceeded(true),
    TransferServiceUnavailable(true),
    TransferCallFailed(false);

    private final boolean transientFailure;

    Reason(boolean transientFailure) {
      this.transientFailure = transientFailure;
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
