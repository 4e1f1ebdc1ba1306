package io.bqexport.exporter;

import static io.bqexport.exporter.ExporterHarness.hour;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bqexport.ExportWindow;
import io.bqexport.bigquery.CommitObserver;
import io.bqexport.bigquery.CommitStep;
import io.bqexport.testing.amplitude.AmplitudeEventGenerator;
import io.bqexport.testing.amplitude.AmplitudeExportStandIn;
import io.bqexport.testing.amplitude.GeneratedEvents;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The adversarial matrix of issue 12: whatever windows, crashes, splits, overlaps and failed jobs, every hour ends
 * with each source event exactly once and a ledger row that says so ({@link ExactlyOnce}).
 */
class ExactlyOnceMatrixTest {

  private static final Instant NOW = hour(40);
  private static final String SOURCE = ExactlyOnce.sourceId("product-events");
  private final GeneratedEvents events = new GeneratedEvents(new AmplitudeEventGenerator(11, 187520));
  private ExporterHarness h;

  @BeforeEach
  void start() {
    h = new ExporterHarness(events);
    h.startFrom = hour(0);
  }

  @AfterEach
  void stop() {
    h.close();
  }

  private void assertExactlyOnce(int fromHour, int toHour) {
    ExactlyOnce.assertHolds(h, ExporterHarness.DATASET, SOURCE, events,
        new ExportWindow(hour(fromHour), hour(toHour)).hourList());
  }

  /** A backfill of [from, to) in chunks of {@code hours}, one run (pod) per chunk, as the BackfillReconciler does. */
  private void backfill(int from, int to, int hours, ExportMode mode) {
    for (int start = from; start < to; start += hours) {
      RunSummary s = h.run(NOW, new ExportWindow(hour(start), hour(Math.min(start + hours, to))), mode);
      assertThat(s.result()).as(s.toJson()).isEqualTo("Succeeded");
    }
  }

