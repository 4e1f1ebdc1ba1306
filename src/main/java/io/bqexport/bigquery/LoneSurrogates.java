package io.bqexport.bigquery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * Replaces lone UTF-16 surrogates (a string cut mid-emoji, such as {@code "\ud83d"}) with U+FFFD and counts them.
 * Such a string has no UTF-8 form, so BigQuery would reject the row and with it the whole load. A line decoded from
 * valid UTF-8 can only carry one through a JSON escape, so {@link #mayOccurIn} lets the mapper skip the tree walk for
 * almost every line. One instance per event: it counts.
 */
final class LoneSurrogates {

  private final JsonNodeFactory nodes;
  private int replaced;

  LoneSurrogates(JsonNodeFactory nodes) {
    this.nodes = nodes;
  }

  /** Whether the JSON text has a {@code \\uD800}-{@code \\uDFFF} escape (an escaped backslash may cause a false yes). */
  static boolean mayOccurIn(String json) {
    for (int i = json.indexOf("\\u"); i >= 0 && i + 3 < json.length(); i = json.indexOf("\\u", i + 2)) {
      char d = json.charAt(i + 2);
      char next = json.charAt(i + 3);
      if ((d == 'd' || d == 'D') && "89abcdefABCDEF".indexOf(next) >= 0) {
        return true;
      }
    }
    return false;
  }

  /** Lone surrogates replaced so far. */
  int replaced() {
    return replaced;
  }

  String repair(String text) {
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean paired = Character.isHighSurrogate(c) && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1));
      if (paired) {
        if (out != null) {
          out.append(c).append(text.charAt(i + 1));
        }
        i++;
      } else if (Character.isSurrogate(c)) {
        if (out == null) {
          out = new StringBuilder(text.length()).append(text, 0, i);
        }
        out.append('\uFFFD');
        replaced++;
      } else if (out != null) {
        out.append(c);
      }
    }
    return out == null ? text : out.toString();
  }

  /** The value with every string and object key repaired; the same node when nothing needed it. */
  JsonNode repair(JsonNode value) {
    if (value.isTextual()) {
      String text = value.textValue();
      String fixed = repair(text);
      return fixed == text ? value : nodes.textNode(fixed);
    }
    if (value.isArray()) {
      ArrayNode array = (ArrayNode) value;
      for (int i = 0; i < array.size(); i++) {
        array.set(i, repair(array.get(i)));
      }
      return array;
    }
    if (value.isObject()) {
      ObjectNode repaired = nodes.objectNode();
      for (Map.Entry<String, JsonNode> field : value.properties()) {
        repaired.set(repair(field.getKey()), repair(field.getValue()));
      }
      return repaired;
    }
    return value;
  }
}
