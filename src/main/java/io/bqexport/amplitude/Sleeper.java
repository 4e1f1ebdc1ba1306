package io.bqexport.amplitude;

import java.time.Duration;

/** Waits between retries; injectable so that tests record waits instead of sleeping. */
@FunctionalInterface
public interface Sleeper {
  void sleep(Duration duration) throws InterruptedException;

  static Sleeper system() {
    return duration -> Thread.sleep(duration.toMillis());
  }
}
