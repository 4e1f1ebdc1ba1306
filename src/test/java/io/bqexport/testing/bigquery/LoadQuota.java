package io.bqexport.testing.bigquery;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * "Load jobs per table per day: 1,500 jobs ... including jobs that fail"
 * (https://cloud.google.com/bigquery/quotas#load_jobs), counted over the last 24 hours of the emulator's clock.
 * Beyond it a load fails with reason quotaExceeded and the message of
 * https://cloud.google.com/bigquery/docs/troubleshoot-quotas ("Your table exceeded quota for imports or
 * query appends per table").
 */
final class LoadQuota {
  private static final long DAY_MS = Duration.ofDays(1).toMillis();

  private final Map<TableRef, Deque<Long>> loads = new HashMap<>();
  private final EmulatorLimits limits;
  private final Clock clock;

  LoadQuota(EmulatorLimits limits, Clock clock) {
    this.limits = limits;
    this.clock = clock;
  }

  /** Counts one more load job into the table; throws quotaExceeded when the day's quota is already used. */
  synchronized void admit(TableRef table) {
    long now = clock.millis();
    Deque<Long> times = loads.computeIfAbsent(table, t -> new ArrayDeque<>());
    while (!times.isEmpty() && times.peekFirst() <= now - DAY_MS) {
      times.removeFirst();
    }
    boolean over = times.size() >= limits.loadJobsPerTablePerDay();
    times.addLast(now);
    if (over) {
      throw new ApiException(403, "quotaExceeded", "Quota exceeded: Your table exceeded quota for imports or query "
          + "appends per table. For more information, see https://cloud.google.com/bigquery/docs/troubleshoot-quotas");
    }
  }
}
