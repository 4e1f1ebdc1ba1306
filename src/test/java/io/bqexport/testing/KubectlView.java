package io.bqexport.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders custom resources the way `kubectl get` does, from the CRD's own printer columns (so the view proves the
 * columns), and conditions the way `kubectl describe` lists them. Supports the JSONPath subset the CRDs use.
 */
public final class KubectlView {
  private static final Pattern STEP = Pattern.compile("\\.([A-Za-z0-9_-]+)(\\[\\?\\(@\\.(\\w+)==\"([^\"]*)\"\\)\\])?");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Instant now;

  public KubectlView(Instant now) {
    this.now = now;
  }

  public String get(CustomResourceDefinition crd, List<? extends HasMetadata> items, boolean wide) {
    List<CustomResourceColumnDefinition> columns = crd.getSpec().getVersions().get(0).getAdditionalPrinterColumns()
        .stream().filter(c -> wide || c.getPriority() == null || c.getPriority() == 0).toList();
    List<List<String>> rows = new ArrayList<>();
    List<String> header = new ArrayList<>(List.of("NAME"));
    columns.forEach(c -> header.add(c.getName().toUpperCase()));
    rows.add(header);
    for (HasMetadata item : items) {
      JsonNode tree = JSON.valueToTree(item);
      List<String> row = new ArrayList<>(List.of(item.getMetadata().getName()));
      columns.forEach(c -> row.add(cell(evaluate(tree, c.getJsonPath()), c.getType())));
      rows.add(row);
    }
    return table(rows);
  }

  /** The Conditions block of `kubectl describe`. */
  public String conditions(JsonNode conditions) {
    List<List<String>> rows = new ArrayList<>();
    rows.add(List.of("  TYPE", "STATUS", "REASON", "AGE", "MESSAGE"));
    if (conditions != null) {
      for (JsonNode c : conditions) {
        rows.add(List.of("  " + c.path("type").asText(), c.path("status").asText(), c.path("reason").asText(),
            age(c.path("lastTransitionTime").asText()), c.path("message").asText()));
      }
    }
    return table(rows);
  }

  static JsonNode evaluate(JsonNode node, String jsonPath) {
    Matcher m = STEP.matcher(jsonPath);
    int at = 0;
    JsonNode current = node;
    while (m.find() && m.start() == at) {
      current = current.path(m.group(1));
      if (m.group(2) != null) {
        JsonNode match = null;
        for (JsonNode element : current) {
          if (m.group(4).equals(element.path(m.group(3)).asText())) {
            match = element;
          }
        }
        current = match == null ? JSON.missingNode() : match;
      }
      at = m.end();
    }
    if (at != jsonPath.length()) {
      throw new IllegalArgumentException("unsupported JSONPath " + jsonPath);
    }
    return current;
  }

  private String cell(JsonNode value, String type) {
    if (value.isMissingNode() || value.isNull()) {
      return "";
    }
    return "date".equals(type) ? age(value.asText()) : value.asText();
  }

  /** kubectl's short age format: 45s, 12m, 5h, 3d. */
  public String age(String timestamp) {
    if (timestamp == null || timestamp.isEmpty()) {
      return "";
    }
    Duration d = Duration.between(Instant.parse(timestamp), now);
    if (d.isNegative()) {
      return "0s"; // created after the simulated "now" of the demo
    }
    if (d.toSeconds() < 120) {
      return d.toSeconds() + "s";
    }
    if (d.toMinutes() < 120) {
      return d.toMinutes() + "m";
    }
    if (d.toHours() < 48) {
      return d.toHours() + "h";
    }
    return d.toDays() + "d";
  }

  private static String table(List<List<String>> rows) {
    int[] widths = new int[rows.get(0).size()];
    for (List<String> row : rows) {
      for (int i = 0; i < row.size(); i++) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (List<String> row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.size(); i++) {
        line.append(i == row.size() - 1 ? row.get(i) : String.format("%-" + (widths[i] + 3) + "s", row.get(i)));
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
    return out.toString();
  }
}
