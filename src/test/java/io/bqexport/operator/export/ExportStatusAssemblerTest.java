package io.bqexport.operator.export;

import static io.bqexport.testing.ExportSpecs.withStartFrom;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.BigQueryExportSpec;
import io.bqexport.api.v1alpha1.BigQueryExportStatus;
import io.bqexport.api.v1alpha1.Condition;
import io.bqexport.api.v1alpha1.CredentialsStatus;
import io.bqexport.api.v1alpha1.QuarantinedHourStatus;
import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.api.v1alpha1.RunRecord;
import io.bqexport.bigquery.CredentialProbe;
import io.bqexport.bigquery.ServiceAccountKeyInfo;
import io.bqexport.exporter.RunSummary;
import io.bqexport.operator.status.ConditionType;
import io.bqexport.operator.status.Problem;
import io.bqexport.testing.ExportFixtures;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The status a user reads, from one reconcile's observation, without any server: each condition's status, reason and
 * message for the spec, Secret, credential, schedule, freshness and write outcomes, and what the status keeps of runs.
 */
class ExportStatusAssemblerTest {
  private static final Instant NOW = Instant.parse("2026-11-28T12:34:56.789Z");
  private static final ServiceAccountKeyInfo KEY =
      new ServiceAccountKeyInfo("writer@proj.iam.gserviceaccount.com", "proj", "ab:cd:ef");
  private static final ExportSecrets.Observation SECRETS =
      new ExportSecrets.Observation(null, KEY, (ExportSecrets.Values) null, "bq-writer=7,amplitude-prod=3");
  private static final CredentialProbe.Result VALID = new CredentialProbe.Result(true, Reasons.VALIDATED,
      "Test upload to proj.amplitude succeeded.", "writer@proj.iam.gserviceaccount.com", "proj");
  private static final CredentialValidations.Outcome VALIDATED =
      new CredentialValidations.Outcome(VALID, Instant.parse("2026-11-28T12:30:01.500Z"), false, null, false);

  private final ExportStatusAssembler assembler = new ExportStatusAssembler();

  private static BigQueryExport export() {
    BigQueryExport export = ExportFixtures.export("team-a", "product-events", "CRON_TZ=Europe/Berlin 5 * * * *");
    export.setSpec(withStartFrom(export.getSpec(), "2026-11-28T00:00:00Z"));
    export.getMetadata().setGeneration(3L);
    return export;
  }

  private static CronJob cronJob(BigQueryExport export, boolean suspended) {
    return ExportCronJob.desired(export, "bqexport:test", suspended);
  }

  private static ExportStatusAssembler.Observation seen(BigQueryExport export, CredentialValidations.Outcome outcome,
      List<RunHistory.Run> runs, Problem applyProblem) {
    return new ExportStatusAssembler.Observation(List.of(), SECRETS, outcome,
        Optional.of(cronJob(export, outcome != VALIDATED)), runs, null, applyProblem);
  }

  static Condition condition(BigQueryExportStatus status, String type) {
    return status.conditions().stream().filter(c -> c.type().equals(type)).findFirst().orElseThrow();
  }

  static void assertCondition(BigQueryExportStatus status, String type, String value, String reason,
      String message) {
    Condition c = condition(status, type);
    assertThat(List.of(c.status(), c.reason(), c.message())).as(type).containsExactly(value, reason, message);
  }

  private static RunSummary summary(String result, String exportedThrough, String finishedAt, List<String> drift,
      List<RunSummary.Quarantined> quarantined) {
    return new RunSummary(result, null, null, 0, "recurring", null, List.of(), 1, 10, 100, exportedThrough, 0,
        drift, finishedAt, finishedAt, 0, 0, 0, quarantined);
  }

  private static RunHistory.Run run(String job, String start, String result, RunSummary summary) {
    return new RunHistory.Run(new RunRecord(job, job + "-pod", "Scheduled", start, null, result, null, null, null,
        null, null, RunSummary.FAILED.equals(result) ? "OOMKilled" : null, null), Optional.ofNullable(summary));
  }

