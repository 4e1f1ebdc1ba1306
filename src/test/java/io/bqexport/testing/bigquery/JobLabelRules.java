package io.bqexport.testing.bigquery;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * BigQuery's label requirements (https://cloud.google.com/bigquery/docs/labels-intro#requirements): at most 64
 * labels, keys and values at most 63 characters of lowercase letters, digits, underscores and dashes, keys start
 * with a lowercase letter and are not empty. Jobs whose labels break them are refused with 400 invalid.
 */
final class JobLabelRules {

  private static final Pattern KEY = Pattern.compile("[\\p{Ll}\\p{Lo}][\\p{Ll}\\p{Lo}\\p{N}_-]{0,62}");
  private static final Pattern VALUE = Pattern.compile("[\\p{Ll}\\p{Lo}\\p{N}_-]{0,63}");

  private JobLabelRules() {}

  static void check(JsonNode labels) {
    if (labels == null || labels.isMissingNode() || labels.isNull()) {
      return;
    }
    if (labels.size() > 64) {
      throw ApiException.invalid("A job may have at most 64 labels.");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = labels.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> label = it.next();
      if (!KEY.matcher(label.getKey()).matches() || !VALUE.matcher(label.getValue().asText()).matches()) {
        throw ApiException.invalid("Invalid label " + label.getKey() + ": keys and values may contain only "
            + "lowercase letters, numeric characters, underscores and dashes, at most 63 characters; keys start "
            + "with a lowercase letter.");
      }
    }
  }
}
