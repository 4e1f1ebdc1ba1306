package io.bqexport.exporter;

import io.bqexport.ExportWindow;
import static io.bqexport.exporter.ExporterHarness.hour;
import static io.bqexport.exporter.ExporterHarness.number;
import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.bigquery.Committer;
import io.bqexport.testing.amplitude.AmplitudeEventGenerator;
import io.bqexport.testing.amplitude.GeneratedEvents;
import io.bqexport.testing.amplitude.StandInFault;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The exporter end to end against the Amplitude stand-in and the BigQuery emulator, with generated events. */
class ExportRunTest {

  private final GeneratedEvents events = new GeneratedEvents(new AmplitudeEventGenerator(42, 187520))
      .eventsPerFile(150);
  private ExporterHarness h;

  @BeforeEach
  void start() {
    h = new ExporterHarness(events);
  }

  @AfterEach
  void stop() {
    h.close();
  }

  @Test
  void oneHourIsLoadedAndRecordedInTheLedger() {
    events.hour(hour(10), 400);
    h.startFrom = hour(10);

    RunSummary summary = h.run(hour(13));

    assertThat(summary.result()).as(summary.toJson()).isEqualTo("Succeeded");
    assertThat(summary.exitCode()).isZero();
    assertThat(summary.committed()).containsExactly(hour(10) + "/" + hour(11));
    assertThat(summary.hours()).isEqualTo(1);
    assertThat(summary.rows()).isEqualTo(400);
    assertThat(summary.bytes()).isPositive();
    assertThat(summary.exportedThrough()).isEqualTo(hour(11).toString());
    assertThat(summary.missingHours()).isZero();
    assertThat(h.rows()).isEqualTo(400);
    assertThat(h.bigquery.jobs()).as("every job carries the export's labels").isNotEmpty().allSatisfy(j -> {
      var configuration = h.client().getJob(com.google.cloud.bigquery.JobId.of(ExporterHarness.PROJECT, j.jobId()))
          .getConfiguration();
      java.util.Map<String, String> labels = configuration instanceof com.google.cloud.bigquery.LoadJobConfiguration l
          ? l.getLabels() : ((com.google.cloud.bigquery.QueryJobConfiguration) configuration).getLabels();
      assertThat(labels).containsEntry("bqexport-export", "product-events").containsKey("bqexport-step");
    });
    assertThat(h.distinctUuids()).isEqualTo(400);
    List<Map<String, Object>> ledger = h.ledger();
    assertThat(ledger).hasSize(1);
    assertThat(number(ledger.get(0).get("row_count"))).isEqualTo(400);
    assertThat(number(ledger.get(0).get("generation"))).isEqualTo(1);
    assertThat(number(ledger.get(0).get("source_files"))).isEqualTo(3);
    assertThat(ledger.get(0).get("job_id").toString()).as("the load job into staging")
        .isIn(h.bigquery.jobs().stream().filter(j -> j.type().equals("LOAD")).map(j -> j.jobId()).toList());
    assertThat(h.query("SELECT exporter_version FROM `" + ExporterHarness.PROJECT + "." + ExporterHarness.DATASET
        + "._bqexport_ledger`")).extracting(r -> r.get("exporter_version"))
        .as("the ledger names the exporter's version: dev when run from classes, without a jar manifest")
        .containsExactly("dev");
  }

  @Test
  void eachEventsInsertIdLandsInTheInsertIdColumnAndAMissingOneIsNull() {
    events.hour(hour(10), 400);
    h.startFrom = hour(10);

    assertThat(h.run(hour(13)).result()).isEqualTo("Succeeded");

    // What the stand-in sent, by uuid: "$insert_id" loses its "$" (README, Event schema); the generator sends a few
    // events without one, which must read back as NULL, not as an empty string or another event's id.
    List<String> uuids = h.amplitude.expectedUuids(hour(10), hour(11));
    List<String> insertIds = h.amplitude.expectedValues(hour(10), hour(11), "$insert_id");
    Map<String, String> sent = new java.util.HashMap<>();
    for (int i = 0; i < uuids.size(); i++) {
      sent.put(uuids.get(i), insertIds.get(i));
    }
    assertThat(sent).hasSize(400).containsValue(null);
    assertThat(sent.values().stream().filter(java.util.Objects::nonNull).distinct().count()).isGreaterThan(350);
    Map<String, String> stored = new java.util.HashMap<>();
    for (Map<String, Object> row : h.query("SELECT uuid, insert_id FROM `" + ExporterHarness.PROJECT + "."
        + ExporterHarness.DATASET + "." + ExporterHarness.TABLE + "`")) {
      stored.put((String) row.get("uuid"), (String) row.get("insert_id"));
    }
    assertThat(stored).isEqualTo(sent);
  }

