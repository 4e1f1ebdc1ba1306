package io.bqexport.operator.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.api.v1alpha1.BackfillMode;
import io.bqexport.testing.ExportScenario;
import io.bqexport.testing.JobControllerStandIn;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A recurring export run and a backfill chunk racing for the same hours never duplicate a row. The race is made
 * deterministic: the export's first load is held right after BigQuery committed it, before the export heard of it or
 * wrote its ledger row, which is the moment a racing backfill sees the hour as missing yet already loaded.
 */
class BackfillBesideExportTest {
  private static final Instant NOW = Instant.parse("2026-11-28T10:10:00Z");
  private static final Instant EXPORT_FROM = Instant.parse("2026-11-28T05:00:00Z");
  private static final Instant DUE_END = Instant.parse("2026-11-28T08:00:00Z");
  private static final int PER_HOUR = 20;

  private ExportScenario scenario;
  private BackfillHarness h;

  @BeforeEach
  void start() {
    scenario = new ExportScenario(NOW);
    scenario.events.hours(EXPORT_FROM, Instant.parse("2026-11-28T10:00:00Z"), PER_HOUR);
    h = new BackfillHarness(scenario);
    scenario.create(scenario.export("product-events", EXPORT_FROM));
    h.awaitExportValid("product-events");
  }

  @AfterEach
  void stop() {
    scenario.close();
  }

  @Test
  void aRecurringRunAndABackfillChunkOnTheSameHoursLoadEachHourOnce() throws Exception {
    h.create("overlap", "product-events", EXPORT_FROM, DUE_END, BackfillMode.FillGaps, 3, 1);
    h.awaitJob("overlap");
    CountDownLatch loaded = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger uploads = new AtomicInteger();
    scenario.bigquery.faults().onHandled("PUT", "^/upload/", request -> {
      if (uploads.getAndIncrement() == 0) { // the export's load of hour 05 into its staging table, unanswered
        loaded.countDown();
        try {
          release.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    });

    CompletableFuture<JobControllerStandIn.PodRun> export =
        CompletableFuture.supplyAsync(() -> scenario.fire("product-events"));
    assertThat(loaded.await(60, TimeUnit.SECONDS)).isTrue();
    // Staged, not committed: a load never writes the events table, only the commit transaction does.
    assertThat(scenario.rows("events")).isZero();
    assertThat(h.ledger()).isEmpty();

    var chunk = h.wave("overlap").runs().get(0);
    release.countDown();
    var run = export.get(60, TimeUnit.SECONDS);

    assertThat(chunk.exitCode()).as(chunk.output()).isZero();
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(scenario.rows("events")).isEqualTo(3 * PER_HOUR);
    assertThat(h.distinctEvents()).isEqualTo(3 * PER_HOUR);
    assertThat(h.ledger()).hasSize(3).allSatisfy(r -> {
      assertThat(((Number) r.get("row_count")).longValue()).isEqualTo(PER_HOUR);
      assertThat(((Number) r.get("generation")).longValue()).isEqualTo(1);
    });
    var done = h.awaitPhase("overlap", "Succeeded");
    assertThat(done.getStatus().progress().hoursDone()).isEqualTo(3);
    try {
      h.scenario.await("product-events", "Ready", c -> c.isTrue());
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError("not Ready: " + scenario.get("product-events").getStatus(), e);
    }
    assertThat(scenario.get("product-events").getStatus().exportedThrough()).isEqualTo(DUE_END.toString());
  }
}
