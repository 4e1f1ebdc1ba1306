package io.bqexport.testing.bigquery;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Limits BigQuery applies to a JSON row before its values are typed, which Jackson alone would let through:
 * <ul>
 *   <li>the row's size: a JSON row may be 100 MB at most (https://cloud.google.com/bigquery/quotas#load_jobs);</li>
 *   <li>nesting: "The JSON data type has a nesting limit of 500"
 *       (https://cloud.google.com/bigquery/docs/json-data);</li>
 *   <li>text must be UTF-8 (https://cloud.google.com/bigquery/docs/loading-data-cloud-storage-json, "Encoding"); a lone
 *       surrogate escape such as "\ud83d" decodes to no Unicode scalar value, so it has no UTF-8 form. Malformed
 *       UTF-8 bytes already fail Jackson's parser.</li>
 * </ul>
 * The messages are the emulator's own: BigQuery's exact wording for these cases is not documented.
 */
final class RowTextLimits {
  static final int MAX_NESTING = 500;

  private RowTextLimits() {}

  static void checkSize(int rowBytes, long maxRowBytes) throws JsonValueConverter.BadValue {
    if (rowBytes > maxRowBytes) {
      throw new JsonValueConverter.BadValue("Row size " + rowBytes + " bytes is larger than the maximum of "
          + maxRowBytes + " bytes.");
    }
  }

  /** Checks every value of the row; a value's nesting counts from the row's fields (a top-level JSON value is 1). */
  static void check(JsonNode row) throws JsonValueConverter.BadValue {
    check(row, 0);
  }

  private static void check(JsonNode node, int depth) throws JsonValueConverter.BadValue {
    if (node.isContainerNode() && depth > MAX_NESTING) {
      throw new JsonValueConverter.BadValue("JSON nesting is deeper than the limit of " + MAX_NESTING + ".");
    }
    if (node.isTextual()) {
      checkText(node.textValue());
    } else if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        checkText(field.getKey());
        check(field.getValue(), depth + 1);
      }
    } else if (node.isArray()) {
      for (JsonNode element : node) {
        check(element, depth + 1);
      }
    }
  }

  private static void checkText(String text) throws JsonValueConverter.BadValue {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new JsonValueConverter.BadValue(String.format("Invalid UTF-8: the string contains the lone "
            + "surrogate \\u%04x, which has no UTF-8 encoding.", (int) c));
      }
    }
  }
}
