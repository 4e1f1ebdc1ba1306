package io.bqexport.bigquery;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Labels on every load and query job, so a user finds bqexport's jobs in BigQuery's own job history
 * ({@code labels.bqexport-export:product-events}). BigQuery's label rules: keys and values at most 63 characters of
 * lowercase letters, digits, {@code _} and {@code -}; keys start with a letter
 * (https://cloud.google.com/bigquery/docs/labels-intro#requirements).
 */
public record JobLabels(String namespace, String export) {

  public static final JobLabels NONE = new JobLabels(null, null);
  private static final int MAX = 63;
  private static final DateTimeFormatter HOUR =
      DateTimeFormatter.ofPattern("yyyy-MM-dd't'HH", Locale.ROOT).withZone(ZoneOffset.UTC);

  /** The labels of one job: the export, the kind of step (stage-load, commit, ...) and the first hour it concerns. */
  public Map<String, String> of(String step, Instant firstHour) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("bqexport-step", value(step));
    if (namespace != null) {
      labels.put("bqexport-namespace", value(namespace));
    }
    if (export != null) {
      labels.put("bqexport-export", value(export));
    }
    if (firstHour != null) {
      labels.put("bqexport-hour", HOUR.format(firstHour));
    }
    return labels;
  }

  /** A label value from any text: lowercased, other characters become {@code _}, at most 63 characters. */
  static String value(String text) {
    String v = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]", "_");
    return v.length() > MAX ? v.substring(0, MAX) : v;
  }
}
