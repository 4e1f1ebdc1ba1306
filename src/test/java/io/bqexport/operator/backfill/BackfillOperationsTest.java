package io.bqexport.operator.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.api.v1alpha1.BackfillMode;
import io.bqexport.api.v1alpha1.BigQueryBackfill;
import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.operator.status.ConditionType;
import io.bqexport.testing.ExportScenario;
import io.bqexport.testing.IndexedJobControllerStandIn;
import io.bqexport.testing.JobControllerStandIn;
import io.bqexport.testing.amplitude.StandInFault;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Failures, retries, suspend and resume, and the two modes over hours the export already committed. */
class BackfillOperationsTest {
  private static final Instant NOW = Instant.parse("2026-11-28T10:10:00Z");
  private static final Instant EXPORT_FROM = Instant.parse("2026-11-28T05:00:00Z");
  private static final Instant START = Instant.parse("2026-11-20T00:00:00Z");
  private static final Instant END = START.plus(3, ChronoUnit.DAYS);
  private static final int PER_HOUR = 20;

  private ExportScenario scenario;
  private BackfillHarness h;

  @BeforeEach
  void start() {
    scenario = new ExportScenario(NOW);
    scenario.events.hours(START, END, PER_HOUR);
    scenario.events.hours(Instant.parse("2026-11-28T00:00:00Z"), Instant.parse("2026-11-28T10:00:00Z"), PER_HOUR);
    h = new BackfillHarness(scenario);
    scenario.create(scenario.export("product-events", EXPORT_FROM));
    h.awaitExportValid("product-events");
  }

  @AfterEach
  void stop() {
    scenario.close();
  }

  @Test
  void aFailedChunkIsRetriedAndTheBackfillStillCountsEveryRowOnce() {
    Instant badHour = START.plus(30, ChronoUnit.HOURS); // in chunk 1
    scenario.amplitude.faults().forHour(badHour, StandInFault.status(400)); // "too large", even alone
    h.create("history", "product-events", START, END, BackfillMode.FillGaps, 24, 2);
    h.awaitJob("history");

    IndexedJobControllerStandIn.Wave first = h.wave("history");
    assertThat(first.runs()).extracting(JobControllerStandIn.PodRun::exitCode).containsExactly(0, 4);
    BigQueryBackfill retrying = h.await("history", b -> b.getStatus().progress().hoursDone() == 24);
    assertThat(retrying.getStatus().phase()).isEqualTo("Running");
    assertThat(retrying.getStatus().failedChunks()).as("not failed for good: it has retries left").isNull();

    scenario.amplitude.faults().clear(); // Amplitude recovers
    List<IndexedJobControllerStandIn.Wave> rest = h.runToEnd("history");
    assertThat(rest.get(0).runs()).extracting(r -> r.pod().getMetadata().getAnnotations()
        .get(IndexedJobControllerStandIn.INDEX)).containsExactly("1", "2");
    BigQueryBackfill done = h.awaitPhase("history", "Succeeded");
    assertThat(done.getStatus().progress().rows()).isEqualTo(72 * PER_HOUR);
    assertThat(done.getStatus().progress().hoursFailed()).isZero();
    assertThat(h.job("history-backfill").getStatus().getFailed()).isEqualTo(1);
    assertThat(scenario.rows("events")).isEqualTo(72 * PER_HOUR);
    assertThat(h.distinctEvents()).isEqualTo(72 * PER_HOUR);
  }

  @Test
  void suspendMidwayStopsNewChunksAndResumeFinishes() {
    h.create("history", "product-events", START, END, BackfillMode.FillGaps, 24, 1);
    h.awaitJob("history");
    h.wave("history");
    h.await("history", b -> b.getStatus().progress().hoursDone() == 24);

    var running = h.job("history-backfill").getSpec();
    h.patchSpec("history", Map.of("suspend", true));
    // The phase comes from the Job the operator wrote in that reconcile: check that Job, not the stand-in.
    BigQueryBackfill suspended = h.awaitPhase("history", "Suspended");
    var suspendedJob = h.job("history-backfill").getSpec();
    assertThat(suspendedJob.getSuspend()).isTrue();
    assertThat(suspendedJob.getTemplate()).as("suspending changes nothing else").isEqualTo(running.getTemplate());
    assertThat(suspendedJob.getCompletions()).isEqualTo(running.getCompletions());
    assertThat(suspendedJob.getParallelism()).isEqualTo(running.getParallelism());
    assertThat(BackfillHarness.condition(suspended, ConditionType.READY).orElseThrow().reason())
        .isEqualTo(Reasons.SUSPENDED);
    assertThat(suspended.getStatus().progress().percent()).isEqualTo("33%");
    assertThat(h.wave("history").runs()).as("a suspended Job starts no pod").isEmpty();
    assertThat(scenario.rows("events")).isEqualTo(24 * PER_HOUR);

    h.patchSpec("history", Map.of("suspend", false));
    h.awaitPhase("history", "Running");
    assertThat(h.job("history-backfill").getSpec().getSuspend()).isFalse();
    assertThat(h.job("history-backfill").getSpec().getTemplate()).isEqualTo(running.getTemplate());
    h.runToEnd("history");
    BigQueryBackfill done = h.awaitPhase("history", "Succeeded");
    assertThat(done.getStatus().progress().rows()).isEqualTo(72 * PER_HOUR);
    assertThat(scenario.rows("events")).isEqualTo(72 * PER_HOUR);
    assertThat(h.eventReasons()).contains("Started", "Suspended", "Resumed", "Succeeded");
  }

