package io.bqexport.exporter;

import io.bqexport.ExportWindow;
import static io.bqexport.exporter.ExporterHarness.hour;
import static io.bqexport.exporter.ExporterHarness.number;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.bigquery.TableId;
import io.bqexport.bigquery.CommitStep;
import io.bqexport.testing.amplitude.AmplitudeEventGenerator;
import io.bqexport.testing.amplitude.GeneratedEvents;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The commit protocol survives a crash at every step: the crashed run is abandoned like a killed pod, a fresh
 * exporter reruns, and the table ends with every event exactly once.
 */
class CommitCrashRecoveryTest {

  private static final int EVENTS = 800; // about 1.4 MB of rows: several 256 KiB upload chunks
  private static final ExportWindow HOUR_10 = ExportWindow.ofHour(hour(10));
  private static final ExportWindow HOURS_0_2 = new ExportWindow(hour(0), hour(2));
  private final GeneratedEvents events = new GeneratedEvents(new AmplitudeEventGenerator(7, 187520))
      .eventsPerFile(500);
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

  private void assertExactlyOnce(long expectedRows) {
    assertThat(h.rows()).isEqualTo(expectedRows);
    assertThat(h.distinctUuids()).isEqualTo(expectedRows);
  }

  @ParameterizedTest
  @EnumSource(CommitStep.class)
  void aCrashDuringTheFirstCommitIsRepairedByTheRerun(CommitStep step) {
    h.runCrashingAt(step, hour(13), null, ExportMode.FillGaps);

    boolean committed = step == CommitStep.AFTER_TRANSACTION;
    assertThat(h.ledger()).hasSize(committed ? 1 : 0);
    assertThat(h.rows()).as("staged rows are not in the table").isEqualTo(committed ? EVENTS : 0);
    assertThat(h.stagingTables()).as("a crash leaves its staging table to expire").hasSize(1);

    RunSummary rerun = h.run(hour(13));

    assertThat(rerun.result()).as(rerun.toJson()).isEqualTo("Succeeded");
    assertThat(rerun.rows()).isEqualTo(committed ? 0 : EVENTS);
    assertExactlyOnce(EVENTS);
    List<Map<String, Object>> ledger = h.ledger();
    assertThat(ledger).hasSize(1);
    assertThat(number(ledger.get(0).get("row_count"))).isEqualTo(EVENTS);
    assertThat(number(ledger.get(0).get("byte_count"))).isPositive();
  }

  @Test
  void anUploadConnectionDroppedMidChunkIsResumed() {
    h.bigquery.faults().dropUploadConnection(100_000, 1);

    RunSummary summary = h.run(hour(13));

    assertThat(summary.result()).as(summary.toJson()).isEqualTo("Succeeded");
    assertExactlyOnce(EVENTS);
  }

  @Test
  void aLostLoadResponseIsFoundAgainByItsJobId() {
    h.chunkSize = 8 * 1024 * 1024; // one chunk: the PUT whose answer is lost is the one that creates the job
    List<String> jobReads = new CopyOnWriteArrayList<>();
    h.bigquery.faults()
        .jobsRunFor(Duration.ofSeconds(1)) // still running when the client's retried PUT learns of it
        .dropResponse("PUT", "^/upload/", 1)
        .onRequest("GET", "/jobs/[^/]+$", request -> jobReads.add(request.path()));

    RunSummary first = h.run(hour(13));

    assertThat(first.result()).as("recovered within the run, not by a rerun: %s", first.toJson())
        .isEqualTo("Succeeded");
    assertThat(jobReads).as("the load's outcome is read back by its job id")
        .anySatisfy(path -> assertThat(path).contains("/jobs/bqexport_"));
    assertExactlyOnce(EVENTS);
    assertThat(h.ledger()).hasSize(1);
  }

  @ParameterizedTest
  @EnumSource(CommitStep.class)
  void aCrashDuringReplaceIsRepairedByTheRerun(CommitStep step) {
    events.hours(hour(0), hour(2), 400);
    h.run(hour(30), HOURS_0_2, ExportMode.FillGaps);
    assertExactlyOnce(800);

    h.runCrashingAt(step, hour(30), HOURS_0_2, ExportMode.Replace);
    assertExactlyOnce(800);

    RunSummary rerun = h.run(hour(30), HOURS_0_2, ExportMode.Replace);

    assertThat(rerun.result()).as(rerun.toJson()).isEqualTo("Succeeded");
    assertExactlyOnce(800);
    long expectedGeneration = step == CommitStep.AFTER_TRANSACTION ? 3 : 2;
    assertThat(h.ledger()).filteredOn(r -> !r.get("hour").toString().contains("T10"))
        .extracting(r -> number(r.get("generation"))).containsOnly(expectedGeneration);
  }

