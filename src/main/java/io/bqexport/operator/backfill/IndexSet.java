package io.bqexport.operator.backfill;

import java.util.Set;
import java.util.TreeSet;

/** Parses the Job status's index lists ({@code completedIndexes}, {@code failedIndexes}), e.g. "0-2,5,7-8". */
final class IndexSet {
  private IndexSet() {}

  static Set<Integer> parse(String text) {
    Set<Integer> result = new TreeSet<>();
    if (text == null || text.isBlank()) {
      return result;
    }
    for (String part : text.split(",")) {
      String[] bounds = part.trim().split("-");
      int from = Integer.parseInt(bounds[0].trim());
      int to = bounds.length > 1 ? Integer.parseInt(bounds[1].trim()) : from;
      for (int i = from; i <= to; i++) {
        result.add(i);
      }
    }
    return result;
  }
}
