package io.bqexport.operator.export;

import io.bqexport.api.v1alpha1.SpecDurations;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Whether the exported data is as fresh as it can be. Hour H is due when H + 1h + availabilityDelay <= now, so the
 * due range ends at floor(now - availabilityDelay); the lag is that end minus exportedThrough.
 */
public record Freshness(boolean fresh, Instant dueThrough, Duration lag, long missingHours, Instant reevaluateAt) {

  public static Freshness of(Instant startFrom, Instant exportedThrough, String availabilityDelay,
      String freshnessThreshold, Instant now) {
    Duration delay = SpecDurations.parse("spec.availabilityDelay", availabilityDelay);
    Duration threshold = SpecDurations.parse("spec.freshnessThreshold", freshnessThreshold);
    Instant dueThrough = now.minus(delay).truncatedTo(ChronoUnit.HOURS);
    Instant reevaluateAt = dueThrough.plus(Duration.ofHours(1)).plus(delay);
    Instant covered = exportedThrough == null || exportedThrough.isBefore(startFrom) ? startFrom : exportedThrough;
    if (!dueThrough.isAfter(covered)) {
      return new Freshness(true, dueThrough, Duration.ZERO, 0, reevaluateAt);
    }
    Duration lag = Duration.between(covered, dueThrough);
    return new Freshness(lag.compareTo(threshold) <= 0, dueThrough, lag, lag.toHours(), reevaluateAt);
  }
}