  @Test
  void aSecondRunFindsNothingToDo() {
    events.hour(hour(10), 50);
    h.startFrom = hour(10);
    h.run(hour(13));

    RunSummary again = h.run(hour(13).plusSeconds(600));

    assertThat(again.result()).isEqualTo("Succeeded");
    assertThat(again.hours()).isZero();
    assertThat(again.message()).contains("nothing to export");
    assertThat(h.rows()).isEqualTo(50);
  }

  @Test
  void catchUpExportsMissingHoursOldestFirstAtMostMaxHoursPerRun() {
    events.hours(hour(0), hour(6), 60);
    h.maxHoursPerRun = 4;

    RunSummary first = h.run(hour(8));

    assertThat(first.committed()).containsExactly(hour(0) + "/" + hour(4));
    assertThat(first.exportedThrough()).isEqualTo(hour(4).toString());
    assertThat(first.missingHours()).isEqualTo(2);
    RunSummary second = h.run(hour(8));
    assertThat(second.committed()).containsExactly(hour(4) + "/" + hour(6));
    assertThat(second.missingHours()).isZero();
    assertThat(h.rows()).isEqualTo(360);
    assertThat(h.distinctUuids()).isEqualTo(360);
    assertThat(h.ledger()).hasSize(6);
  }

  @Test
  void aBackfillWindowInFillGapsModeSkipsCommittedHours() {
    events.hours(hour(0), hour(4), 40);
    h.startFrom = hour(1);
    h.maxHoursPerRun = 1;
    h.run(hour(30)); // the recurring run commits hour 1
    h.amplitude.clearRequests();

    RunSummary summary = h.run(hour(30), new ExportWindow(hour(0), hour(4)), ExportMode.FillGaps);

    assertThat(summary.committed()).containsExactly(hour(0) + "/" + hour(1), hour(2) + "/" + hour(4));
    assertThat(summary.hours()).isEqualTo(3);
    assertThat(summary.exportedThrough()).isEqualTo(hour(4).toString());
    // One request per contiguous run of missing hours, whatever startFrom says.
    assertThat(h.amplitude.exportRequests()).hasSize(2);
    assertThat(h.rows()).isEqualTo(160);
    assertThat(h.distinctUuids()).isEqualTo(160);
  }

  @Test
  void anHourWithoutDataIsCommittedWithZeroRows() {
    events.hour(hour(11), 30);
    h.startFrom = hour(10);

    RunSummary summary = h.run(hour(14));

    assertThat(summary.result()).as(summary.toJson()).isEqualTo("Succeeded");
    assertThat(summary.committed()).containsExactly(hour(10) + "/" + hour(12));
    List<Map<String, Object>> ledger = h.ledger();
    assertThat(ledger).extracting(r -> number(r.get("row_count"))).containsExactly(0L, 30L);
    assertThat(h.rows()).isEqualTo(30);
  }

  @Test
  void aWindowThatIsTooLargeIsSplitDownToHours() {
    events.hours(hour(0), hour(4), 100);
    h.amplitude.maxEventsPerRequest(250);

    RunSummary summary = h.run(hour(30), new ExportWindow(hour(0), hour(4)), ExportMode.FillGaps);

    assertThat(summary.result()).as(summary.toJson()).isEqualTo("Succeeded");
    assertThat(summary.committed()).containsExactly(hour(0) + "/" + hour(4));
    assertThat(h.rows()).isEqualTo(400);
    assertThat(h.distinctUuids()).isEqualTo(400);
    assertThat(h.amplitude.exportRequests()).hasSizeGreaterThanOrEqualTo(3);
    assertThat(h.ledger()).extracting(r -> number(r.get("row_count"))).containsExactly(100L, 100L, 100L, 100L);
  }