  private static BigQueryExportStatus previous(String exportedThrough, List<RunRecord> runs,
      CredentialsStatus credentials, List<Condition> conditions) {
    return new BigQueryExportStatus(2L, conditions, credentials, exportedThrough, 0L,
        runs.isEmpty() ? null : runs.get(0), null, runs, List.of("z_old"), "run-1",
        List.of(new QuarantinedHourStatus("2026-11-27T05:00:00Z", Reasons.LOAD_REJECTED, "2026-11-27T09:00:00Z", 3L)),
        null);
  }

  @Test
  void aValidatedScheduledAndFreshExportIsReadyAndCarriesTheIdentityWithoutSecretMaterial() {
    BigQueryExport export = export();
    RunHistory.Run run = run("product-events-1", "2026-11-28T12:05:00Z", RunSummary.SUCCEEDED,
        summary(RunSummary.SUCCEEDED, "2026-11-28T10:00:00Z", "2026-11-28T12:06:00Z", List.of(), null));

    BigQueryExportStatus status = assembler.assemble(export, seen(export, VALIDATED, List.of(run), null), NOW);

    assertCondition(status, ConditionType.CREDENTIALS_VALID, "True", Reasons.VALIDATED,
        "Test upload to proj.amplitude succeeded.");
    assertCondition(status, ConditionType.SCHEDULED, "True", Reasons.SCHEDULED,
        "CronJob product-events runs on \"5 * * * *\" in Europe/Berlin.");
    assertCondition(status, ConditionType.DATA_FRESH, "True", Reasons.FRESH,
        "Exported through 2026-11-28T10:00:00Z; hours are due through 2026-11-28T10:00:00Z.");
    assertCondition(status, ConditionType.READY, "True", Reasons.READY,
        "Credentials valid, scheduled, data fresh through 2026-11-28T10:00:00Z.");
    assertCondition(status, ConditionType.RECONCILING, "False", Reasons.RECONCILED, "");
    assertCondition(status, ConditionType.STALLED, "False", Reasons.RECONCILED, "");
    assertThat(status.observedGeneration()).isEqualTo(3L);
    assertThat(status.credentials()).isEqualTo(new CredentialsStatus("writer@proj.iam.gserviceaccount.com", "proj",
        "ab:cd:ef", "2026-11-28T12:30:01Z", "bq-writer=7,amplitude-prod=3"));
    assertThat(status.exportedThrough()).isEqualTo("2026-11-28T10:00:00Z");
    assertThat(status.missingHours()).isZero();
    assertThat(status.lastRun().job()).isEqualTo("product-events-1");
    assertThat(status.lastSuccessfulRun().job()).isEqualTo("product-events-1");
    assertThat(status.schemaDrift()).isNull();
    assertThat(status.quarantinedHours()).isNull();
  }

  @Test
  void withWorkloadIdentityTheValidatedIdentityIsTheProbesServiceAccountAndTheTimeIsNowWhenUnknown() {
    BigQueryExport export = export();
    var ambient = new ExportSecrets.Observation(null, null, (ExportSecrets.Values) null, "amplitude-prod=3");
    var outcome = new CredentialValidations.Outcome(new CredentialProbe.Result(true, Reasons.VALIDATED, "ok",
        "exporter@proj.iam.gserviceaccount.com", "proj"), null, false, null, false);

    BigQueryExportStatus status = assembler.assemble(export, new ExportStatusAssembler.Observation(List.of(), ambient,
        outcome, Optional.of(cronJob(export, false)), List.of(), null, null), NOW);

    assertThat(status.credentials()).isEqualTo(new CredentialsStatus("exporter@proj.iam.gserviceaccount.com", null,
        null, "2026-11-28T12:34:56Z", "amplitude-prod=3"));

    var first = new CredentialValidations.Outcome(null, null, true, null, false);
    BigQueryExportStatus validating = assembler.assemble(export, new ExportStatusAssembler.Observation(List.of(),
        ambient, first, Optional.of(cronJob(export, true)), List.of(), null, null), NOW);
    assertCondition(validating, ConditionType.CREDENTIALS_VALID, "Unknown", Reasons.VALIDATING,
        "Running the test upload with Workload Identity.");
  }