  @Test
  void replaceOverExportedHoursLeavesNoDuplicatesAndBumpsTheGeneration() {
    var run = scenario.fire("product-events"); // commits 05, 06 and 07 (due at 10:10)
    assertThat(run.exitCode()).as(run.output()).isZero();
    Instant from = EXPORT_FROM;
    Instant to = Instant.parse("2026-11-28T08:00:00Z");
    assertThat(scenario.rows("events")).isEqualTo(3 * PER_HOUR);

    h.create("redo", "product-events", from, to, BackfillMode.Replace, 1, 2);
    h.awaitJob("redo");
    h.runToEnd("redo");
    BigQueryBackfill done = h.awaitPhase("redo", "Succeeded");

    assertThat(done.getStatus().progress().rows()).isEqualTo(3 * PER_HOUR);
    assertThat(scenario.rows("events")).isEqualTo(3 * PER_HOUR);
    assertThat(h.distinctEvents()).isEqualTo(3 * PER_HOUR);
    assertThat(h.ledger()).extracting(r -> ((Number) r.get("generation")).longValue()).containsExactly(2L, 2L, 2L);
  }

  @Test
  void fillGapsSkipsHoursTheExportAlreadyCommitted() {
    scenario.fire("product-events"); // commits 05, 06 and 07
    Instant from = Instant.parse("2026-11-28T02:00:00Z");
    Instant to = Instant.parse("2026-11-28T08:00:00Z");
    scenario.amplitude.clearRequests();

    h.create("gaps", "product-events", from, to, BackfillMode.FillGaps, 6, 1);
    h.awaitJob("gaps");
    h.runToEnd("gaps");
    BigQueryBackfill done = h.awaitPhase("gaps", "Succeeded");

    assertThat(done.getStatus().progress().hoursDone()).isEqualTo(6);
    assertThat(done.getStatus().progress().rows()).as("only 02, 03 and 04 were missing").isEqualTo(3 * PER_HOUR);
    assertThat(scenario.amplitude.exportRequests()).hasSize(1);
    assertThat(scenario.rows("events")).isEqualTo(6 * PER_HOUR);
    assertThat(h.distinctEvents()).isEqualTo(6 * PER_HOUR);
    assertThat(h.ledger()).extracting(r -> ((Number) r.get("generation")).longValue()).containsOnly(1L);
  }

  @Test
  void aCredentialErrorFailsTheJobAtOnceWithoutRetries() {
    scenario.amplitude.faults().forHour(START, StandInFault.status(401)); // chunk 0: the key was revoked
    h.create("history", "product-events", START, END, BackfillMode.FillGaps, 24, 2);
    h.awaitJob("history");

    List<IndexedJobControllerStandIn.Wave> waves = h.runToEnd("history");
    assertThat(waves.get(0).runs()).extracting(JobControllerStandIn.PodRun::exitCode)
        .containsExactly(3, 0);
    assertThat(waves.get(0).job().getStatus().getConditions()).singleElement()
        .satisfies(c -> assertThat(c.getReason()).isEqualTo("PodFailurePolicy"));
    assertThat(waves.stream().mapToInt(w -> w.runs().size()).sum()).as("nothing retried, chunk 2 never started")
        .isEqualTo(2);

    BigQueryBackfill failed = h.awaitPhase("history", "Failed");
    assertThat(failed.getStatus().failedChunks()).singleElement().satisfies(c -> {
      assertThat(c.index()).isZero();
      assertThat(c.window()).isEqualTo(START + "/" + START.plus(1, ChronoUnit.DAYS));
      assertThat(c.reason()).isEqualTo("AmplitudeAuthFailed");
    });
    assertThat(failed.getStatus().progress().hoursDone()).isEqualTo(24);
    assertThat(failed.getStatus().progress().hoursFailed()).isEqualTo(24);
    assertThat(failed.getStatus().completionTime()).as("when the Job failed")
        .isEqualTo(waves.get(0).job().getStatus().getConditions().get(0).getLastTransitionTime());
    var failedCondition = BackfillHarness.condition(failed, ConditionType.FAILED).orElseThrow();
    assertThat(failedCondition.isTrue()).isTrue();
    assertThat(failedCondition.reason()).isEqualTo(Reasons.CHUNKS_FAILED);
    assertThat(failedCondition.message()).contains("chunk 0", "AmplitudeAuthFailed");
    assertThat(BackfillHarness.condition(failed, ConditionType.STALLED).orElseThrow().isTrue()).isTrue();
    assertThat(h.eventReasons()).contains("ChunkFailed", "Failed");
  }
}
