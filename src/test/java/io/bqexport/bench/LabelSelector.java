package io.bqexport.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An equality-based label selector as the API server reads {@code labelSelector}: comma-separated requirements, all
 * of which must hold: {@code key}, {@code !key}, {@code key=value} (or {@code ==}) and {@code key!=value}
 * (https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors). Set-based
 * requirements ({@code in}, {@code notin}) are refused: the operator sends none.
 */
final class LabelSelector {
  private record Requirement(String key, String value, boolean negated) {
    boolean matches(Map<String, String> labels) {
      String actual = labels.get(key);
      boolean holds = value == null ? actual != null : value.equals(actual);
      return holds != negated;
    }
  }

  private final List<Requirement> requirements;

  private LabelSelector(List<Requirement> requirements) {
    this.requirements = requirements;
  }

  static LabelSelector parse(String selector) {
    List<Requirement> requirements = new ArrayList<>();
    if (selector != null && !selector.isBlank()) {
      for (String term : selector.split(",")) {
        String t = term.trim();
        if (t.contains(" in ") || t.contains(" notin ") || t.contains("(")) {
          throw new IllegalArgumentException("set-based label selector not supported here: " + selector);
        }
        int ne = t.indexOf("!=");
        int eq = t.indexOf('=');
        if (ne >= 0) {
          requirements.add(new Requirement(t.substring(0, ne), t.substring(ne + 2), true));
        } else if (eq >= 0) {
          String value = t.substring(t.startsWith("==", eq) ? eq + 2 : eq + 1);
          requirements.add(new Requirement(t.substring(0, eq), value, false));
        } else if (t.startsWith("!")) {
          requirements.add(new Requirement(t.substring(1), null, true));
        } else {
          requirements.add(new Requirement(t, null, false));
        }
      }
    }
    return new LabelSelector(List.copyOf(requirements));
  }

  boolean matches(Map<String, String> labels) {
    for (Requirement r : requirements) {
      if (!r.matches(labels)) {
        return false;
      }
    }
    return true;
  }
}
