package io.bqexport.amplitude;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  private final RetryPolicy policy =
      new RetryPolicy(10, Duration.ofSeconds(2), Duration.ofSeconds(60), Duration.ofMinutes(10));

  @Test
  void backoffDoublesWithJitterBetweenHalfAndFull() {
    assertThat(policy.backoff(1, () -> 0.0)).isEqualTo(Duration.ofSeconds(1));
    assertThat(policy.backoff(1, () -> 0.999999)).isBetween(Duration.ofMillis(1990), Duration.ofSeconds(2));
    assertThat(policy.backoff(3, () -> 0.0)).isEqualTo(Duration.ofSeconds(4));
    assertThat(policy.backoff(3, () -> 0.999999)).isBetween(Duration.ofMillis(7990), Duration.ofSeconds(8));
  }

  @Test
  void backoffIsCappedEvenForManyRetries() {
    assertThat(policy.backoff(40, () -> 0.999999)).isBetween(Duration.ofSeconds(59), Duration.ofSeconds(60));
    assertThat(policy.backoff(64, () -> 0.0)).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void retryAfterTakesSecondsOrAnHttpDate() {
    Clock clock = Clock.fixed(Instant.parse("2026-11-28T20:00:00Z"), ZoneOffset.UTC);

    assertThat(RetryAfter.parse("120", clock)).contains(Duration.ofSeconds(120));
    assertThat(RetryAfter.parse("Sat, 28 Nov 2026 20:00:45 GMT", clock)).contains(Duration.ofSeconds(45));
    assertThat(RetryAfter.parse("Sat, 28 Nov 2026 19:00:00 GMT", clock)).contains(Duration.ZERO);
    assertThat(RetryAfter.parse("soon", clock)).isEmpty();
    assertThat(RetryAfter.parse("-5", clock)).isEmpty();
    assertThat(RetryAfter.parse(null, clock)).isEmpty();
    assertThat(RetryAfter.parse("0", clock)).as("retry at once").contains(Duration.ZERO);
  }

  @Test
  void aPolicyOutOfRangeNamesTheFieldAndOneAttemptIsAllowed() {
    Duration second = Duration.ofSeconds(1);
    assertThat(new RetryPolicy(1, second, second, second).maxAttempts()).isEqualTo(1);
    assertThat(RetryPolicy.noRetries().maxAttempts()).isEqualTo(1);
    assertThatThrownBy(() -> new RetryPolicy(0, second, second, second))
        .hasMessage("maxAttempts must be at least 1, got 0");
    assertThatThrownBy(() -> new RetryPolicy(3, Duration.ZERO, second, second))
        .hasMessage("initialBackoff must be positive, got PT0S");
    assertThatThrownBy(() -> new RetryPolicy(3, second, Duration.ofSeconds(-1), second))
        .hasMessage("maxBackoff must be positive, got PT-1S");
    assertThatThrownBy(() -> new RetryPolicy(3, second, second, null))
        .hasMessage("maxElapsed must be positive, got null");
  }

  @Test
  void aBackoffUnderAMillisecondIsNoWaitNotTheCap() {
    RetryPolicy tiny = new RetryPolicy(3, Duration.ofNanos(500_000), Duration.ofSeconds(60), Duration.ofMinutes(1));

    assertThat(tiny.backoff(1, () -> 0.999999)).isEqualTo(Duration.ZERO);
  }
}
