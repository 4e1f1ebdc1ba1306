package io.bqexport.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * One object's JSON with the strings that differ per copy (its export's name, uids) cut out, so that thousands of
 * copies are rendered on demand from one stored string instead of being stored each.
 */
final class ObjectTemplate {
  private final List<String> literals = new ArrayList<>();
  private final List<IntFunction<String>> holes = new ArrayList<>();

  /** @param variables each string to replace, with what it becomes in copy {@code i} */
  ObjectTemplate(String json, Map<String, IntFunction<String>> variables) {
    int from = 0;
    while (true) {
      int at = -1;
      String found = null;
      for (String v : variables.keySet()) {
        int i = json.indexOf(v, from);
        if (i >= 0 && (at < 0 || i < at || (i == at && v.length() > found.length()))) {
          at = i;
          found = v;
        }
      }
      if (found == null) {
        literals.add(json.substring(from));
        return;
      }
      literals.add(json.substring(from, at));
      holes.add(variables.get(found));
      from = at + found.length();
    }
  }

  void render(int copy, StringBuilder out) {
    for (int i = 0; i < holes.size(); i++) {
      out.append(literals.get(i)).append(holes.get(i).apply(copy));
    }
    out.append(literals.get(holes.size()));
  }

  String render(int copy) {
    StringBuilder out = new StringBuilder();
    render(copy, out);
    return out.toString();
  }
}
