package io.bqexport.operator.status;

/**
 * Something wrong that a user must fix: a machine reason for conditions and alerts, and a message that names the
 * field or object and the fix. Never carries secret material.
 */
public record Problem(String reason, String message) {

  public static Problem of(String reason, String message) {
    return new Problem(reason, message);
  }
}
