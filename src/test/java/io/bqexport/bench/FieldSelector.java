package io.bqexport.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A field selector as the API server reads {@code fieldSelector}: comma-separated {@code field=value} (or
 * {@code ==}) and {@code field!=value}, all of which must hold. Every kind supports metadata.name and
 * metadata.namespace, some kinds a few more (Pods status.phase, Jobs status.successful); any other field is refused
 * with 400 BadRequest, as the API server does ("Field Selectors", supported fields,
 * https://kubernetes.io/docs/concepts/overview/working-with-objects/field-selectors/#list-of-supported-fields).
 * Of the kind-specific fields this benchmark API evaluates only those its objects carry: Pods' status.phase.
 */
final class FieldSelector {
  private static final List<String> EVERY_KIND = List.of("metadata.name", "metadata.namespace");
  /** The documented kind-specific fields, by plural. */
  private static final Map<String, Set<String>> DOCUMENTED = Map.of(
      "pods", Set.of("spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
          "spec.hostNetwork", "status.phase", "status.podIP", "status.podIPs", "status.nominatedNodeName"),
      "jobs", Set.of("status.successful"),
      "secrets", Set.of("type"),
      "events", Set.of("involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
          "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion",
          "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type"));
  /** What this API can evaluate beyond name and namespace. */
  private static final Map<String, Set<String>> EVALUATED = Map.of("pods", Set.of("status.phase"));

  /** A field selector the API server refuses (400) or this benchmark API cannot evaluate (also 400). */
  static final class Refused extends IllegalArgumentException {
    Refused(String message) {
      super(message);
    }
  }

  private record Requirement(String field, String value, boolean negated) {
    boolean matches(Map<String, String> fields) {
      return value.equals(fields.get(field)) != negated;
    }
  }

  private final List<Requirement> requirements;

  private FieldSelector(List<Requirement> requirements) {
    this.requirements = requirements;
  }

  /** @throws Refused for a field {@code plural} does not support, in the API server's words */
  static FieldSelector parse(String plural, String selector) {
    List<Requirement> requirements = new ArrayList<>();
    if (selector != null && !selector.isBlank()) {
      for (String term : selector.split(",")) {
        String t = term.trim();
        int ne = t.indexOf("!=");
        int eq = t.indexOf('=');
        if (ne < 0 && eq < 0) {
          throw new Refused("invalid selector: '" + selector + "'; can't understand '" + t + "'");
        }
        String field = ne >= 0 ? t.substring(0, ne) : t.substring(0, eq);
        String value = ne >= 0 ? t.substring(ne + 2) : t.substring(t.startsWith("==", eq) ? eq + 2 : eq + 1);
        Set<String> documented = DOCUMENTED.getOrDefault(plural, Set.of());
        if (!EVERY_KIND.contains(field) && !documented.contains(field)) {
          throw new Refused("\"" + field + "\" is not a known field selector: only \"metadata.name\","
              + " \"metadata.namespace\"" + documented.stream().sorted().map(f -> ", \"" + f + "\"")
              .reduce("", String::concat));
        }
        if (!EVERY_KIND.contains(field) && !EVALUATED.getOrDefault(plural, Set.of()).contains(field)) {
          throw new Refused("field selector \"" + field + "\" is supported by the API server but not by the"
              + " benchmark's API");
        }
        requirements.add(new Requirement(field, value, ne >= 0));
      }
    }
    return new FieldSelector(List.copyOf(requirements));
  }

  /** @param fields the object's values of the fields above, by field */
  boolean matches(Map<String, String> fields) {
    for (Requirement r : requirements) {
      if (!r.matches(fields)) {
        return false;
      }
    }
    return true;
  }

  boolean isEmpty() {
    return requirements.isEmpty();
  }
}
