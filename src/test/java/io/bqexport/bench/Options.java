package io.bqexport.bench;

import java.util.HashMap;
import java.util.Map;

/** Command-line options of the benchmarks: --name=value. */
final class Options {
  private final Map<String, String> values = new HashMap<>();

  static Options parse(String[] args) {
    Options o = new Options();
    for (String arg : args) {
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument '" + arg + "'; options look like --name=value");
      }
      int eq = arg.indexOf('=');
      o.values.put(eq < 0 ? arg.substring(2) : arg.substring(2, eq), eq < 0 ? "true" : arg.substring(eq + 1));
    }
    return o;
  }

  String get(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }
}
