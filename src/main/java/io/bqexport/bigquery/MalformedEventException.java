package io.bqexport.bigquery;

/**
 * A source line that cannot become a row BigQuery accepts. The message says what is wrong without quoting the event
 * (it may hold personal data or secrets); the caller adds the file and line, and {@link #column()} where known.
 */
public class MalformedEventException extends Exception {

  private final int column;

  public MalformedEventException(String message, int column) {
    super(message);
    this.column = column;
  }

  public MalformedEventException(String message) {
    this(message, 0);
  }

  /** The 1-based column (character) in the line where the problem was found, or 0 when it concerns a whole value. */
  public int column() {
    return column;
  }
}
