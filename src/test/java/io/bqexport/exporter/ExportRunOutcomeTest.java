package io.bqexport.exporter;

import static io.bqexport.exporter.ExporterHarness.hour;
import static io.bqexport.exporter.ExporterHarness.number;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.bigquery.DatasetId;
import com.google.cloud.bigquery.TableId;
import io.bqexport.bigquery.CommitObserver;
import io.bqexport.bigquery.CommitStep;
import io.bqexport.testing.amplitude.AmplitudeEventGenerator;
import io.bqexport.testing.amplitude.GeneratedEvents;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a run does around its commits, each in a few seconds: a window whose commit breaks on a transient BigQuery
 * error is committed again within the run (a bounded number of times), an hour another exporter commits meanwhile
 * counts as exported, and the summary's message says exactly what happened.
 */
class ExportRunOutcomeTest {

  private static final int EVENTS = 60;
  /** The generated events carry two top-level keys the schema lacks (AmplitudeEventGenerator.UNKNOWN_KEYS). */
  private static final String DRIFT = "; new top-level keys went to the extra column: $bqexport_unknown_flag, "
      + "ingestion_metadata";
  private final GeneratedEvents events = new GeneratedEvents(new AmplitudeEventGenerator(11, 187520));
  private ExporterHarness h;

  @BeforeEach
  void start() {
    h = new ExporterHarness(events);
    h.startFrom = hour(10);
    events.hour(hour(10), EVENTS);
  }

  @AfterEach
  void stop() {
    h.close();
  }

  /**
   * Deletes the window's staging table just before the commit transaction, the first {@code times} attempts: its
   * INSERT ... SELECT then fails "Not found: Table" (notFound), a transient failure of the destination. Counts the
   * attempts by their loads.
   */
  private CommitObserver stagingTableGoneBeforeTheTransaction(int times, AtomicInteger loads) {
    AtomicInteger dropped = new AtomicInteger();
    return (step, window) -> {
      if (step == CommitStep.BEFORE_LOAD) {
        loads.incrementAndGet();
      }
      if (step == CommitStep.BEFORE_TRANSACTION && dropped.getAndIncrement() < times) {
        h.stagingTables().forEach(t -> h.client().delete(TableId.of(ExporterHarness.PROJECT,
            ExporterHarness.DATASET, t)));
      }
    };
  }

  @Test
  void aCommitBrokenByATransientBigQueryErrorIsCommittedAgainWithinTheRun() {
    AtomicInteger loads = new AtomicInteger();

    RunSummary summary = h.run(hour(13), null, ExportMode.FillGaps, stagingTableGoneBeforeTheTransaction(2, loads));

    assertThat(summary.result()).as(summary.toJson()).isEqualTo("Succeeded");
    assertThat(loads.get()).as("two broken attempts, the third commits").isEqualTo(3);
    assertThat(h.rows()).isEqualTo(EVENTS);
    assertThat(h.distinctUuids()).isEqualTo(EVENTS);
    assertThat(h.ledger()).singleElement().satisfies(r -> assertThat(number(r.get("row_count"))).isEqualTo(EVENTS));
    assertThat(summary.message()).isEqualTo("committed 1 hour(s), " + EVENTS + " row(s)" + DRIFT);
  }

  @Test
  void aCommitBrokenEveryTimeFailsTheRunAfterThreeAttemptsHavingCommittedNothing() {
    AtomicInteger loads = new AtomicInteger();

    RunSummary summary = h.run(hour(13), null, ExportMode.FillGaps,
        stagingTableGoneBeforeTheTransaction(Integer.MAX_VALUE, loads));

    assertThat(summary.result()).isEqualTo("Failed");
    assertThat(summary.reason()).isEqualTo(FailureReason.DestinationUnavailable.name());
    assertThat(summary.message()).contains("Not found: Table");
    assertThat(loads.get()).as("the window is tried 3 times in a run").isEqualTo(3);
    assertThat(h.rows()).isZero();
    assertThat(h.ledger()).isEmpty();
    assertThat(summary.committed()).isEmpty();
  }