  @Test
  void anHourThatIsStillTooLargeFailsWithHourTooLarge() {
    events.hour(hour(10), 300);
    h.startFrom = hour(10);
    h.amplitude.maxEventsPerRequest(100);

    RunSummary summary = h.run(hour(13));

    assertThat(summary.result()).isEqualTo("Failed");
    assertThat(summary.reason()).isEqualTo("HourTooLarge");
    assertThat(summary.exitCode()).isEqualTo(4);
    assertThat(summary.message()).contains(hour(10).toString()).doesNotContain("Exception");
    assertThat(h.rows()).isZero();
    assertThat(h.ledger()).isEmpty();
  }

  @Test
  void rateLimitsAndServerErrorsAreRetried() {
    events.hour(hour(10), 120);
    h.startFrom = hour(10);
    h.amplitude.faults().next(1, StandInFault.tooManyRequests("0"))
        .next(1, StandInFault.status(503))
        .next(1, StandInFault.status(500));

    RunSummary summary = h.run(hour(13));

    assertThat(summary.result()).as(summary.toJson()).isEqualTo("Succeeded");
    assertThat(h.amplitude.exportRequests()).hasSize(4);
    assertThat(h.rows()).isEqualTo(120);
  }

  @Test
  void forbiddenFailsFastWithAmplitudeAuthFailed() {
    events.hour(hour(10), 120);
    h.startFrom = hour(10);
    h.amplitude.faults().next(1, StandInFault.status(403));

    RunSummary summary = h.run(hour(13));

    assertThat(summary.result()).isEqualTo("Failed");
    assertThat(summary.reason()).isEqualTo("AmplitudeAuthFailed");
    assertThat(summary.exitCode()).isEqualTo(3);
    assertThat(summary.message()).contains("api-key");
    assertThat(h.amplitude.exportRequests()).hasSize(1);
    assertThat(h.rows()).isZero();
  }

  @Test
  void aTruncatedArchiveCommitsNothingAndTheRerunCompletesIt() {
    events.hour(hour(10), 400);
    h.startFrom = hour(10);
    h.amplitude.faults().next(1, StandInFault.truncateMidEntry(1));

    RunSummary broken = h.run(hour(13));

    assertThat(broken.result()).isEqualTo("Failed");
    assertThat(broken.reason()).isEqualTo("ArchiveCorrupt");
    assertThat(broken.exitCode()).isEqualTo(4);
    assertThat(h.rows()).isZero();
    assertThat(h.ledger()).isEmpty();

    RunSummary rerun = h.run(hour(13));

    assertThat(rerun.result()).as(rerun.toJson()).isEqualTo("Succeeded");
    assertThat(h.rows()).isEqualTo(400);
    assertThat(h.distinctUuids()).isEqualTo(400);
  }

  @Test
  void unknownTopLevelKeysAreKeptInExtraAndReportedAsDrift() {
    events.hour(hour(10), 300);
    h.startFrom = hour(10);

    RunSummary summary = h.run(hour(13));

    assertThat(summary.schemaDrift()).containsAnyOf(AmplitudeEventGenerator.UNKNOWN_KEYS);
    String key = summary.schemaDrift().get(0);
    long withExtra = number(h.query("SELECT COUNT(*) AS n FROM `acme-analytics.amplitude.events`"
        + " WHERE extra IS NOT NULL").get(0).get("n"));
    assertThat(withExtra).isPositive();
    assertThat(key).isNotBlank();
  }

  @Test
  void replaceSwapsTheWindowWithoutDuplicatesAndBumpsTheGeneration() {
    events.hours(hour(0), hour(2), 80);
    h.run(hour(30), new ExportWindow(hour(0), hour(2)), ExportMode.FillGaps);
    events.hour(hour(1), 90); // the source grew

    RunSummary summary = h.run(hour(30), new ExportWindow(hour(0), hour(2)), ExportMode.Replace);

    assertThat(summary.result()).as(summary.toJson()).isEqualTo("Succeeded");
    assertThat(summary.mode()).isEqualTo("Replace");
    assertThat(h.rows()).isEqualTo(170);
    assertThat(h.distinctUuids()).isEqualTo(170);
    assertThat(h.ledger()).extracting(r -> number(r.get("generation"))).containsExactly(2L, 2L);
    assertThat(h.ledger()).extracting(r -> number(r.get("row_count"))).containsExactly(80L, 90L);
    assertThat(h.stagingTables()).as("dropped after the commit").isEmpty();
  }

