package io.bqexport.amplitude;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A clock and sleeper for retry tests: sleeping records the wait and advances the clock, without waiting. */
final class RecordingSleeper extends Clock implements Sleeper {
  private final List<Duration> waits = new CopyOnWriteArrayList<>();
  private volatile Instant now = Instant.parse("2026-11-28T20:00:00Z");

  @Override
  public void sleep(Duration duration) {
    waits.add(duration);
    now = now.plus(duration);
  }

  List<Duration> waits() {
    return List.copyOf(waits);
  }

  @Override
  public ZoneId getZone() {
    return ZoneId.of("UTC");
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return now;
  }
}
