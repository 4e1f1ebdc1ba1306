package io.bqexport.operator.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.api.v1alpha1.BackfillMode;
import io.bqexport.api.v1alpha1.BigQueryBackfill;
import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.operator.status.ConditionType;
import io.bqexport.testing.ExportFixtures;
import io.bqexport.testing.ExportScenario;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What a backfill waits for, and what it refuses, with the reasons users see. */
class BackfillConditionsTest {
  private static final Instant NOW = Instant.parse("2026-11-28T10:10:00Z");
  private static final Instant EXPORT_FROM = Instant.parse("2026-11-28T05:00:00Z");
  private static final Instant START = Instant.parse("2026-11-20T00:00:00Z");
  private static final Instant END = START.plus(2, ChronoUnit.DAYS);

  private ExportScenario scenario;
  private BackfillHarness h;

  @BeforeEach
  void start() {
    scenario = new ExportScenario(NOW);
    h = new BackfillHarness(scenario);
  }

  @AfterEach
  void stop() {
    scenario.close();
  }

  @Test
  void waitsForTheExportAndItsCredentialsThenStarts() {
    h.create("history", "product-events", START, END, BackfillMode.FillGaps, 24, 2);
    BigQueryBackfill missing = h.await("history", b -> BackfillHarness.condition(b, ConditionType.STALLED)
        .map(c -> Reasons.EXPORT_NOT_FOUND.equals(c.reason())).orElse(false));
    assertThat(missing.getStatus().phase()).isEqualTo("Pending");

    scenario.setSecret(ExportFixtures.AMPLITUDE_SECRET, "secret-key", "revoked");
    scenario.create(scenario.export("product-events", EXPORT_FROM));
    scenario.awaitReason("product-events", ConditionType.CREDENTIALS_VALID, Reasons.AMPLITUDE_AUTH_FAILED);
    BigQueryBackfill waiting = h.await("history", b -> BackfillHarness.condition(b, ConditionType.READY)
        .map(c -> Reasons.WAITING_FOR_EXPORT.equals(c.reason())).orElse(false));
    assertThat(BackfillHarness.condition(waiting, ConditionType.RECONCILING).orElseThrow().isTrue()).isTrue();
    assertThat(BackfillHarness.condition(waiting, ConditionType.STALLED).orElseThrow().isTrue()).isFalse();
    assertThat(h.job("history-backfill")).as("no Job while the credentials are invalid").isNull();

    scenario.setSecret(ExportFixtures.AMPLITUDE_SECRET, "secret-key", ExportScenario.SECRET_KEY);
    h.awaitJob("history");
    BigQueryBackfill running = h.awaitPhase("history", "Running");
    assertThat(running.getStatus().job()).isEqualTo("history-backfill");
    assertThat(running.getStatus().startTime()).as("no pod ran yet: when the operator saw the Job")
        .isEqualTo(scenario.clock.instant().toString());
  }

  @Test
  void aChangedRangeAfterTheStartIsRefusedAndTheJobKeepsItsRange() {
    scenario.create(scenario.export("product-events", EXPORT_FROM));
    h.awaitExportValid("product-events");
    h.create("history", "product-events", START, END, BackfillMode.FillGaps, 24, 2);
    h.awaitPhase("history", "Running");

    // An API server without CEL lets this through; the reconciler refuses it too.
    h.patchSpec("history", Map.of("start", START.minus(1, ChronoUnit.DAYS).toString()));
    BigQueryBackfill stalled = h.await("history", b -> BackfillHarness.condition(b, ConditionType.STALLED)
        .map(c -> c.isTrue() && Reasons.RANGE_CHANGED.equals(c.reason())).orElse(false));
    assertThat(BackfillHarness.condition(stalled, ConditionType.STALLED).orElseThrow().message())
        .contains("immutable", START + "/" + END);
    assertThat(stalled.getStatus().startedRange()).isEqualTo(START + "/" + END);
    assertThat(stalled.getStatus().progress().hoursTotal()).as("the started plan counts").isEqualTo(48);
    assertThat(h.job("history-backfill").getSpec().getCompletions()).isEqualTo(2);
    assertThat(h.eventReasons()).contains(Reasons.RANGE_CHANGED);
  }

  /**
   * The operator's copy lags its own status writes when the watch is slow (a busy API server or operator). A
   * reconcile on such a copy once wrote its view over the newer status and erased startedRange, after which a changed
   * range went unnoticed (this class's flake under load).
   */
  @Test
  void reconcilesOnACopyWithoutTheOperatorsOwnWritesKeepTheStartedRange() {
    scenario.create(scenario.export("product-events", EXPORT_FROM));
    h.awaitExportValid("product-events");
    // The operator sees the backfill created, then none of its own status writes: its copy has no status at all.
    scenario.kubernetes.holdWatchUpdates("bigquerybackfills");
    h.create("history", "product-events", START, END, BackfillMode.FillGaps, 24, 2);
    h.awaitJob("history");
    h.wave("history"); // the Job's and pods' events make the operator reconcile that copy again

    BigQueryBackfill done = h.awaitPhase("history", "Succeeded");
    assertThat(done.getStatus().startedRange()).isEqualTo(START + "/" + END);
    assertThat(done.getStatus().job()).isEqualTo("history-backfill");
    assertThat(done.getStatus().progress().hoursDone()).isEqualTo(48);

    scenario.kubernetes.releaseWatches();
    h.patchSpec("history", Map.of("start", START.minus(1, ChronoUnit.DAYS).toString()));
    BigQueryBackfill refused = h.await("history", b -> BackfillHarness.condition(b, ConditionType.STALLED)
        .map(c -> c.isTrue() && Reasons.RANGE_CHANGED.equals(c.reason())).orElse(false));
    assertThat(refused.getStatus().startedRange()).isEqualTo(START + "/" + END);
  }

  @Test
  void refusesPlansBeyondTheLoadJobQuotaAndRangesNotYetExportable() {
    scenario.create(scenario.export("product-events", EXPORT_FROM));
    h.create("hourly-for-two-months", "product-events", START.minus(60, ChronoUnit.DAYS), END,
        BackfillMode.FillGaps, 1, 2);
    h.create("too-recent", "product-events", START, NOW.truncatedTo(ChronoUnit.HOURS), BackfillMode.FillGaps, 24, 2);

    BigQueryBackfill quota = h.await("hourly-for-two-months", b -> BackfillHarness.condition(b,
        ConditionType.STALLED).map(c -> Reasons.LOAD_JOB_QUOTA.equals(c.reason())).orElse(false));
    assertThat(BackfillHarness.condition(quota, ConditionType.READY).orElseThrow().message())
        .contains("1488 chunks", "1,500 load jobs per table per day", "Set spec.chunkHours to 2 or more");
    BigQueryBackfill recent = h.await("too-recent", b -> BackfillHarness.condition(b, ConditionType.STALLED)
        .map(c -> Reasons.RANGE_NOT_AVAILABLE.equals(c.reason())).orElse(false));
    assertThat(BackfillHarness.condition(recent, ConditionType.STALLED).orElseThrow().message())
        .contains("Set spec.end to 2026-11-28T08:00:00Z or earlier");
    h.awaitExportValid("product-events");
    assertThat(h.job("hourly-for-two-months-backfill")).isNull();
    assertThat(h.job("too-recent-backfill")).isNull();
  }
}
