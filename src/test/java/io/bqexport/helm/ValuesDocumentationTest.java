package io.bqexport.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** values.yaml documents every value, and the README's values table lists exactly the documented ones. */
class ValuesDocumentationTest {

  private static final Pattern KEY_LINE = Pattern.compile("^( *)([A-Za-z][A-Za-z0-9_-]*):(.*)$");
  private static final Pattern README_ROW = Pattern.compile("^\\| `([A-Za-z0-9_.-]+)` \\|");

  /** A key of values.yaml: its dotted path, whether a comment sits right above it, and whether it has children. */
  private record ValueKey(String path, boolean commented, boolean leaf) {}

  @Test
  void everyValueIsCommentedItselfOrThroughItsParent() throws IOException {
    List<ValueKey> keys = valueKeys();
    Set<String> commented = new LinkedHashSet<>();
    keys.stream().filter(ValueKey::commented).forEach(key -> commented.add(key.path()));

    assertThat(keys).filteredOn(ValueKey::leaf).allSatisfy(key ->
        assertThat(isSelfOrAncestorCommented(key.path(), commented))
            .as("values.yaml: add a comment above %s (or its parent)", key.path()).isTrue());
  }

  @Test
  void readmeValuesTableListsExactlyTheDocumentedValues() throws IOException {
    List<String> documented = valueKeys().stream().filter(ValueKey::commented).map(ValueKey::path).toList();

    assertThat(readmeValuesTable()).as("rows of the values table in README.md, Install with Helm")
        .containsExactlyInAnyOrderElementsOf(documented);
  }

  private static boolean isSelfOrAncestorCommented(String path, Set<String> commented) {
    for (String prefix = path; ; prefix = prefix.substring(0, prefix.lastIndexOf('.'))) {
      if (commented.contains(prefix)) {
        return true;
      }
      if (!prefix.contains(".")) {
        return false;
      }
    }
  }

  /** The mapping keys of values.yaml with their paths; list items are values, not keys. */
  private static List<ValueKey> valueKeys() throws IOException {
    List<String> lines = Files.readAllLines(RenderedChart.chartDirectory().resolve("values.yaml"));
    List<ValueKey> keys = new ArrayList<>();
    Deque<Integer> indents = new ArrayDeque<>();
    Deque<String> names = new ArrayDeque<>();
    for (int i = 0; i < lines.size(); i++) {
      Matcher key = KEY_LINE.matcher(lines.get(i));
      if (!key.matches()) {
        continue;
      }
      int indent = key.group(1).length();
      while (!indents.isEmpty() && indents.peek() >= indent) {
        indents.pop();
        names.pop();
      }
      indents.push(indent);
      names.push(key.group(2));
      List<String> path = new ArrayList<>(names);
      Collections.reverse(path);
      boolean commented = i > 0 && lines.get(i - 1).trim().startsWith("#");
      boolean leaf = !key.group(3).isBlank() || !opensBlock(lines, i, indent);
      keys.add(new ValueKey(String.join(".", path), commented, leaf));
    }
    return keys;
  }

  /** Whether the next content line is indented deeper than this key, i.e. holds its children. */
  private static boolean opensBlock(List<String> lines, int keyLine, int indent) {
    for (int i = keyLine + 1; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank() || line.trim().startsWith("#")) {
        continue;
      }
      int lineIndent = line.length() - line.stripLeading().length();
      return lineIndent > indent || line.stripLeading().startsWith("- ") && lineIndent == indent;
    }
    return false;
  }

  private static List<String> readmeValuesTable() throws IOException {
    Path readme = RenderedChart.chartDirectory().resolve("../../README.md").normalize();
    List<String> lines = Files.readAllLines(readme);
    int section = lines.indexOf("## Install with Helm");
    int values = lines.subList(section, lines.size()).indexOf("### Values") + section;
    List<String> rows = new ArrayList<>();
    for (String line : lines.subList(values + 1, lines.size())) {
      if (line.startsWith("#")) {
        break;
      }
      Matcher row = README_ROW.matcher(line);
      if (row.find()) {
        rows.add(row.group(1));
      }
    }
    return rows;
  }
}
