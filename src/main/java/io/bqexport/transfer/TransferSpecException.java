package io.bqexport.transfer;

/** A spec that cannot become a transfer config: names the field and the fix. */
public final class TransferSpecException extends IllegalArgumentException {
  private final String field;

  public TransferSpecException(String field, String message) {
    super(field + ": " + message);
    this.field = field;
  }

  /** The spec field at fault, e.g. {@code spec.schedule}. */
  public String field() {
    return field;
  }
}
