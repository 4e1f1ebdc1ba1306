package io.bqexport.bigquery;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Error text from BigQuery and Google's token endpoint, made fit for logs, the run summary, status conditions and
 * Events: on one line, without anything that looks like key or token material (a request echoed back can carry a
 * key's private_key_id, an assertion or a bearer token), and capped in length. What remains still names the problem.
 */
final class ErrorText {
  static final String REDACTED = "<redacted>";
  private static final List<Pattern> SECRETS = List.of(
      // A PEM private key, whole or cut off.
      Pattern.compile("-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)"),
      // JSON members of a key file or token exchange ("private_key_id": "…", access_token=…): the name stays.
      Pattern.compile("(?i)(\\\\?\"?(?:private_key_id|private_key|access_token|refresh_token|id_token|client_secret"
          + "|assertion)\\\\?\"?\\s*[:=]\\s*)(\\\\?\"[^\"\\\\]*\\\\?\"|[^\\s,;&}]+)"),
      Pattern.compile("(?i)(bearer\\s+)[A-Za-z0-9._~+/=-]+"), // the word stays
      Pattern.compile("eyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]{4,}(?:\\.[A-Za-z0-9_-]*)?"), // a JWT (signed assertion)
      Pattern.compile("ya29\\.[A-Za-z0-9._-]+"), // a Google OAuth access token
      Pattern.compile("(?<![0-9A-Za-z])[0-9a-fA-F]{40}(?![0-9A-Za-z])")); // a private_key_id

  private ErrorText() {}

  /** {@code message} on one line, secrets replaced by {@value #REDACTED}, at most {@code max} characters. */
  static String safe(String message, int max) {
    String text = String.valueOf(message).replaceAll("\\s+", " ").trim();
    for (Pattern secret : SECRETS) {
      text = secret.matcher(text).replaceAll(r -> r.groupCount() == 0 ? REDACTED
          : Matcher.quoteReplacement(r.group(1) + REDACTED));
    }
    return text.length() > max ? text.substring(0, max) + "..." : text;
  }
}
