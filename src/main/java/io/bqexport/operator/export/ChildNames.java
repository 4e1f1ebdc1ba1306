package io.bqexport.operator.export;

import io.bqexport.Hashes;

/**
 * Names of children. A CronJob's name may have at most 52 characters (its Jobs append a timestamp), so long export
 * names are shortened with a hash that keeps them unique.
 */
public final class ChildNames {
  public static final int MAX_CRONJOB_NAME = 52;

  private ChildNames() {}

  public static String withSuffix(String base, String suffix) {
    return fit(base + suffix, MAX_CRONJOB_NAME);
  }

  static String fit(String name, int max) {
    if (name.length() <= max) {
      return name;
    }
    String hash = hash(name);
    return name.substring(0, max - hash.length() - 1).replaceAll("[-.]+$", "") + "-" + hash;
  }

  static String hash(String value) {
    return Hashes.sha256Hex(value, 8);
  }
}