  @Test
  void theFirstCredentialCheckKeepsTheExportReconcilingWithTheCronJobSuspended() {
    BigQueryExport export = export();
    var first = new CredentialValidations.Outcome(null, null, true, null, false);

    BigQueryExportStatus status = assembler.assemble(export, seen(export, first, List.of(), null), NOW);

    assertCondition(status, ConditionType.CREDENTIALS_VALID, "Unknown", Reasons.VALIDATING,
        "Running the test upload with the key of writer@proj.iam.gserviceaccount.com.");
    assertCondition(status, ConditionType.SCHEDULED, "False", Reasons.CREDENTIALS_NOT_VALID,
        "The CronJob stays suspended until the credentials are valid.");
    assertCondition(status, ConditionType.READY, "Unknown", Reasons.VALIDATING,
        "Validating the credentials and destination of the export.");
    assertCondition(status, ConditionType.RECONCILING, "True", Reasons.VALIDATING,
        "Working towards the desired state.");
    assertCondition(status, ConditionType.STALLED, "False", Reasons.RECONCILED, "");
    assertThat(status.credentials()).isNull();
  }

  @Test
  void aChangedSpecIsValidatedAgainWhileTheLastValidatedIdentityStays() {
    BigQueryExport export = export();
    CredentialsStatus before = new CredentialsStatus("writer@proj.iam.gserviceaccount.com", "proj", "ab:cd:ef",
        "2026-11-28T06:00:00Z", "bq-writer=6,amplitude-prod=3");
    export.setStatus(previous("2026-11-28T10:00:00Z", List.of(), before, null));
    var changed = new CredentialValidations.Outcome(VALID, Instant.parse("2026-11-28T06:00:00Z"), true, null, true);

    BigQueryExportStatus status = assembler.assemble(export, seen(export, changed, List.of(), null), NOW);

    assertCondition(status, ConditionType.CREDENTIALS_VALID, "Unknown", Reasons.VALIDATING,
        "Running the test upload with the key of writer@proj.iam.gserviceaccount.com for the changed spec or Secret;"
            + " until it passes, the CronJob keeps the last validated configuration.");
    assertCondition(status, ConditionType.READY, "Unknown", Reasons.VALIDATING,
        "Validating the credentials and destination of the changed spec or Secret.");
    assertThat(status.credentials()).isEqualTo(before);
  }

  @Test
  void aPermanentCredentialFailureStallsAndSaysWhenItIsCheckedAgain() {
    BigQueryExport export = export();
    var denied = new CredentialValidations.Outcome(new CredentialProbe.Result(false, Reasons.PERMISSION_DENIED,
        "writer@proj.iam.gserviceaccount.com may not create tables in proj.amplitude; grant"
            + " roles/bigquery.dataEditor.", null, null), NOW, false, Instant.parse("2026-11-28T13:04:56.789Z"), false);

    BigQueryExportStatus status = assembler.assemble(export, seen(export, denied, List.of(), null), NOW);

    String message = "writer@proj.iam.gserviceaccount.com may not create tables in proj.amplitude; grant"
        + " roles/bigquery.dataEditor.";
    assertCondition(status, ConditionType.CREDENTIALS_VALID, "False", Reasons.PERMISSION_DENIED, message
        + " Checked again at 2026-11-28T13:04:56Z, or as soon as the spec or a Secret changes.");
    assertCondition(status, ConditionType.SCHEDULED, "False", Reasons.CREDENTIALS_NOT_VALID,
        "The CronJob stays suspended until the credentials are valid.");
    assertCondition(status, ConditionType.READY, "False", Reasons.PERMISSION_DENIED, message);
    assertCondition(status, ConditionType.RECONCILING, "False", Reasons.PERMISSION_DENIED,
        "Waiting for the problem to be fixed.");
    assertCondition(status, ConditionType.STALLED, "True", Reasons.PERMISSION_DENIED, message);
  }

