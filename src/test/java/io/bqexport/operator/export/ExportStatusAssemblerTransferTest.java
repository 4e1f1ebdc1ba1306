package io.bqexport.operator.export;

import static io.bqexport.operator.export.ExportStatusAssemblerTest.assertCondition;
import static io.bqexport.operator.export.ExportStatusAssemblerTest.condition;
import static io.bqexport.operator.export.TransferObservationTest.run;
import static io.bqexport.testing.ExportSpecs.withStartFrom;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.bigquery.datatransfer.v1.TransferConfig;
import com.google.cloud.bigquery.datatransfer.v1.TransferRun;
import com.google.cloud.bigquery.datatransfer.v1.TransferState;
import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.BigQueryExportStatus;
import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.api.v1alpha1.RunRecord;
import io.bqexport.api.v1alpha1.TransferConfigStatus;
import io.bqexport.api.v1alpha1.TransferStatus;
import io.bqexport.bigquery.CredentialProbe;
import io.bqexport.bigquery.ServiceAccountKeyInfo;
import io.bqexport.operator.status.ConditionType;
import io.bqexport.operator.status.Problem;
import io.bqexport.testing.ExportFixtures;
import io.bqexport.transfer.TransferSchedule;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The status of an export delivered by the Transfer Service, from one reconcile's TransferObservation, without any
 * server: Scheduled from the configs, runs and exportedThrough from their runs, a failed hour in DataFresh, and a
 * service problem as a stall or a retry.
 */
class ExportStatusAssemblerTransferTest {
  private static final Instant NOW = Instant.parse("2026-11-28T12:34:56Z");
  private static final TransferSchedule SCHEDULE = TransferSchedule.fromCron("5 * * * *", Duration.ofHours(2));
  private static final String EVENTS = "projects/p/locations/us/transferConfigs/e";
  private static final String MERGES = "projects/p/locations/us/transferConfigs/m";
  private static final ExportSecrets.Observation SECRETS = new ExportSecrets.Observation(null,
      new ServiceAccountKeyInfo("writer@p.iam.gserviceaccount.com", "p", "ab:cd"), (ExportSecrets.Values) null,
      "bq-writer=7");
  private static final CredentialValidations.Outcome VALIDATED = new CredentialValidations.Outcome(
      new CredentialProbe.Result(true, Reasons.VALIDATED, "Test upload to p.amplitude succeeded.",
          "writer@p.iam.gserviceaccount.com", "p"), Instant.parse("2026-11-28T12:30:00Z"), false, null, false);
  private static final RunRecord OLD_RUN = new RunRecord("events/old", null, "Scheduled", "2026-11-28T08:05:00Z",
      null, "Succeeded", null, null, null, null, null, null, null);
  private static final TransferStatus OLD_CONFIGS = new TransferStatus(List.of(
      new TransferConfigStatus("events", EVENTS, "bqexport team-a/product-events events")));

  private final ExportStatusAssembler assembler = new ExportStatusAssembler();

  @Test
  void loadedConfigsAreScheduledTheirRunsRecordedAndTheExportReadyThroughTheLastHourEveryTableLoaded() {
    TransferObservation transfer = observation(
        List.of(run(EVENTS, "e1", "11:05", TransferState.SUCCEEDED), run(EVENTS, "e2", "12:05",
            TransferState.SUCCEEDED)),
        List.of(run(MERGES, "m1", "11:05", TransferState.SUCCEEDED), run(MERGES, "m2", "12:05",
            TransferState.SUCCEEDED)));

    BigQueryExportStatus status = assembler.assemble(export(null), seen(transfer), NOW);

    assertCondition(status, ConditionType.SCHEDULED, "True", Reasons.SCHEDULED, "The Transfer Service runs ["
        + EVENTS + " (events), " + MERGES + " (merge_ids_raw)] on \"every 1 hours from 00:05 to 23:05\".");
    assertCondition(status, ConditionType.DATA_FRESH, "True", Reasons.FRESH,
        "Exported through 2026-11-28T10:00:00Z; hours are due through 2026-11-28T10:00:00Z.");
    assertCondition(status, ConditionType.READY, "True", Reasons.READY,
        "Credentials valid, scheduled, data fresh through 2026-11-28T10:00:00Z.");
    assertCondition(status, ConditionType.RECONCILING, "False", Reasons.RECONCILED, "");
    assertCondition(status, ConditionType.STALLED, "False", Reasons.RECONCILED, "");
    assertThat(status.exportedThrough()).isEqualTo("2026-11-28T10:00:00Z");
    assertThat(status.runs()).extracting(RunRecord::job)
        .containsExactly("events/e2", "merge_ids_raw/m2", "events/e1", "merge_ids_raw/m1");
    assertThat(status.lastRun().job()).isEqualTo("events/e2");
    assertThat(status.lastSuccessfulRun().job()).isEqualTo("events/e2");
    assertThat(status.transfer()).isEqualTo(transfer.status());
  }