  @Test
  void aTransactionThatFailsMidwayRollsBackAndTheRerunCompletesIt() {
    events.hours(hour(0), hour(2), 300);
    h.run(hour(30), HOURS_0_2, ExportMode.FillGaps);
    long before = h.rows();

    RunSummary failed = h.run(hour(30), HOURS_0_2, ExportMode.Replace, (step, window) -> {
      if (step == CommitStep.BEFORE_TRANSACTION) {
        // The transaction's INSERT ... SELECT FROM staging fails after its DELETE ran.
        h.stagingTables().forEach(t -> h.client().delete(TableId.of(ExporterHarness.PROJECT,
            ExporterHarness.DATASET, t)));
      }
    });

    assertThat(failed.result()).isEqualTo("Failed");
    assertThat(h.rows()).isEqualTo(before);
    assertThat(h.ledger()).extracting(r -> number(r.get("generation"))).containsOnly(1L);

    RunSummary rerun = h.run(hour(30), HOURS_0_2, ExportMode.Replace);

    assertThat(rerun.result()).as(rerun.toJson()).isEqualTo("Succeeded");
    assertThat(h.rows()).isEqualTo(before);
    assertThat(h.distinctUuids()).isEqualTo(before);
    assertThat(h.ledger()).filteredOn(r -> !r.get("hour").toString().contains("T10"))
        .extracting(r -> number(r.get("generation"))).containsOnly(2L);
  }

  @Test
  void aTransactionWhoseAnswerIsLostLeavesNoDuplicates() {
    events.hours(hour(0), hour(2), 300);
    h.run(hour(30), HOURS_0_2, ExportMode.FillGaps);
    long before = h.rows();

    RunSummary summary = h.run(hour(30), HOURS_0_2, ExportMode.Replace, (step, window) -> {
      if (step == CommitStep.BEFORE_TRANSACTION) {
        h.bigquery.faults().dropResponse("POST", "/queries$", 1); // the pod dies while the transaction runs
      }
    });
    RunSummary rerun = summary.succeeded() ? summary : h.run(hour(30), HOURS_0_2, ExportMode.Replace);

    assertThat(rerun.result()).as(rerun.toJson()).isEqualTo("Succeeded");
    assertThat(h.rows()).isEqualTo(before);
    assertThat(h.distinctUuids()).isEqualTo(before);
    assertThat(h.ledger()).extracting(r -> number(r.get("generation"))).allMatch(g -> g >= 2);
  }

  @Test
  void twoExportersOnTheSameHourAtOnceLoadItOnce() throws Exception {
    CyclicBarrier bothUploading = new CyclicBarrier(2);
    java.util.function.Supplier<RunSummary> exporter = () -> h.run(hour(13), null, ExportMode.FillGaps,
        (step, window) -> {
          if (step == CommitStep.BEFORE_LOAD) {
            await(bothUploading);
          }
        });

    CompletableFuture<RunSummary> a = CompletableFuture.supplyAsync(exporter);
    CompletableFuture<RunSummary> b = CompletableFuture.supplyAsync(exporter);
    List<RunSummary> results = List.of(a.get(120, TimeUnit.SECONDS), b.get(120, TimeUnit.SECONDS));

    // Both runs succeed: the one that commits second finds the hour in the ledger and inserts nothing.
    assertThat(results).allSatisfy(r -> assertThat(r.result()).as(r.toJson()).isEqualTo("Succeeded"));
    assertThat(results).extracting(r -> r.rows()).containsExactlyInAnyOrder((long) EVENTS, 0L);
    assertExactlyOnce(EVENTS);
    assertThat(h.ledger()).hasSize(1);
    assertThat(h.bigquery.jobs()).filteredOn(j -> j.type().equals("LOAD")).hasSize(2)
        .extracting(j -> j.jobId()).contains(h.ledger().get(0).get("job_id").toString());
  }

  private static void await(CyclicBarrier barrier) {
    try {
      barrier.await(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