  @Test
  void aTemporaryCredentialFailureIsRetriedNotStalled() {
    BigQueryExport export = export();
    for (String reason : List.of(Reasons.DESTINATION_UNAVAILABLE, Reasons.SOURCE_UNAVAILABLE,
        Reasons.UNEXPECTED_RESPONSE, Reasons.VALIDATION_TIMED_OUT)) {
      var failed = new CredentialValidations.Outcome(new CredentialProbe.Result(false, reason, "BigQuery answered"
          + " 503.", null, null), NOW, false, null, false);

      BigQueryExportStatus status = assembler.assemble(export, seen(export, failed, List.of(), null), NOW);

      assertCondition(status, ConditionType.CREDENTIALS_VALID, "False", reason, "BigQuery answered 503.");
      assertCondition(status, ConditionType.READY, "False", reason, "BigQuery answered 503.");
      assertCondition(status, ConditionType.RECONCILING, "True", reason, "Working towards the desired state.");
      assertCondition(status, ConditionType.STALLED, "False", Reasons.RECONCILED, "");
    }
  }

  @Test
  void aSuspendedExportSaysSoAndIsNotReady() {
    BigQueryExport export = export();
    export.setSpec(new BigQueryExportSpec(export.getSpec().source(), export.getSpec().destination(), null,
        export.getSpec().schedule(), null, "2026-11-28T00:00:00Z", true, null, null, null, null, null));
    var seen = new ExportStatusAssembler.Observation(List.of(), SECRETS, VALIDATED,
        Optional.of(cronJob(export, true)), List.of(), null, null);

    BigQueryExportStatus status = assembler.assemble(export, seen, NOW);

    assertCondition(status, ConditionType.SCHEDULED, "False", Reasons.SUSPENDED,
        "spec.suspend is true: no run starts.");
    assertCondition(status, ConditionType.READY, "False", Reasons.SUSPENDED, "spec.suspend is true: no run starts.");
    assertCondition(status, ConditionType.RECONCILING, "False", Reasons.RECONCILED, "");
  }

  @Test
  void beforeTheCronJobExistsTheExportIsStillBeingReconciled() {
    BigQueryExport export = export();
    var seen = new ExportStatusAssembler.Observation(List.of(), SECRETS, VALIDATED, Optional.empty(), List.of(),
        null, null);

    BigQueryExportStatus status = assembler.assemble(export, seen, NOW);

    assertCondition(status, ConditionType.SCHEDULED, "False", Reasons.NOT_SCHEDULED, "The CronJob is being created.");
    assertCondition(status, ConditionType.READY, "False", Reasons.NOT_SCHEDULED, "The CronJob is being created.");
    assertCondition(status, ConditionType.RECONCILING, "True", Reasons.NOT_SCHEDULED,
        "Working towards the desired state.");
  }

  @Test
  void dataBehindByMoreThanTheThresholdIsStaleNamingTheHoursAndTheLastRun() {
    BigQueryExport export = export();
    RunHistory.Run failed = run("product-events-2", "2026-11-28T12:05:00Z", RunSummary.FAILED, null);
    export.setStatus(previous("2026-11-28T07:00:00Z", List.of(), null, null));

    BigQueryExportStatus status = assembler.assemble(export, seen(export, VALIDATED, List.of(failed), null), NOW);

    String message = "Exported through 2026-11-28T07:00:00Z, but hours are due through 2026-11-28T10:00:00Z:"
        + " 3 hour(s) behind, more than spec.freshnessThreshold (2h). Last run product-events-2: Failed (OOMKilled).";
    assertCondition(status, ConditionType.DATA_FRESH, "False", Reasons.STALE, message);
    assertCondition(status, ConditionType.READY, "False", Reasons.STALE, message);
    assertCondition(status, ConditionType.RECONCILING, "False", Reasons.RECONCILED, "");
    assertThat(status.missingHours()).isEqualTo(3L);
    assertThat(status.exportedThrough()).isEqualTo("2026-11-28T07:00:00Z");
  }

