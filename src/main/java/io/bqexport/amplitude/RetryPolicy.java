package io.bqexport.amplitude;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Bounded retry budget for 429, 5xx and network errors: at most {@code maxAttempts} requests and at most
 * {@code maxElapsed} from the first request; waits grow exponentially from {@code initialBackoff} up to
 * {@code maxBackoff}, with jitter so that parallel exporters do not retry in lockstep.
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration maxElapsed) {

  public static final RetryPolicy DEFAULT =
      new RetryPolicy(6, Duration.ofSeconds(2), Duration.ofSeconds(60), Duration.ofMinutes(10));

  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
    }
    requirePositive(initialBackoff, "initialBackoff");
    requirePositive(maxBackoff, "maxBackoff");
    requirePositive(maxElapsed, "maxElapsed");
  }

  private static void requirePositive(Duration value, String name) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
  }

  /** A policy that never retries. */
  public static RetryPolicy noRetries() {
    return new RetryPolicy(1, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1));
  }

  /** The wait before retry number {@code retry} (1-based): half to all of the capped exponential delay. */
  public Duration backoff(int retry, DoubleSupplier random) {
    long capMillis = maxBackoff.toMillis();
    long exponential = initialBackoff.toMillis() << Math.min(retry - 1, 30);
    long base = Math.min(capMillis, exponential < 0 ? capMillis : exponential);
    return Duration.ofMillis(base / 2 + (long) (random.getAsDouble() * (base - base / 2)));
  }
}
