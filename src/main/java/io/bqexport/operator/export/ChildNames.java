package io.bqexport.operator.export;

import io.bqexport.Hashes;

/**
 * Names of children and label values. A CronJob's name may have at most 52 characters (its Jobs append a timestamp),
 * and a label value at most 63, while a resource name may have 253: longer names are shortened with a hash that
 * keeps them unique.
 */
public final class ChildNames {
  public static final int MAX_CRONJOB_NAME = 52;
  public static final int MAX_LABEL_VALUE = 63;

  private ChildNames() {}

  public static String withSuffix(String base, String suffix) {
    return fit(base + suffix, MAX_CRONJOB_NAME);
  }

  /** A resource's name as a label value: itself when it fits, else shortened with a hash. */
  public static String labelValue(String name) {
    return fit(name, MAX_LABEL_VALUE);
  }

  public static String fit(String name, int max) {
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