  /**
   * Every crash point, rerun in 1-hour chunks (splitting the crashed window [0,2)) and in one 6-hour chunk
   * (enclosing it). A rerun in 2-hour chunks would first repeat the crashed window's own bounds: a rerun of the same
   * window, which CommitCrashRecoveryTest proves at every crash point (for FillGaps and for Replace).
   */
  static Stream<Arguments> stepsAndChunks() {
    List<Arguments> cases = new ArrayList<>();
    for (CommitStep step : CommitStep.values()) {
      for (int chunk : new int[] {1, 6}) {
        cases.add(Arguments.of(step, chunk));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "crash at {0}, rerun in {1}-hour chunks")
  @MethodSource("stepsAndChunks")
  void aCrashAtAnyCommitStepThenRerunsWithOtherBounds(CommitStep step, int chunkHours) {
    events.hours(hour(0), hour(6), 7);
    if (step == CommitStep.MID_UPLOAD) {
      events.hours(hour(0), hour(2), 150); // more than one 256 KiB upload chunk
    }
    h.runCrashingAt(step, NOW, new ExportWindow(hour(0), hour(2)), ExportMode.FillGaps);

    backfill(0, 6, chunkHours, ExportMode.FillGaps);

    assertExactlyOnce(0, 6);
  }

  @Test
  void aSplitWindowWhoseFirstHalfCommittedWhileAStaleRunLoadsTheWholeWindow() throws Exception {
    events.hours(hour(0), hour(4), 5);
    CountDownLatch planned = new CountDownLatch(1);
    CountDownLatch firstHalfCommitted = new CountDownLatch(1);
    // A run that planned [0,4) before anything was committed, and gets a 200 for the whole window.
    CompletableFuture<RunSummary> stale = CompletableFuture.supplyAsync(() -> h.run(NOW,
        new ExportWindow(hour(0), hour(4)), ExportMode.FillGaps, (step, window) -> {
          if (step == CommitStep.BEFORE_LOAD && window.hours() == 4) {
            planned.countDown();
            awaitLatch(firstHalfCommitted);
          }
        }));
    awaitLatch(planned);
    // Meanwhile a run is told "too large" (400), splits, commits [0,2) and dies.
    h.amplitude.maxEventsPerRequest(12);
    h.runCrashingAt(CommitStep.AFTER_TRANSACTION, NOW, new ExportWindow(hour(0), hour(4)), ExportMode.FillGaps);
    h.amplitude.maxEventsPerRequest(Long.MAX_VALUE);
    firstHalfCommitted.countDown();
    stale.get(2, TimeUnit.MINUTES);
    assertExactlyOnce(0, 4);

    backfill(0, 4, 4, ExportMode.FillGaps);
    assertExactlyOnce(0, 4);
  }

  @ParameterizedTest(name = "{0} overlapping backfills and the recurring run")
  @ValueSource(ints = {2, 3})
  void overlappingBackfillsWithDifferentChunksAndTheRecurringRunAtOnce(int backfills) throws Exception {
    events.hours(hour(0), hour(12), 4);
    int[] chunks = {1, 5, 3};
    List<CompletableFuture<Void>> runs = new ArrayList<>();
    for (int i = 0; i < backfills; i++) {
      int chunk = chunks[i];
      runs.add(CompletableFuture.runAsync(() -> backfill(0, 12, chunk, ExportMode.FillGaps)));
    }
    runs.add(CompletableFuture.runAsync(() -> h.run(NOW)));
    CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).get(3, TimeUnit.MINUTES);

    assertExactlyOnce(0, 12);
  }

  @Test
  void replaceRacingFillGapsAndTheRecurringRun() throws Exception {
    events.hours(hour(0), hour(6), 4);
    backfill(0, 3, 3, ExportMode.FillGaps);
    events.hour(hour(1), 9); // the source changed; Replace picks it up

    List<CompletableFuture<Void>> runs = List.of(
        CompletableFuture.runAsync(() -> backfill(0, 6, 6, ExportMode.Replace)),
        CompletableFuture.runAsync(() -> backfill(0, 6, 2, ExportMode.FillGaps)),
        CompletableFuture.runAsync(() -> h.run(NOW)));
    CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).get(3, TimeUnit.MINUTES);

    assertExactlyOnce(0, 6);
  }

  @Test
  void aLoadJobThatFailsAsynchronouslyIsRetriedAndSucceedsOnceTheCauseIsGone() {
    events.hours(hour(0), hour(3), 5);
    AtomicInteger sabotaged = new AtomicInteger();
    // The staging table vanishes before the upload's last chunk: BigQuery creates the job and fails it (DONE with
    // errorResult notFound), a transient cause; the next attempt uses a new staging table.
    h.bigquery.faults().onRequest("PUT", "^/upload/", request -> {
      if (sabotaged.getAndIncrement() == 0) {
        h.stagingTables().forEach(t -> h.bigquery.query(ExporterHarness.PROJECT,
            "DROP TABLE `" + ExporterHarness.PROJECT + "." + ExporterHarness.DATASET + "." + t + "`"));
      }
    });

    RunSummary summary = h.run(NOW, new ExportWindow(hour(0), hour(3)), ExportMode.FillGaps);

    assertThat(summary.result()).as(summary.toJson()).isEqualTo("Succeeded");
    assertThat(h.bigquery.jobs()).filteredOn(j -> j.type().equals("LOAD") && j.errorReason() != null)
        .extracting(j -> j.errorReason()).containsExactly("notFound");
    assertExactlyOnce(0, 3);
  }