  @Test
  void aRecreatedExportResumesFromItsLedgersFirstHourWithNoSilentGap() {
    events.hours(hour(0), hour(6), 10);
    h.maxHoursPerRun = 2;
    h.run(hour(10)); // hours 0 and 1; then the export is deleted and created again at hour 4
    h.startFrom = hour(4);
    h.resumeFromLedger = true; // spec.startFrom unset: the creation hour is only a default
    h.maxHoursPerRun = 24;

    RunSummary summary = h.run(hour(10));

    assertThat(summary.committed()).containsExactly(hour(2) + "/" + hour(8));
    assertThat(summary.exportedThrough()).isEqualTo(hour(8).toString());
    assertThat(summary.missingHours()).isZero();
    assertThat(h.rows()).isEqualTo(60);
  }

  /** An explicit startFrom (resumeFromLedger unset) is where the export starts, even with earlier ledger hours. */
  @Test
  void anExplicitStartFromAfterTheLedgersFirstHourLeavesTheHoursBeforeItAlone() {
    events.hours(hour(0), hour(6), 10);
    h.maxHoursPerRun = 2;
    h.run(hour(10)); // hours 0 and 1
    h.startFrom = hour(4);
    h.maxHoursPerRun = 24;

    RunSummary summary = h.run(hour(10));

    assertThat(summary.committed()).containsExactly(hour(4) + "/" + hour(8));
    assertThat(summary.exportedThrough()).isEqualTo(hour(8).toString());
    assertThat(h.rows()).isEqualTo(40); // hours 0, 1, 4 and 5; 2 and 3 are left to a backfill
  }

  @Test
  void anExplicitStartFromIsKeptAndMissingHoursCountEveryGapSinceIt() {
    events.hours(hour(0), hour(6), 10);
    h.maxHoursPerRun = 1;
    h.run(hour(10));

    RunSummary summary = h.run(hour(10), new ExportWindow(hour(3), hour(4)), ExportMode.FillGaps);

    assertThat(summary.exportedThrough()).isEqualTo(hour(1).toString());
    assertThat(summary.missingHours()).as("hours 1, 2, 4, 5, 6, 7").isEqualTo(6);
  }

  @Test
  void aRevokedServiceAccountKeyFailsWithBigQueryAuthFailed() {
    events.hour(hour(10), 10);
    h.startFrom = hour(10);
    h.bigquery.revokeServiceAccountKey(h.key.clientEmail(), h.key.privateKeyId());

    RunSummary summary = h.run(hour(13));

    assertThat(summary.reason()).isEqualTo("BigQueryAuthFailed");
    assertThat(summary.exitCode()).isEqualTo(3);
    assertThat(summary.message()).contains("create a new key").doesNotContain("Exception");
  }

  @Test
  void aMissingPermissionFailsWithPermissionDeniedNamingIt() {
    events.hour(hour(10), 10);
    h.startFrom = hour(10);
    h.bigquery.faults().deny("POST", "/tables$", "bigquery.tables.create");

    RunSummary summary = h.run(hour(13));

    assertThat(summary.reason()).isEqualTo("PermissionDenied");
    assertThat(summary.exitCode()).isEqualTo(3);
    assertThat(summary.message()).contains("bigquery.tables.create", "roles/bigquery.dataEditor");
  }

  @Test
  void aMissingDatasetFailsWithDatasetNotFound() {
    h.startFrom = hour(10);
    h.dataset = "does_not_exist";

    RunSummary summary = h.run(hour(13));

    assertThat(summary.reason()).isEqualTo("DatasetNotFound");
    assertThat(summary.exitCode()).isEqualTo(5);
    assertThat(summary.message()).contains("does_not_exist", "createDataset");
  }

  @Test
  void replaceWithoutAWindowIsAConfigError() {
    RunSummary summary = h.run(hour(30), null, ExportMode.Replace);
    assertThat(summary.reason()).isEqualTo("ConfigInvalid");
    assertThat(summary.exitCode()).isEqualTo(2);
  }
}
