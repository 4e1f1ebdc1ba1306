package io.bqexport.operator.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.api.v1alpha1.BackfillMode;
import io.bqexport.api.v1alpha1.BigQueryBackfill;
import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.operator.status.ConditionType;
import io.bqexport.testing.ExportScenario;
import io.bqexport.testing.IndexedJobControllerStandIn;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A backfill inherits its export, runs as one Indexed Job and reports its progress, end to end. */
class BackfillLifecycleTest {
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
    h = new BackfillHarness(scenario);
    scenario.create(scenario.export("product-events", EXPORT_FROM));
  }

  @AfterEach
  void stop() {
    scenario.close();
  }

  @Test
  void threeDaysInTwoParallelChunksGiveExactRowCounts() {
    h.create("history", "product-events", START, END, BackfillMode.FillGaps, 24, 2);
    h.awaitExportValid("product-events");
    Job job = h.awaitJob("history");

    assertThat(job.getSpec().getCompletionMode()).isEqualTo("Indexed");
    assertThat(job.getSpec().getCompletions()).isEqualTo(3);
    assertThat(job.getSpec().getParallelism()).isEqualTo(2);
    assertThat(job.getSpec().getBackoffLimitPerIndex()).isEqualTo(2);
    assertThat(job.getSpec().getMaxFailedIndexes()).isEqualTo(3);
    assertThat(job.getSpec().getPodFailurePolicy().getRules().get(0).getOnExitCodes().getValues())
        .containsExactly(2, 3);
    assertThat(job.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
        .containsSequence("--chunks", START + "/" + END + "/24", "--mode", "FillGaps");
    assertThat(job.getSpec().getTemplate().getSpec().getAutomountServiceAccountToken()).isFalse();
    assertThat(job.getMetadata().getLabels()).containsEntry("bqexport.io/backfill", "history")
        .doesNotContainKey("bqexport.io/export");
    assertThat(job.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(o -> assertThat(o.getKind()).isEqualTo("BigQueryBackfill"));
    BigQueryBackfill running = h.awaitPhase("history", "Running");
    assertThat(running.getStatus().startedRange()).isEqualTo(START + "/" + END);
    assertThat(running.getStatus().progress().hoursTotal()).isEqualTo(72);

    IndexedJobControllerStandIn.Wave first = h.wave("history");
    assertThat(first.runs()).hasSize(2).allSatisfy(r -> assertThat(r.exitCode()).as(r.output()).isZero());
    BigQueryBackfill halfway = h.await("history", b -> b.getStatus().progress().hoursDone() == 48);
    assertThat(halfway.getStatus().phase()).isEqualTo("Running");
    assertThat(halfway.getStatus().progress().percent()).isEqualTo("66%");
    assertThat(halfway.getStatus().progress().rows()).isEqualTo(48 * PER_HOUR);

    scenario.clock.advance(Duration.ofMinutes(7)); // the last chunks end later than the Job started
    h.wave("history");
    BigQueryBackfill done = h.awaitPhase("history", "Succeeded");
    assertThat(done.getStatus().progress().hoursDone()).isEqualTo(72);
    assertThat(done.getStatus().progress().percent()).isEqualTo("100%");
    assertThat(done.getStatus().progress().rows()).isEqualTo(72 * PER_HOUR);
    assertThat(done.getStatus().startTime()).isEqualTo(halfway.getStatus().startTime());
    assertThat(done.getStatus().completionTime()).as("the Job's")
        .isEqualTo(h.job("history-backfill").getStatus().getCompletionTime())
        .isEqualTo(scenario.clock.instant().toString());
    assertThat(BackfillHarness.condition(done, ConditionType.READY).orElseThrow().isTrue()).isTrue();
    assertThat(BackfillHarness.condition(done, ConditionType.COMPLETE).orElseThrow().isTrue()).isTrue();
    assertThat(BackfillHarness.condition(done, ConditionType.FAILED).orElseThrow().isTrue()).isFalse();
    assertThat(scenario.rows("events")).isEqualTo(72 * PER_HOUR);
    assertThat(h.distinctEvents()).isEqualTo(72 * PER_HOUR);
    assertThat(h.ledger()).hasSize(72);
    // The backfill's pods stay out of the export's run history.
    assertThat(scenario.get("product-events").getStatus().runs()).isNullOrEmpty();
  }
}
