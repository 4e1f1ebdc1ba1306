package io.bqexport.exporter;

import static io.bqexport.exporter.StorageExporterHarness.hour;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bqexport.bigquery.CommitObserver;
import io.bqexport.bigquery.CommitStep;
import io.bqexport.testing.storage.AmplitudeStorageExport;
import io.bqexport.testing.storage.StorageFault;
import io.bqexport.testing.storage.StorageOperation;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Cloud Storage faults during a run: 429 and 5xx are retried by the client within its budget; 403 and a missing
 * bucket are permanent, named, and commit nothing. Also a bad line within storage.maxBadRecords, and a run that died
 * between a window's two tables (quick storage runs: the slow StorageSourceExportTest is left out of `make mutation`).
 */
class StorageSourceFailuresTest {

  private static final Instant NOW = hour(5);

  private StorageExporterHarness h;

  @BeforeEach
  void start() {
    h = new StorageExporterHarness();
    h.startFrom = hour(1);
    h.mergeIds = false;
    h.events.hour(hour(1), 50).hour(hour(2), 30).eventsPerFile(20);
    h.export.writeEvents(h.events, hour(1));
    h.export.writeEvents(h.events, hour(2));
  }

  @AfterEach
  void stop() {
    h.close();
  }

  @Test
  void tooManyRequestsAndServerErrorsAreRetried() {
    h.gcs.fail(StorageOperation.LIST, 1, StorageFault.tooManyRequests("0"));
    h.gcs.fail(StorageOperation.GET_MEDIA, 2, StorageFault.status(503));
    h.gcs.fail(StorageOperation.GET_MEDIA, 1, StorageFault.status(500));

    RunSummary run = h.run(NOW);

    assertThat(run.result()).as(run.message()).isEqualTo(RunSummary.SUCCEEDED);
    assertThat(h.rows("events")).isEqualTo(80);
    assertThat(h.distinct("events", "uuid")).isEqualTo(80);
    assertThat(h.gcs.requests(StorageOperation.GET_MEDIA)).extracting(r -> r.status()).contains(503, 500);
  }

  @Test
  void aDeniedListingIsAPermanentCredentialFailure() {
    h.gcs.deny(StorageOperation.LIST);

    RunSummary run = h.run(NOW);

    assertThat(run.reason()).isEqualTo("StorageAccessDenied");
    assertThat(run.exitCode()).isEqualTo(ExitCode.CREDENTIAL_ERROR.code());
    assertThat(run.message()).contains("storage.objects.list", "gs://amplitude-export", "roles/storage.objectViewer");
    assertThat(h.gcs.requests(StorageOperation.LIST)).as("403 is not retried").hasSize(1);
    assertThat(h.ledger("events")).isEmpty();
  }

  @Test
  void aDeniedReadIsAPermanentCredentialFailure() {
    h.gcs.deny(StorageOperation.GET_MEDIA);

    RunSummary run = h.run(NOW);

    assertThat(run.reason()).isEqualTo("StorageAccessDenied");
    assertThat(run.message()).contains("storage.objects.get");
    assertThat(h.rows("events")).isZero();
    assertThat(h.ledger("events")).isEmpty();
  }

  @Test
  void aMissingBucketIsNamed() {
    h.bucket = "no-such-bucket";

    RunSummary run = h.run(NOW);

    assertThat(run.reason()).isEqualTo("BucketNotFound");
    assertThat(run.exitCode()).isEqualTo(ExitCode.SOURCE_ERROR.code());
    assertThat(run.message()).contains("gs://no-such-bucket", "spec.source.storage.gcs.bucket");
    assertThat(h.ledger("events")).isEmpty();
  }

  @Test
  void anObjectGoneBetweenListingAndReadingIsRetriedByTheNextRun() {
    h.gcs.fail(StorageOperation.GET_MEDIA, 1, StorageFault.status(404));

    RunSummary failed = h.run(NOW);

    assertThat(failed.reason()).isEqualTo("SourceUnavailable");
    assertThat(failed.message()).contains("gone");
    RunSummary next = h.run(NOW);
    assertThat(next.result()).as(next.message()).isEqualTo(RunSummary.SUCCEEDED);
    assertThat(h.rows("events")).isEqualTo(80);
  }

  /** storage.maxBadRecords, not source.maxBadRecords, bounds the bad lines of a storage export. */
  @Test
  void aBadLineWithinStorageMaxBadRecordsIsSkippedAndTheHourCommits() {
    h.maxBadRecords = 1;
    h.gcs.put(StorageExporterHarness.BUCKET, "amplitude/187520/187520_2026-11-28_2#9.json.gz",
        AmplitudeStorageExport.gzip(List.of("not json")));

    RunSummary run = h.run(NOW);

    assertThat(run.result()).as(run.message()).isEqualTo(RunSummary.SUCCEEDED);
    assertThat(run.message()).contains("skipped 1 bad line(s) (storage.maxBadRecords)");
    assertThat(h.rows("events")).isEqualTo(80);
  }

  /**
   * An hour is exported when both its tables have it: a run that died between the events' and the merged IDs' commit
   * of an hour leaves that hour to the next run, which commits only its merged IDs.
   */
  @Test
  void hoursCommittedInTheEventsTableOnlyAreExportedAgainForTheirMergedIds() {
    h.mergeIds = true;
    h.export.writeMergeIds(hour(1), 11, 7);
    h.export.writeMergeIds(hour(2), 12, 7);
    AtomicInteger loads = new AtomicInteger();
    CommitObserver crashAtTheMergedIdsLoad = (step, window) -> {
      if (step == CommitStep.BEFORE_LOAD && loads.incrementAndGet() == 2) {
        throw new ExporterHarness.SimulatedCrash(step);
      }
    };
    assertThatThrownBy(() -> h.run(NOW, null, ExportMode.FillGaps, crashAtTheMergedIdsLoad))
        .isInstanceOf(ExporterHarness.SimulatedCrash.class);
    assertThat(h.rows("events")).as("hour 1's events committed").isEqualTo(50);
    assertThat(h.rows("merge_ids")).as("hour 1's merged IDs not").isZero();

    AtomicInteger recoveryLoads = new AtomicInteger();
    RunSummary recovery = h.run(NOW, null, ExportMode.FillGaps, (step, window) -> {
      if (step == CommitStep.BEFORE_LOAD) {
        recoveryLoads.incrementAndGet();
      }
    });

    assertThat(recovery.result()).as(recovery.message()).isEqualTo(RunSummary.SUCCEEDED);
    assertThat(recoveryLoads.get()).as("hour 1's merged IDs, hour 2's events and merged IDs: no load of hour 1's "
        + "events (BigQuery limits load jobs per table and day)").isEqualTo(3);
    assertThat(recovery.rows()).as("hour 1's events are not committed again").isEqualTo(30);
    assertThat(recovery.mergeIdRows()).isEqualTo(11 + 12);
    assertThat(h.rows("events")).isEqualTo(80);
    assertThat(h.distinct("events", "uuid")).isEqualTo(80);
    assertThat(h.rows("merge_ids")).isEqualTo(11 + 12);
  }
}
