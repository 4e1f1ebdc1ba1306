package io.bqexport.bigquery;

/** A source line that is not a JSON object; the caller adds the file and line number. */
public class MalformedEventException extends Exception {

  public MalformedEventException(String message) {
    super(message);
  }
}