  @Test
  void aLoadStillRunningWhenThePodDiesIsHarmless() throws Exception {
    events.hours(hour(0), hour(2), 5);
    h.bigquery.faults().reportRunning("bqexport_.*", Integer.MAX_VALUE);
    CountDownLatch polled = new CountDownLatch(1);
    h.bigquery.faults().onRequest("GET", "/jobs/bqexport_", request -> polled.countDown());
    Thread pod = new Thread(() -> h.run(NOW, new ExportWindow(hour(0), hour(2)), ExportMode.FillGaps,
        CommitObserver.NONE));
    pod.start();
    assertThat(polled.await(2, TimeUnit.MINUTES)).isTrue();
    // The pod dies while its load job still shows RUNNING. An interrupt that lands inside the BigQuery client's
    // jobs.get is consumed there (its retry helper clears the flag and throws), so a single one could leave the pod
    // polling on until the 2-minute join gave up, the pod still alive: interrupt until it is gone, and check it is.
    await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(50)).until(() -> {
      pod.interrupt();
      return !pod.isAlive();
    });
    assertThat(pod.isAlive()).as("the pod is gone before its job finishes").isFalse();
    h.bigquery.faults().clear();

    backfill(0, 2, 1, ExportMode.FillGaps);

    assertExactlyOnce(0, 2);
  }

  @Test
  void aCommitAbortedByAConcurrentOneIsRetried() throws Exception {
    events.hours(hour(10), hour(12), 5);
    h.run(NOW, ExportWindow.ofHour(hour(9)), ExportMode.FillGaps); // the tables and the lock row exist
    CountDownLatch lockHeld = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger attempts = new AtomicInteger();
    AtomicInteger locks = new AtomicInteger();
    // The first commit holds its transaction open right after taking the commit lock.
    h.bigquery.faults().onStatement("_bqexport_lock", statement -> {
      if (statement.startsWith("UPDATE") && locks.getAndIncrement() == 0) {
        lockHeld.countDown();
        awaitLatch(release);
      }
    });
    CommitObserver counting = (step, window) -> {
      if (step == CommitStep.BEFORE_TRANSACTION && attempts.incrementAndGet() > 2) {
        release.countDown(); // someone was aborted and retries: let the holder go on
      }
      if (step == CommitStep.AFTER_TRANSACTION) {
        release.countDown();
      }
    };
    CompletableFuture<RunSummary> first = CompletableFuture.supplyAsync(() ->
        h.run(NOW, ExportWindow.ofHour(hour(10)), ExportMode.FillGaps, counting));
    awaitLatch(lockHeld);
    CompletableFuture<RunSummary> second = CompletableFuture.supplyAsync(() ->
        h.run(NOW, ExportWindow.ofHour(hour(11)), ExportMode.FillGaps, counting));

    assertThat(first.get(3, TimeUnit.MINUTES).result()).isEqualTo("Succeeded");
    assertThat(second.get(3, TimeUnit.MINUTES).result()).isEqualTo("Succeeded");
    assertThat(attempts.get()).as("one of the two commits was aborted and retried").isGreaterThan(2);
    assertThat(h.bigquery.jobs()).filteredOn(j -> "invalidQuery".equals(j.errorReason()))
        .extracting(j -> j.errorMessage()).allMatch(m -> m.contains("concurrent update")).isNotEmpty();
    assertExactlyOnce(10, 12);
  }

  @Test
  void twoProjectsIntoOneTableEachGetEveryHour() {
    GeneratedEvents other = new GeneratedEvents(new AmplitudeEventGenerator(99, 54321));
    events.hours(hour(0), hour(4), 5);
    other.hours(hour(0), hour(4), 3);
    try (AmplitudeExportStandIn secondProject = AmplitudeExportStandIn.start(other, "test-api-key",
        "test-secret-key")) {
      backfill(0, 4, 2, ExportMode.FillGaps);
      h.exportName = "second-project";
      h.source = secondProject;
      backfill(0, 4, 1, ExportMode.FillGaps);
      backfill(0, 4, 4, ExportMode.Replace); // replaces only its own rows

      ExactlyOnce.assertHolds(h, ExporterHarness.DATASET, ExactlyOnce.sourceId("second-project"), other,
          new ExportWindow(hour(0), hour(4)).hourList());
      assertExactlyOnce(0, 4);
      assertThat(h.rows()).isEqualTo(4 * 5 + 4 * 3);
    }
  }

  private static void awaitLatch(CountDownLatch latch) {
    await().atMost(Duration.ofMinutes(2)).until(() -> latch.getCount() == 0);
  }
}
