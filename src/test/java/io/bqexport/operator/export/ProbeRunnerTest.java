package io.bqexport.operator.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Probes that hang cannot starve the others: timeouts count from a probe's start, and hung probes are cancelled. */
class ProbeRunnerTest {

  @Test
  void aProbeQueuedBehindHungOnesRunsAfterTheyAreCancelledAndIsNotReportedTimedOut() throws Exception {
    AtomicInteger interrupted = new AtomicInteger();
    CountDownLatch never = new CountDownLatch(1);
    try (ProbeRunner runner = new ProbeRunner(Duration.ofSeconds(2), 1000)) {
      List<CompletableFuture<String>> hung = new ArrayList<>();
      for (int i = 0; i < ProbeRunner.THREADS; i++) {
        hung.add(runner.run(() -> {
          try {
            never.await(); // a call that never answers, until the probe is cancelled
            return "answered";
          } catch (InterruptedException e) {
            interrupted.incrementAndGet();
            return "interrupted";
          }
        }, () -> "timed out"));
      }
      CompletableFuture<String> queued = runner.run(() -> "validated", () -> "timed out");

      assertThat(queued.get(2, TimeUnit.MINUTES)).as("attempted once a thread was free, with its own timeout")
          .isEqualTo("validated");
      for (CompletableFuture<String> probe : hung) {
        assertThat(probe.get(2, TimeUnit.MINUTES)).isEqualTo("timed out");
      }
      org.awaitility.Awaitility.await().atMost(Duration.ofMinutes(2))
          .until(() -> interrupted.get() == ProbeRunner.THREADS);
    }
  }

  @Test
  void aFinishedProbeDoesNotLeaveAnInterruptForTheNextOneOnItsThread() throws Exception {
    try (ProbeRunner runner = new ProbeRunner(Duration.ofMinutes(1), 1000)) {
      List<CompletableFuture<Boolean>> probes = new ArrayList<>();
      for (int i = 0; i < 3 * ProbeRunner.THREADS; i++) {
        probes.add(runner.run(() -> Thread.currentThread().isInterrupted(), () -> null));
      }
      for (CompletableFuture<Boolean> probe : probes) {
        assertThat(probe.get(2, TimeUnit.MINUTES)).isFalse();
      }
    }
  }

  @Test
  void aProbeThatThrowsCompletesWithItsException() {
    try (ProbeRunner runner = new ProbeRunner(Duration.ofMinutes(1), 1000)) {
      IllegalStateException thrown = new IllegalStateException("probe broke");
      CompletableFuture<String> probe = runner.run(() -> {
        throw thrown;
      }, () -> "timed out");
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> probe.get(2, TimeUnit.MINUTES))
          .hasCause(thrown);
    }
  }

  @Test
  void probesRunOnDaemonThreadsSoAHungOneNeverKeepsTheOperatorFromExiting() throws Exception {
    try (ProbeRunner runner = new ProbeRunner(Duration.ofMinutes(1), 1000)) {
      assertThat(runner.run(() -> Thread.currentThread().isDaemon(), () -> null).get(2, TimeUnit.MINUTES))
          .isTrue();
    }
  }

  @Test
  void startsAreSpreadAtTheGivenRate() throws Exception {
    // 10 a second: the fifth start is at least 400 ms after the first could start (a lower bound only, which a busy
    // machine cannot break).
    try (ProbeRunner runner = new ProbeRunner(Duration.ofMinutes(1), 10)) {
      long before = System.nanoTime();
      List<CompletableFuture<Long>> starts = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        starts.add(runner.run(System::nanoTime, () -> null));
      }
      List<Long> started = new ArrayList<>();
      for (CompletableFuture<Long> start : starts) {
        started.add(start.get(2, TimeUnit.MINUTES));
      }
      assertThat(started.stream().mapToLong(Long::longValue).max().orElseThrow() - before)
          .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(400));
    }
  }

  @Test
  void probesWaitingForTheirStartWhenTheRunnerClosesAreReportedTimedOut() throws Exception {
    // One start a second: six probes take five seconds to start, and the runner closes at once, interrupting the
    // waits. Each probe still ends, the ones that had not started as timed out.
    List<CompletableFuture<String>> probes = new ArrayList<>();
    try (ProbeRunner runner = new ProbeRunner(Duration.ofMinutes(1), 1)) {
      for (int i = 0; i < 6; i++) {
        probes.add(runner.run(() -> "validated", () -> "timed out"));
      }
    }
    List<String> results = new ArrayList<>();
    for (CompletableFuture<String> probe : probes) {
      results.add(probe.get(2, TimeUnit.MINUTES));
    }
    assertThat(results).containsOnly("validated", "timed out").contains("timed out");
  }
}