  @Test
  void aTableThatLoadedNothingYetLeavesNothingExportedWhateverTheStatusSaidBefore() {
    TransferObservation transfer = observation(List.of(run(EVENTS, "e1", "12:05", TransferState.SUCCEEDED)),
        List.of(run(MERGES, "m1", "12:05", TransferState.RUNNING)));

    BigQueryExportStatus status = assembler.assemble(export(previous()), seen(transfer), NOW);

    assertThat(status.exportedThrough()).isNull();
    assertThat(status.runs()).extracting(RunRecord::job).containsExactly("events/e1", "merge_ids_raw/m1");
    assertThat(status.transfer()).isEqualTo(transfer.status());
  }

  @Test
  void aFailedHourNotLoadedSinceMakesTheDataNotFreshNamingTableHourRunAndTheWayToLoadItAgain() {
    TransferObservation transfer = observation(
        List.of(run(EVENTS, "e1", "11:05", TransferState.FAILED), run(EVENTS, "e2", "12:05",
            TransferState.SUCCEEDED)),
        List.of(run(MERGES, "m1", "11:05", TransferState.SUCCEEDED), run(MERGES, "m2", "12:05",
            TransferState.SUCCEEDED)));

    BigQueryExportStatus status = assembler.assemble(export(null), seen(transfer), NOW);

    assertCondition(status, ConditionType.DATA_FRESH, "False", Reasons.TRANSFER_RUN_FAILED, "1 hour(s) failed to load"
        + " and were not loaded since; the first: events hour 2026-11-28T08:00:00Z (transfer run e1): boom Fix"
        + " the cause, then load the hours again with a BigQueryBackfill over them (or bqexport.io/run-now for the"
        + " latest due hour).");
    assertCondition(status, ConditionType.READY, "False", Reasons.TRANSFER_RUN_FAILED,
        condition(status, ConditionType.DATA_FRESH).message());
    assertCondition(status, ConditionType.RECONCILING, "False", Reasons.RECONCILED, "");
  }

  @Test
  void aServiceProblemThatNeedsAPersonStallsAndKeepsWhatTheStatusKnew() {
    TransferObservation transfer = TransferObservation.failed(Problem.of(Reasons.TRANSFER_PERMISSION_DENIED,
        "could not list: permission bigquery.transfers.get denied"), false);

    BigQueryExportStatus status = assembler.assemble(export(previous()), seen(transfer), NOW);

    assertCondition(status, ConditionType.SCHEDULED, "False", Reasons.TRANSFER_PERMISSION_DENIED,
        "could not list: permission bigquery.transfers.get denied");
    assertCondition(status, ConditionType.STALLED, "True", Reasons.TRANSFER_PERMISSION_DENIED,
        "could not list: permission bigquery.transfers.get denied");
    assertThat(condition(status, ConditionType.READY).reason()).isEqualTo(Reasons.TRANSFER_PERMISSION_DENIED);
    assertThat(status.runs()).containsExactly(OLD_RUN);
    assertThat(status.exportedThrough()).isEqualTo("2026-11-28T06:00:00Z");
    assertThat(status.transfer()).isEqualTo(OLD_CONFIGS);
  }

