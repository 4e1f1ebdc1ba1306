package io.bqexport.exporter;

import static io.bqexport.exporter.ExporterHarness.hour;
import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.ExportWindow;
import io.bqexport.bigquery.CommitStep;
import io.bqexport.testing.amplitude.AmplitudeEventGenerator;
import io.bqexport.testing.amplitude.GeneratedEvents;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A failure that says nothing about an hour's data (a lost answer, a quota) must never count towards quarantining
 * the hour: three of them in a row would hide good data from recurring runs. Each case ends with the invariant.
 */
class TransientFailuresAreNotQuarantinedTest {

  private static final Instant NOW = hour(6); // hours 0-3 are due
  private final GeneratedEvents events = new GeneratedEvents(new AmplitudeEventGenerator(23, 187520));
  private ExporterHarness h;

  @BeforeEach
  void start() {
    h = new ExporterHarness(events);
    h.startFrom = hour(0);
    events.hours(hour(0), hour(4), 40);
  }

  @AfterEach
  void stop() {
    h.close();
  }

  private void assertExactlyOnceAndNothingQuarantined() {
    ExactlyOnce.assertHolds(h, ExporterHarness.DATASET, ExactlyOnce.sourceId("product-events"), events,
        new ExportWindow(hour(0), hour(4)).hourList());
    assertThat(h.query("SELECT hour, reason FROM `" + ExporterHarness.PROJECT + "." + ExporterHarness.DATASET
        + "._bqexport_quarantine`")).as("failures recorded against hours").isEmpty();
    assertThat(h.stagingTables()).as("staging tables left").isEmpty();
  }

  @Test
  void aStagingTableWhoseCreateAnswerWasLostIsNoFailureOfTheHour() {
    assertThat(h.run(NOW, new ExportWindow(hour(0), hour(1)), ExportMode.FillGaps).succeeded()).isTrue();
    // The client retries the lost tables.insert; BigQuery answers 409 duplicate for its own staging table.
    h.bigquery.faults().dropResponse("POST", "/tables$", 1);

    RunSummary first = h.run(NOW);

    // The 409 is read as "this commit's own table" within the run; a rerun must not be what hides a failure.
    assertThat(first.result()).as(first.toJson()).isEqualTo("Succeeded");
    assertExactlyOnceAndNothingQuarantined();
  }

  @Test
  void aDuplicateAnswerToTheCommitIsNoFailureOfTheHour() {
    AtomicInteger commits = new AtomicInteger();
    RunSummary first = h.run(NOW, null, ExportMode.FillGaps, (step, window) -> {
      if (step == CommitStep.BEFORE_TRANSACTION && commits.incrementAndGet() == 2) {
        h.bigquery.faults().failNext("POST", "/queries$", 1, 409, "duplicate");
      }
    });
    RunSummary rerun = first.succeeded() ? first : h.run(NOW);

    assertThat(first.reason()).as(first.toJson()).isNotEqualTo("LoadRejected");
    assertThat(rerun.result()).as(rerun.toJson()).isEqualTo("Succeeded");
    assertExactlyOnceAndNothingQuarantined();
  }

  @Test
  void aQuotaExceededMidRunStopsTheRunAndTheNextRunGoesOn() {
    AtomicInteger commits = new AtomicInteger();
    RunSummary first = h.run(NOW, null, ExportMode.FillGaps, (step, window) -> {
      if (step == CommitStep.BEFORE_TRANSACTION && commits.incrementAndGet() == 3) {
        h.bigquery.faults().failNext("POST", "/queries$", 1, 403, "quotaExceeded");
      }
    });

    assertThat(first.result()).as(first.toJson()).isEqualTo("Failed");
    assertThat(first.reason()).isEqualTo("QuotaExceeded");
    assertThat(first.hours()).isEqualTo(2);
    RunSummary next = h.run(NOW);
    assertThat(next.result()).as(next.toJson()).isEqualTo("Succeeded");
    assertThat(next.hours()).isEqualTo(2);
    assertThat(next.missingHours()).isZero();
    assertExactlyOnceAndNothingQuarantined();
  }
}