  @Test
  void nothingExportedYetButWithinTheThresholdIsFreshAndSaysNothingIsExported() {
    BigQueryExport export = export();
    export.setSpec(withStartFrom(export.getSpec(), "2026-11-28T09:00:00Z"));

    BigQueryExportStatus status = assembler.assemble(export, seen(export, VALIDATED, List.of(), null), NOW);

    assertCondition(status, ConditionType.DATA_FRESH, "True", Reasons.FRESH, "Exported through nothing yet"
        + " (startFrom 2026-11-28T09:00:00Z); hours are due through 2026-11-28T10:00:00Z, within"
        + " spec.freshnessThreshold (2h).");
  }

  @Test
  void nothingExportedAndNoRunYetSaysSoInTheStaleMessage() {
    BigQueryExport export = export();

    BigQueryExportStatus status = assembler.assemble(export, seen(export, VALIDATED, List.of(), null), NOW);

    assertCondition(status, ConditionType.DATA_FRESH, "False", Reasons.STALE, "Exported through nothing yet"
        + " (startFrom 2026-11-28T00:00:00Z), but hours are due through 2026-11-28T10:00:00Z: 10 hour(s) behind,"
        + " more than spec.freshnessThreshold (2h). No run has finished yet.");
    assertThat(status.runs()).isNull();
    assertThat(status.lastRun()).isNull();
  }

  @Test
  void aNewExportWithNoHourDueYetIsReadyAndSaysWhenTheFirstIsDue() {
    BigQueryExport export = export();
    export.setSpec(withStartFrom(export.getSpec(), "2026-11-28T11:00:00Z"));

    BigQueryExportStatus status = assembler.assemble(export, seen(export, VALIDATED, List.of(), null), NOW);

    assertCondition(status, ConditionType.DATA_FRESH, "True", Reasons.NOTHING_DUE_YET,
        "No hour is due yet; the first is due at 2026-11-28T13:00:00Z.");
    assertCondition(status, ConditionType.READY, "True", Reasons.READY, "Credentials valid, scheduled, data fresh.");
    assertThat(status.exportedThrough()).isNull();
  }

  @Test
  void runsMergeNewestFirstUpToTheHistoryLimitAndTheLatestFinishedSummaryDecides() {
    BigQueryExport export = export();
    export.setSpec(new BigQueryExportSpec(export.getSpec().source(), export.getSpec().destination(), null,
        export.getSpec().schedule(), null, "2026-11-28T00:00:00Z", null, 2, null, null, null, null));
    RunRecord oldest = run("product-events-0", "2026-11-28T09:05:00Z", RunSummary.SUCCEEDED, null).record();
    export.setStatus(previous("2026-11-28T07:00:00Z", List.of(oldest), null, null));
    var quarantined = List.of(new RunSummary.Quarantined("2026-11-28T03:00:00Z", Reasons.LOAD_REJECTED, "bad row",
        3, "2026-11-28T10:06:00Z"));
    RunHistory.Run later = run("product-events-2", "2026-11-28T11:05:00Z", RunSummary.FAILED,
        summary(RunSummary.FAILED, "2026-11-28T10:00:00Z", "2026-11-28T11:06:00Z", List.of("b_key"), quarantined));
    RunHistory.Run earlier = run("product-events-1", "2026-11-28T10:05:00Z", RunSummary.SUCCEEDED,
        summary(RunSummary.SUCCEEDED, "2026-11-28T09:00:00Z", "2026-11-28T10:06:00Z", List.of("a_key"), List.of()));

    RunHistory.Run running = run("product-events-3", "2026-11-28T12:05:00Z", RunHistory.RUNNING, null);
    BigQueryExportStatus status = assembler.assemble(export, new ExportStatusAssembler.Observation(List.of(),
        SECRETS, VALIDATED, Optional.of(cronJob(export, false)), List.of(earlier, running, later), "run-2", null),
        NOW);

    assertThat(status.runs()).extracting(RunRecord::job).containsExactly("product-events-3", "product-events-2");
    assertThat(status.lastRun().job()).isEqualTo("product-events-3");
    assertThat(status.lastSuccessfulRun()).as("none of the runs kept; the previous one").isNull();
    assertThat(status.exportedThrough()).as("the run that finished last").isEqualTo("2026-11-28T10:00:00Z");
    assertThat(status.schemaDrift()).containsExactly("a_key", "b_key", "z_old");
    assertThat(status.quarantinedHours()).containsExactly(new QuarantinedHourStatus("2026-11-28T03:00:00Z",
        Reasons.LOAD_REJECTED, "2026-11-28T10:06:00Z", 3L));
    assertThat(status.lastRunNow()).isEqualTo("run-2");
  }

