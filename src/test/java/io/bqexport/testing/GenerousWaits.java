package io.bqexport.testing;

import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One ceiling for every Awaitility wait in the suite, registered for all test classes through
 * {@code junit-platform.properties}. CI runs on 2 cores that other builds share, so a wait that holds in a second on a
 * quiet machine can take a minute there; a wait still returns as soon as its condition holds, so the ceiling costs
 * nothing when all is well.
 */
public final class GenerousWaits implements BeforeAllCallback {
  public static final Duration CEILING = Duration.ofMinutes(3);

  @Override
  public void beforeAll(ExtensionContext context) {
    Awaitility.setDefaultTimeout(CEILING);
  }
}
