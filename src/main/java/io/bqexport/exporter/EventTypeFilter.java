package io.bqexport.exporter;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.List;
import java.util.TreeSet;

/**
 * data.events.filter applied to raw lines, before mapping: an event is kept when include is empty or one include
 * rule matches its event_type, and no exclude rule matches it. Only the top-level event_type is read (the last one,
 * as the mapper), by a streaming parser that skips every nested value, so a dropped event costs a scan, not a
 * mapping. A line that is not a JSON
 * object is kept: the mapper counts it as a bad line, as without a filter.
 *
 * <p>{@link #canonical()} is the filter as recorded in the ledger's {@code filter} column of every hour committed
 * with it: rules sorted and de-duplicated, so equal filters always record the same text. Changing the filter never
 * rewrites history by itself: committed hours keep their rows and their recorded filter, FillGaps (recurring runs
 * and FillGaps backfills) only commits missing hours with the current filter, and a Replace backfill re-exports its
 * range with the current filter (and records it).
 */
public final class EventTypeFilter {

  private static final JsonFactory JSON = new JsonFactory();

  private final List<ExporterConfig.FilterRule> include;
  private final List<ExporterConfig.FilterRule> exclude;
  private final String canonical;

  private EventTypeFilter(ExporterConfig.EventFilter filter) {
    this.include = filter == null || filter.include() == null ? List.of() : List.copyOf(filter.include());
    this.exclude = filter == null || filter.exclude() == null ? List.of() : List.copyOf(filter.exclude());
    this.canonical = include.isEmpty() && exclude.isEmpty() ? null
        : "{\"include\":" + canonical(include) + ",\"exclude\":" + canonical(exclude) + "}";
  }

  /** The filter of a config; {@link #keepsEverything()} when it has none. */
  public static EventTypeFilter of(ExporterConfig config) {
    ExporterConfig.Data data = config.data();
    return new EventTypeFilter(data == null || data.events() == null ? null : data.events().filter());
  }

  public static EventTypeFilter of(ExporterConfig.EventFilter filter) {
    return new EventTypeFilter(filter);
  }

  public boolean keepsEverything() {
    return canonical == null;
  }

  /** The ledger's record of this filter; null when there is none. */
  public String canonical() {
    return canonical;
  }

  /** Whether the event on this line is exported. */
  public boolean keeps(String line) {
    if (canonical == null) {
      return true;
    }
    String type;
    try {
      type = eventType(line);
    } catch (IOException e) {
      return true; // not a JSON object: the mapper reports it as a bad line
    }
    boolean included = include.isEmpty() || include.stream().anyMatch(r -> matches(r, type));
    return included && exclude.stream().noneMatch(r -> matches(r, type));
  }

  private static boolean matches(ExporterConfig.FilterRule rule, String type) {
    if (type == null) {
      return false;
    }
    return rule.eventType() != null ? rule.eventType().equals(type) : type.startsWith(rule.prefix());
  }

  /**
   * The top-level event_type as text, null when absent or null; throws when the line is not a JSON object. When the
   * key appears more than once the last one counts: it is the value the mapper stores (its JSON reading keeps the
   * last duplicate), so an excluded event cannot pass under an earlier, kept name.
   */
  private static String eventType(String line) throws IOException {
    try (JsonParser parser = JSON.createParser(line)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("not a JSON object");
      }
      String type = null;
      for (JsonToken token = parser.nextToken(); token == JsonToken.FIELD_NAME; token = parser.nextToken()) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        if ("event_type".equals(name)) {
          type = value.isScalarValue() && value != JsonToken.VALUE_NULL ? parser.getText() : null;
        }
        parser.skipChildren();
      }
      return type;
    }
  }

  private static String canonical(List<ExporterConfig.FilterRule> rules) {
    TreeSet<String> sorted = new TreeSet<>();
    for (ExporterConfig.FilterRule rule : rules) {
      sorted.add(rule.eventType() != null ? "{\"eventType\":" + quote(rule.eventType()) + "}"
          : "{\"prefix\":" + quote(rule.prefix()) + "}");
    }
    return "[" + String.join(",", sorted) + "]";
  }

  private static String quote(String text) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }
}