  /**
   * A Running record whose Job no reconcile observes any more: its Job was deleted (by hand, by
   * ttlSecondsAfterFinished while the operator was down, with its CronJob). It is closed rather than left Running
   * until the history limit drops it, and only it: a run still observed and the finished ones stay as they are.
   */
  @Test
  void aRunStillRunningWhoseJobIsGoneIsClosedAsUnknownWhenTheOperatorNoticesAndStaysSo() {
    BigQueryExport export = export();
    RunRecord lost = run("product-events-3", "2026-11-28T12:05:00Z", RunHistory.RUNNING, null).record();
    RunHistory.Run stillRunning = run("product-events-2", "2026-11-28T11:05:00Z", RunHistory.RUNNING, null);
    RunRecord failed = run("product-events-1", "2026-11-28T10:05:00Z", RunSummary.FAILED, null).record();
    export.setStatus(previous("2026-11-28T09:00:00Z", List.of(lost, stillRunning.record(), failed), null, null));

    BigQueryExportStatus status = assembler.assemble(export, seen(export, VALIDATED, List.of(stillRunning), null),
        NOW);

    assertThat(status.runs()).extracting(RunRecord::job, RunRecord::result, RunRecord::reason,
        RunRecord::completionTime).containsExactly(
            tuple("product-events-3", "Unknown", "JobDeleted", "2026-11-28T12:34:56Z"),
            tuple("product-events-2", RunHistory.RUNNING, null, null),
            tuple("product-events-1", RunSummary.FAILED, "OOMKilled", null));
    assertThat(status.runs().get(0).message()).startsWith("Job product-events-3 was deleted before");
    assertThat(status.lastRun()).as("the Last-Result column").isEqualTo(status.runs().get(0));
    assertThat(status.exportedThrough()).as("a lost run reported nothing").isEqualTo("2026-11-28T09:00:00Z");

    export.setStatus(status);
    assertThat(assembler.assemble(export, seen(export, VALIDATED, List.of(), null), NOW.plusSeconds(3600)).runs())
        .as("closed once, when noticed").startsWith(status.runs().get(0));
  }

  @Test
  void aRunReportingNoQuarantineClearsItAndOneWithoutTheFieldKeepsIt() {
    BigQueryExport export = export();
    export.setStatus(previous("2026-11-28T09:00:00Z", List.of(), null, null));
    RunHistory.Run cleared = run("product-events-3", "2026-11-28T12:05:00Z", RunSummary.SUCCEEDED,
        summary(RunSummary.SUCCEEDED, "2026-11-28T10:00:00Z", "2026-11-28T12:06:00Z", null, List.of()));
    RunHistory.Run silent = run("product-events-3", "2026-11-28T12:05:00Z", RunSummary.SUCCEEDED,
        summary(RunSummary.SUCCEEDED, "2026-11-28T10:00:00Z", "2026-11-28T12:06:00Z", null, null));

    assertThat(assembler.assemble(export, seen(export, VALIDATED, List.of(cleared), null), NOW).quarantinedHours())
        .isNull();
    assertThat(assembler.assemble(export, seen(export, VALIDATED, List.of(silent), null), NOW).quarantinedHours())
        .isEqualTo(export.getStatus().quarantinedHours());
    assertThat(assembler.assemble(export, seen(export, VALIDATED, List.of(), null), NOW).lastRunNow())
        .isEqualTo("run-1");
    RunHistory.Run noWatermark = run("product-events-3", "2026-11-28T12:05:00Z", RunSummary.FAILED,
        summary(RunSummary.FAILED, null, "2026-11-28T12:06:00Z", null, null));
    assertThat(assembler.assemble(export, seen(export, VALIDATED, List.of(noWatermark), null), NOW)
        .exportedThrough()).as("a run that reports none keeps the last").isEqualTo("2026-11-28T09:00:00Z");
  }