  /** A run that fails after committing an hour reports that hour: exportedThrough and missingHours count it. */
  @Test
  void aRunThatFailsAfterCommittingAnHourReportsItAsExported() {
    events.hour(hour(11), EVENTS);
    AtomicInteger loads = new AtomicInteger();
    CommitObserver hour11Broken = stagingTableGoneBeforeTheTransaction(Integer.MAX_VALUE, loads);

    RunSummary summary = h.run(hour(14), null, ExportMode.FillGaps, (step, window) -> {
      if (window.start().equals(hour(11))) {
        hour11Broken.reached(step, window);
      }
    });

    assertThat(summary.result()).isEqualTo("Failed");
    assertThat(summary.committed()).containsExactly(hour(10) + "/" + hour(11));
    assertThat(summary.exportedThrough()).isEqualTo(hour(11).toString());
    assertThat(summary.missingHours()).as("hour 11").isEqualTo(1);
    assertThat(h.rows()).isEqualTo(EVENTS);
  }

  @Test
  void anHourAnotherExporterCommitsDuringTheRunCountsAsExported() {
    AtomicReference<RunSummary> other = new AtomicReference<>();
    CommitObserver anotherExporterFirst = (step, window) -> {
      if (step == CommitStep.BEFORE_TRANSACTION && other.get() == null) {
        other.set(h.run(hour(13))); // another pod exports the same hour and commits first
      }
    };

    RunSummary summary = h.run(hour(13), null, ExportMode.FillGaps, anotherExporterFirst);

    assertThat(other.get().result()).isEqualTo("Succeeded");
    assertThat(other.get().rows()).isEqualTo(EVENTS);
    assertThat(summary.result()).as(summary.toJson()).isEqualTo("Succeeded");
    assertThat(summary.rows()).as("this run's transaction found the hour committed").isZero();
    assertThat(summary.committed()).as("ranges this run committed").isEmpty();
    assertThat(summary.exportedThrough()).as("read back from the ledger").isEqualTo(hour(11).toString());
    assertThat(summary.missingHours()).isZero();
    assertThat(h.rows()).isEqualTo(EVENTS);
    assertThat(h.distinctUuids()).isEqualTo(EVENTS);
  }

  @Test
  void theMessageNamesTheIntegrityReCheckOnlyWhenOneRan() {
    RunSummary first = h.run(hour(13));
    assertThat(first.message()).as("nothing was due for a re-check").isEqualTo("committed 1 hour(s), " + EVENTS
        + " row(s)" + DRIFT);

    RunSummary later = h.run(hour(13).plus(Duration.ofHours(25)));

    assertThat(later.result()).as(later.toJson()).isEqualTo("Succeeded");
    assertThat(later.verifiedHours()).isPositive();
    assertThat(later.message()).isEqualTo("committed " + later.hours() + " hour(s), 0 row(s); integrity re-check: "
        + "verified " + later.verifiedHours() + " hour(s), repaired 0");
  }

  @Test
  void withEventsDisabledARunExportsNothingAndCreatesNoTable() {
    h.eventsEnabled = false;

    RunSummary summary = h.run(hour(13));

    assertThat(summary.result()).isEqualTo("Succeeded");
    assertThat(summary.message()).isEqualTo("data.events.enabled is false: nothing to export");
    assertThat(summary.hours()).isZero();
    assertThat(h.bigquery.tableExists(ExporterHarness.PROJECT, ExporterHarness.DATASET, ExporterHarness.TABLE))
        .isFalse();
    assertThat(h.bigquery.tableExists(ExporterHarness.PROJECT, ExporterHarness.DATASET, "_bqexport_ledger"))
        .isFalse();
    assertThat(h.bigquery.jobs()).isEmpty();
  }

  /** destination.createDataset: a missing dataset is created in the destination's location, then the hour commits. */
  @Test
  void aMissingDatasetIsCreatedInItsLocationWhenCreateDatasetIsSet() {
    h.dataset = "created_by_the_run";
    h.createDataset = true;

    RunSummary summary = h.run(hour(13));

    assertThat(summary.result()).as(summary.toJson()).isEqualTo("Succeeded");
    assertThat(h.client().getDataset(DatasetId.of(ExporterHarness.PROJECT, h.dataset)).getLocation())
        .isEqualTo("US");
    assertThat(h.bigquery.rowCount(ExporterHarness.PROJECT, h.dataset, ExporterHarness.TABLE)).isEqualTo(EVENTS);
  }
}
