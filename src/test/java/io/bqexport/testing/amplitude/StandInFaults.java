package io.bqexport.testing.amplitude;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The faults the stand-in will inject: queued ones hit the next requests (export or credential check), in order;
 * hour faults hit every export request whose range includes the hour, until cleared.
 */
public final class StandInFaults {
  private final Deque<StandInFault> queued = new ArrayDeque<>();
  private final Map<Instant, StandInFault> byHour = new ConcurrentHashMap<>();

  /** The next {@code requests} requests get {@code fault}. */
  public synchronized StandInFaults next(int requests, StandInFault fault) {
    for (int i = 0; i < requests; i++) {
      queued.addLast(fault);
    }
    return this;
  }

  /** Every export request that includes {@code hour} gets {@code fault} until {@link #clear()}. */
  public StandInFaults forHour(Instant hour, StandInFault fault) {
    byHour.put(ExportWindowChecks.requireHour(hour), fault);
    return this;
  }

  public synchronized void clear() {
    queued.clear();
    byHour.clear();
  }

  /** Queued faults not used yet. */
  public synchronized int pending() {
    return queued.size();
  }

  synchronized Optional<StandInFault> take(List<Instant> hours) {
    if (!queued.isEmpty()) {
      return Optional.of(queued.removeFirst());
    }
    return hours.stream().map(byHour::get).filter(f -> f != null).findFirst();
  }
}