  @Test
  void schemaDriftKeepsAtMostFiftyKeysInOrder() {
    BigQueryExport export = export();
    List<String> keys = new ArrayList<>(IntStream.range(0, 60).mapToObj(i -> "key_%02d".formatted(59 - i)).toList());
    RunHistory.Run run = run("product-events-1", "2026-11-28T12:05:00Z", RunSummary.SUCCEEDED,
        summary(RunSummary.SUCCEEDED, "2026-11-28T10:00:00Z", "2026-11-28T12:06:00Z", keys, null));

    List<String> drift = assembler.assemble(export, seen(export, VALIDATED, List.of(run), null), NOW).schemaDrift();

    assertThat(drift).hasSize(50).startsWith("key_00", "key_01").endsWith("key_49");
  }

  @Test
  void aFailedWriteIsRetriedAndANameConflictNeedsAPerson() {
    BigQueryExport export = export();
    Problem applyFailed = Problem.of(Reasons.APPLY_FAILED, "CronJob product-events could not be written: quota.");
    Problem conflict = Problem.of(Reasons.NAME_CONFLICT, "CronJob product-events exists and is not ours; rename"
        + " the export or delete the CronJob.");

    BigQueryExportStatus retried = assembler.assemble(export, seen(export, VALIDATED, List.of(), applyFailed), NOW);
    BigQueryExportStatus stalled = assembler.assemble(export, seen(export, VALIDATED, List.of(), conflict), NOW);

    assertCondition(retried, ConditionType.READY, "False", Reasons.APPLY_FAILED, applyFailed.message());
    assertCondition(retried, ConditionType.RECONCILING, "True", Reasons.APPLY_FAILED, "Retrying the write.");
    assertCondition(retried, ConditionType.STALLED, "False", Reasons.RECONCILED, "");
    assertCondition(stalled, ConditionType.READY, "False", Reasons.NAME_CONFLICT, conflict.message());
    assertCondition(stalled, ConditionType.STALLED, "True", Reasons.NAME_CONFLICT, conflict.message());
  }

  @Test
  void anUnusableSecretStallsDropsTheIdentityAndKeepsDataFreshAsItWas() {
    BigQueryExport export = export();
    Condition fresh = new Condition(ConditionType.DATA_FRESH, "True", Reasons.FRESH, "Exported through ...",
        "2026-11-28T08:00:00Z", 2L);
    export.setStatus(previous("2026-11-28T10:00:00Z", List.of(), new CredentialsStatus("a", "b", "c", "d", "e"),
        List.of(fresh)));
    Problem missing = Problem.of(Reasons.SECRET_NOT_FOUND, "Secret bq-writer (spec.destination.credentialsSecretRef)"
        + " does not exist in team-a; create it.");
    var seen = new ExportStatusAssembler.Observation(List.of(),
        new ExportSecrets.Observation(missing, null, (ExportSecrets.Values) null, null), null,
        Optional.of(cronJob(export, true)), List.of(), null, null);

    BigQueryExportStatus status = assembler.assemble(export, seen, NOW);

    assertCondition(status, ConditionType.CREDENTIALS_VALID, "False", Reasons.SECRET_NOT_FOUND, missing.message());
    assertCondition(status, ConditionType.STALLED, "True", Reasons.SECRET_NOT_FOUND, missing.message());
    assertCondition(status, ConditionType.SCHEDULED, "False", Reasons.CREDENTIALS_NOT_VALID,
        "The CronJob stays suspended until the credentials are valid.");
    assertThat(condition(status, ConditionType.DATA_FRESH)).isEqualTo(fresh);
    assertThat(status.credentials()).isNull();
    assertThat(status.exportedThrough()).isEqualTo("2026-11-28T10:00:00Z");
  }

