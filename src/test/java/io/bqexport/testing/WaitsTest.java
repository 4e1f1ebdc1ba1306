package io.bqexport.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WaitsTest {
  @AfterEach
  void restoreTheCeiling() {
    Awaitility.setDefaultTimeout(GenerousWaits.CEILING);
  }

  @Test
  void aTimeoutNamesWhatItWaitedForAndWhatItSawLast() {
    Awaitility.setDefaultTimeout(Duration.ofMillis(300)); // this test is about the timeout itself
    AtomicInteger polls = new AtomicInteger();

    assertThatThrownBy(() -> Waits.until("Ready of export x", polls::incrementAndGet, n -> false,
        n -> "Ready=False after " + (n > 0 ? "some" : "no") + " polls"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Timed out waiting for Ready of export x; last observed: Ready=False after some polls");
  }

  @Test
  void returnsTheObservationThatSatisfiedTheCondition() {
    AtomicInteger polls = new AtomicInteger();
    assertThat(Waits.until("three polls", polls::incrementAndGet, n -> n >= 3, n -> "" + n)).isEqualTo(3);
  }
}
