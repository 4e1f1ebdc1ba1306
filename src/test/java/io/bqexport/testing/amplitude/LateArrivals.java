package io.bqexport.testing.amplitude;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Hours that change after they were first served, as Amplitude's do. The Export API documentation says data "is
 * available to export at a minimum within 2 hours of when the servers received it"
 * (https://amplitude.com/docs/apis/analytics/export, Considerations): a minimum, not a guarantee, so an hour exported
 * once it is due can still gain events (Amplitude's own BigQuery export runs a daily integrity check that re-counts
 * and backfills for this reason). And the API answers 404 when it has no data for the requested range, which for an
 * hour still loading means "not yet": the same hour can answer 404 first and data later.
 * <p>
 * Rules count the export requests whose range includes the hour and that reached the data (after authentication
 * and injected faults): late events appear from request {@code afterRequests + 1} on; a 404-first hour shows no data
 * to its first {@code requests} requests.
 */
final class LateArrivals {

  private record Growth(long extra, int afterRequests) {}

  private final GeneratedEvents events;
  private final Map<Instant, Integer> served = new HashMap<>();
  private final Map<Instant, Growth> growth = new HashMap<>();
  private final Map<Instant, Integer> notFoundFirst = new HashMap<>();

  LateArrivals(ExportDataSource source) {
    this.events = source instanceof GeneratedEvents generated ? generated : null;
  }

  synchronized void grow(Instant hour, long extra, int afterRequests) {
    requireGenerated();
    growth.put(ExportWindowChecks.requireHour(hour), new Growth(extra, afterRequests));
  }

  /** Appends {@code extra} events to the hour now: late events, on command. */
  synchronized void append(Instant hour, long extra) {
    requireGenerated();
    events.hour(hour, events.count(hour) + extra);
  }

  synchronized void notFoundFirst(Instant hour, int requests) {
    notFoundFirst.put(ExportWindowChecks.requireHour(hour), requests);
  }

  /**
   * Counts one request for each of {@code hours}, appends the late events whose time has come, and returns the
   * hours that still answer as empty.
   */
  synchronized Set<Instant> request(List<Instant> hours) {
    Set<Instant> hidden = new HashSet<>();
    for (Instant hour : hours) {
      int n = served.merge(hour, 1, Integer::sum);
      Growth g = growth.get(hour);
      if (g != null && n > g.afterRequests()) {
        growth.remove(hour);
        append(hour, g.extra());
      }
      if (n <= notFoundFirst.getOrDefault(hour, 0)) {
        hidden.add(hour);
      }
    }
    return hidden;
  }

  private void requireGenerated() {
    if (events == null) {
      throw new IllegalStateException("late events need a GeneratedEvents source, which can append to an hour");
    }
  }
}