  /**
   * Which runs the reconciler may label recorded: every observed one the history merged, also those historyLimit
   * trims (else they stay cached forever), and none while a Secret is missing (the status keeps its previous runs).
   */
  @Test
  void theRunsRecordedAreAllMergedOnesEvenTrimmedOnesAndNoneWhileASecretIsMissing() {
    BigQueryExport export = export();
    int limit = export.getSpec().historyLimit();
    List<RunHistory.Run> runs = java.util.stream.IntStream.range(0, limit + 2).mapToObj(i -> run("product-events-"
        + i, NOW.minusSeconds(3600L * (i + 1)).toString(), RunSummary.SUCCEEDED, null)).toList();
    var merged = seen(export, VALIDATED, runs, null);
    var withoutSecret = new ExportStatusAssembler.Observation(List.of(), new ExportSecrets.Observation(
        Problem.of(Reasons.SECRET_NOT_FOUND, "Secret bq-writer does not exist."), null, (ExportSecrets.Values) null,
        null), null, Optional.of(cronJob(export, true)), runs, null, null);

    assertThat(assembler.assemble(export, merged, NOW).runs()).hasSize(limit);
    assertThat(merged.recorded()).isEqualTo(runs);
    assertThat(assembler.assemble(export, withoutSecret, NOW).runs()).isNull();
    assertThat(withoutSecret.recorded()).isEmpty();
  }

  @Test
  void anInvalidSpecStallsWithEveryProblemAndKeepsWhatTheStatusKnew() {
    BigQueryExport export = export();
    RunRecord last = run("product-events-0", "2026-11-28T09:05:00Z", RunSummary.SUCCEEDED, null).record();
    export.setStatus(previous("2026-11-28T10:00:00Z", List.of(last), null, null));
    List<Problem> problems = List.of(Problem.of(Reasons.INVALID_SCHEDULE, "spec.schedule: 5 fields."),
        Problem.of(Reasons.INVALID_DURATION, "spec.availabilityDelay: use 2h."));

    BigQueryExportStatus suspended = assembler.assemble(export, ExportStatusAssembler.Observation.invalidSpec(
        problems, Optional.of(cronJob(export, true)), null), NOW);
    BigQueryExportStatus none = assembler.assemble(export, ExportStatusAssembler.Observation.invalidSpec(
        problems, Optional.empty(), null), NOW);

    String all = "spec.schedule: 5 fields.; spec.availabilityDelay: use 2h.";
    assertCondition(suspended, ConditionType.CREDENTIALS_VALID, "Unknown", Reasons.SPEC_INVALID,
        "Not checked until the spec is fixed.");
    assertCondition(suspended, ConditionType.SCHEDULED, "False", Reasons.SPEC_INVALID,
        "CronJob product-events is suspended until the spec is fixed.");
    assertCondition(suspended, ConditionType.STALLED, "True", Reasons.INVALID_SCHEDULE, all);
    assertCondition(suspended, ConditionType.READY, "False", Reasons.INVALID_SCHEDULE, all);
    assertThat(suspended.runs()).containsExactly(last);
    assertThat(suspended.exportedThrough()).isEqualTo("2026-11-28T10:00:00Z");
    assertThat(suspended.lastRunNow()).isEqualTo("run-1");
    assertThat(suspended.observedGeneration()).isEqualTo(3L);
    assertCondition(none, ConditionType.SCHEDULED, "False", Reasons.SPEC_INVALID,
        "No CronJob until the spec is fixed.");
  }

  @Test
  void anInvalidSpecWhoseSuspendCouldNotBeWrittenSaysTheOldScheduleRunsOn() {
    BigQueryExport export = export();
    Problem refused = Problem.of(Reasons.APPLY_FAILED, "admission webhook denied the CronJob.");

    BigQueryExportStatus status = assembler.assemble(export, ExportStatusAssembler.Observation.invalidSpec(
        List.of(Problem.of(Reasons.INVALID_SCHEDULE, "spec.schedule: 5 fields.")),
        Optional.of(cronJob(export, false)), refused), NOW);

    assertCondition(status, ConditionType.SCHEDULED, "True", Reasons.APPLY_FAILED,
        "CronJob product-events still runs the last valid spec: admission webhook denied the CronJob.");
    assertCondition(status, ConditionType.STALLED, "True", Reasons.INVALID_SCHEDULE, "spec.schedule: 5 fields.");
  }
}