  @Test
  void aTransientServiceProblemIsRetriedNotStalled() {
    TransferObservation transfer = TransferObservation.failed(Problem.of("TransferQuotaExceeded", "quota exceeded"),
        true);

    BigQueryExportStatus status = assembler.assemble(export(null), seen(transfer), NOW);

    assertCondition(status, ConditionType.SCHEDULED, "False", Reasons.NOT_SCHEDULED,
        "No transfer config could be made: quota exceeded");
    assertCondition(status, ConditionType.READY, "False", "TransferQuotaExceeded", "quota exceeded");
    assertCondition(status, ConditionType.RECONCILING, "True", "TransferQuotaExceeded",
        "Retrying the Transfer Service.");
    assertCondition(status, ConditionType.STALLED, "False", Reasons.RECONCILED, "");
    assertThat(status.runs()).isNull();
    assertThat(status.transfer()).isNull();
  }

  @Test
  void beforeAnyConfigIsMadeTheExportIsStillBeingReconciled() {
    BigQueryExportStatus status = assembler.assemble(export(previous()), seen(TransferObservation.notYet()), NOW);

    assertCondition(status, ConditionType.SCHEDULED, "False", Reasons.NOT_SCHEDULED,
        "The transfer configs are made once the credentials are valid.");
    assertThat(condition(status, ConditionType.READY).reason()).isEqualTo(Reasons.NOT_SCHEDULED);
    assertCondition(status, ConditionType.RECONCILING, "True", Reasons.NOT_SCHEDULED,
        "Working towards the desired state.");
    assertThat(status.runs()).containsExactly(OLD_RUN);
    assertThat(status.lastRun()).isEqualTo(OLD_RUN);
    assertThat(status.transfer()).isEqualTo(OLD_CONFIGS);
  }

  @Test
  void switchedBackToDirectTheConfigsLeaveTheStatus() {
    BigQueryExport export = export(previous());
    BigQueryExportStatus status = assembler.assemble(export, new ExportStatusAssembler.Observation(List.of(),
        SECRETS, VALIDATED, Optional.of(ExportCronJob.desired(export, "bqexport:test", false)), List.of(), null,
        null), NOW);

    assertThat(status.transfer()).isNull();
    assertThat(status.exportedThrough()).isEqualTo("2026-11-28T06:00:00Z");
  }

  private static BigQueryExport export(BigQueryExportStatus status) {
    BigQueryExport export = ExportFixtures.export("team-a", "product-events", "5 * * * *");
    export.setSpec(withStartFrom(export.getSpec(), "2026-11-28T08:00:00Z"));
    export.getMetadata().setGeneration(3L);
    export.setStatus(status);
    return export;
  }

  private static BigQueryExportStatus previous() {
    return new BigQueryExportStatus(2L, List.of(), null, "2026-11-28T06:00:00Z", 0L, OLD_RUN, OLD_RUN,
        List.of(OLD_RUN), null, null, null, null, OLD_CONFIGS);
  }

  private static ExportStatusAssembler.Observation seen(TransferObservation transfer) {
    return new ExportStatusAssembler.Observation(List.of(), SECRETS, VALIDATED, Optional.empty(), List.of(), null,
        null, transfer);
  }

  private static TransferObservation observation(List<TransferRun> events, List<TransferRun> merges) {
    return new TransferObservation(SCHEDULE, List.of(
        new TransferObservation.ConfigRuns("events", config(EVENTS), events),
        new TransferObservation.ConfigRuns("merge_ids_raw", config(MERGES), merges)), List.of(), null, false, null);
  }

  private static TransferConfig config(String name) {
    return TransferConfig.newBuilder().setName(name).setDisplayName("bqexport team-a/product-events x")
        .setSchedule(SCHEDULE.transferSchedule()).build();
  }
}
