package io.bqexport.operator;

import io.fabric8.kubernetes.api.model.Quantity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Which fields the operator set on a child no longer hold on the live object. Only fields present in the desired
 * object count: whatever the API server or a controller adds (defaults, status, the pod template's controller
 * labels) is not drift. Quantities compare by value, since the API server writes them in canonical form.
 */
final class OwnedFields {
  private static final List<String> COMPARED = List.of("spec", "data", "binaryData");

  private OwnedFields() {}

  /** Paths such as {@code spec.schedule} where the live object differs from the desired one. */
  static List<String> differences(Map<?, ?> desired, Map<?, ?> live) {
    List<String> paths = new ArrayList<>();
    for (String key : COMPARED) {
      if (desired.containsKey(key)) {
        compare(key, desired.get(key), live.get(key), paths);
      }
    }
    Map<?, ?> desiredMeta = (Map<?, ?>) desired.get("metadata");
    Map<?, ?> liveMeta = live.get("metadata") instanceof Map<?, ?> m ? m : Map.of();
    for (String key : List.of("labels", "annotations")) {
      if (desiredMeta != null && desiredMeta.get(key) != null) {
        compare("metadata." + key, desiredMeta.get(key), liveMeta.get(key), paths);
      }
    }
    return paths;
  }

  private static void compare(String path, Object desired, Object live, List<String> paths) {
    if (desired == null) {
      return;
    }
    if (desired instanceof Map<?, ?> d) {
      if (!(live instanceof Map<?, ?> l)) {
        paths.add(path);
        return;
      }
      d.forEach((k, v) -> compare(path + "." + k, v, l.get(k), paths));
    } else if (desired instanceof List<?> d) {
      if (!(live instanceof List<?> l) || l.size() != d.size()) {
        paths.add(path);
        return;
      }
      for (int i = 0; i < d.size(); i++) {
        compare(path + "[" + i + "]", d.get(i), l.get(i), paths);
      }
    } else if (!Objects.equals(String.valueOf(desired), String.valueOf(live)) && !sameQuantity(desired, live)) {
      paths.add(path);
    }
  }

  private static boolean sameQuantity(Object desired, Object live) {
    if (!(desired instanceof String d) || !(live instanceof String l)) {
      return false;
    }
    try {
      return Quantity.getAmountInBytes(new Quantity(d)).compareTo(Quantity.getAmountInBytes(new Quantity(l))) == 0;
    } catch (IllegalArgumentException | ArithmeticException e) {
      return false;
    }
  }
}
