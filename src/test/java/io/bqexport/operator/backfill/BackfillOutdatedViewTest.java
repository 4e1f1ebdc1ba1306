package io.bqexport.operator.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.api.v1alpha1.BackfillMode;
import io.bqexport.api.v1alpha1.BigQueryBackfill;
import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.operator.status.ConditionType;
import io.bqexport.testing.ExportScenario;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operator's copy of a backfill lags its own status writes when the watch is slow (a busy API server, a busy
 * operator). A reconcile on such a copy must not write its outdated view over the newer status: that once erased
 * status.startedRange, after which a changed range went unnoticed.
 */
class BackfillOutdatedViewTest {
  private static final Instant NOW = Instant.parse("2026-11-28T10:10:00Z");
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
  void reconcilesOnACopyWithoutTheOperatorsOwnWritesKeepTheStartedRange() {
    scenario.create(scenario.export("product-events", Instant.parse("2026-11-28T05:00:00Z")));
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
}
