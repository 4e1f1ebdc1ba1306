package io.bqexport.operator.status;

import io.bqexport.api.v1alpha1.Condition;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds the next list of conditions from the previous one. lastTransitionTime moves only when a condition's status
 * changes, so an unchanged observation yields an equal status and the reconciler writes nothing.
 */
public final class Conditions {
  private final Map<String, Condition> previous = new LinkedHashMap<>();
  private final Map<String, Condition> next = new LinkedHashMap<>();
  private final long generation;
  private final String now;

  public Conditions(List<Condition> previous, Long generation, Instant now) {
    if (previous != null) {
      previous.forEach(c -> this.previous.put(c.type(), c));
    }
    this.generation = generation == null ? 0 : generation;
    this.now = now.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  public Conditions set(String type, boolean status, String reason, String message) {
    return set(type, status ? "True" : "False", reason, message);
  }

  public Conditions unknown(String type, String reason, String message) {
    return set(type, "Unknown", reason, message);
  }

  private Conditions set(String type, String status, String reason, String message) {
    Condition before = previous.get(type);
    String since = before != null && before.status().equals(status) ? before.lastTransitionTime() : now;
    next.put(type, new Condition(type, status, reason, message, since, generation));
    return this;
  }

  /** Carries a condition over unchanged, when this reconcile could not observe what it is about. */
  public Conditions keep(String type) {
    Condition before = previous.get(type);
    if (before != null) {
      next.put(type, before);
    }
    return this;
  }

  public Optional<Condition> get(String type) {
    return Optional.ofNullable(next.get(type));
  }

  public boolean isTrue(String type) {
    return get(type).map(Condition::isTrue).orElse(false);
  }

  public List<Condition> list() {
    return List.copyOf(next.values());
  }
}
