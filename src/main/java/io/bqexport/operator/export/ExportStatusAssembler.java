package io.bqexport.operator.export;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.BigQueryExportStatus;
import io.bqexport.api.v1alpha1.CredentialsStatus;
import io.bqexport.api.v1alpha1.QuarantinedHourStatus;
import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.api.v1alpha1.RunRecord;
import io.bqexport.bigquery.CredentialProbe;
import io.bqexport.exporter.RunSummary;
import io.bqexport.operator.status.ConditionType;
import io.bqexport.operator.status.Conditions;
import io.bqexport.operator.status.Problem;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** Turns what one reconcile observed into the complete status of a BigQueryExport. The only place that sets it. */
public final class ExportStatusAssembler {
  /** How far ahead of this clock another's recorded time may be and still count (the API server's clock). */
  private static final java.time.Duration SKEW = java.time.Duration.ofMinutes(5);
  /** Failures that clear up by themselves; everything else needs a person. */
  private static final Set<String> TRANSIENT = Set.of(Reasons.DESTINATION_UNAVAILABLE, Reasons.SOURCE_UNAVAILABLE,
      Reasons.UNEXPECTED_RESPONSE, Reasons.VALIDATION_TIMED_OUT);
  private static final int MAX_DRIFT_KEYS = 50;

  /**
   * Everything the status is computed from.
   *
   * @param cronJob the CronJob as it is now (after this reconcile's write, if any)
   * @param applyProblem a child that could not be written (ApplyFailed, NameConflict), or null
   * @param transfer with delivery TransferService, what the Transfer Service showed; null with Direct
   */
  public record Observation(List<Problem> specProblems, ExportSecrets.Observation secrets,
      CredentialValidations.Outcome credentials, Optional<CronJob> cronJob, List<RunHistory.Run> runs,
      String runNowHandled, Problem applyProblem, TransferObservation transfer) {

    /** Direct delivery. */
    public Observation(List<Problem> specProblems, ExportSecrets.Observation secrets,
        CredentialValidations.Outcome credentials, Optional<CronJob> cronJob, List<RunHistory.Run> runs,
        String runNowHandled, Problem applyProblem) {
      this(specProblems, secrets, credentials, cronJob, runs, runNowHandled, applyProblem, null);
    }

    public static Observation invalidSpec(List<Problem> problems, Optional<CronJob> cronJob, Problem applyProblem) {
      return new Observation(problems, null, null, cronJob, List.of(), null, applyProblem);
    }

    /**
     * The runs the assembled status takes in, the only ones to label recorded: all observed ones when status.runs
     * merges them (also those spec.historyLimit trims, all older than the kept ones: unlabelled, they would be
     * observed at every reconcile), none while the status keeps its previous runs (an invalid spec, a missing or
     * unusable Secret), so that a run finishing then stays cached and is recorded once the status can take it in.
     */
    public List<RunHistory.Run> recorded() {
      return keepsPreviousRuns() ? List.of() : runs;
    }

    /** Only new conditions: the status keeps everything it said about runs and data. */
    private boolean keepsPreviousRuns() {
      return !specProblems.isEmpty() || !secrets.ok();
    }
  }

  public BigQueryExportStatus assemble(BigQueryExport export, Observation seen, Instant now) {
    BigQueryExportStatus previous = export.getStatus() != null ? export.getStatus()
        : new BigQueryExportStatus(null, null, null, null, null, null, null, null, null, null, null, null);
    Conditions conditions = new Conditions(previous.conditions(), export.getMetadata().getGeneration(), now);
    CredentialsStatus credentials = previous.credentials();
    String runNow = seen.runNowHandled() != null ? seen.runNowHandled() : previous.lastRunNow();

    if (!seen.specProblems().isEmpty()) {
      String message = seen.specProblems().stream().map(Problem::message).collect(Collectors.joining("; "));
      conditions.unknown(ConditionType.CREDENTIALS_VALID, Reasons.SPEC_INVALID, "Not checked until the spec is fixed.");
      if (seen.cronJob().isPresent() && seen.applyProblem() != null
          && Boolean.FALSE.equals(seen.cronJob().get().getSpec().getSuspend())) {
        // Suspending failed (an admission webhook, a quota): the last valid spec's runs go on; say so.
        conditions.set(ConditionType.SCHEDULED, true, seen.applyProblem().reason(), "CronJob "
            + seen.cronJob().get().getMetadata().getName() + " still runs the last valid spec: "
            + seen.applyProblem().message());
      } else if (seen.cronJob().isPresent()) {
        conditions.set(ConditionType.SCHEDULED, false, Reasons.SPEC_INVALID, "CronJob "
            + seen.cronJob().get().getMetadata().getName() + " is suspended until the spec is fixed.");
      } else {
        conditions.set(ConditionType.SCHEDULED, false, Reasons.SPEC_INVALID, "No CronJob until the spec is fixed.");
      }
      conditions.keep(ConditionType.DATA_FRESH); // the spec that defines freshness is the broken one
      stalled(conditions, seen.specProblems().get(0).reason(), message);
      return withConditions(previous, export, conditions, credentials, runNow);
    }
    if (!seen.secrets().ok()) {
      Problem problem = seen.secrets().problem();
      conditions.set(ConditionType.CREDENTIALS_VALID, false, problem.reason(), problem.message());
      scheduled(conditions, export, seen);
      conditions.keep(ConditionType.DATA_FRESH); // no run can start, so nothing new is known about the data
      stalled(conditions, problem.reason(), problem.message());
      // The observed runs wait (still cached, see Observation#recorded) until the Secrets are usable again.
      return withConditions(previous, export, conditions, null, runNow);
    }

    // Credentials.
    CredentialValidations.Outcome outcome = seen.credentials();
    // A first probe, or one of a changed spec or Secret: the last result says nothing about the current inputs.
    // Periodic re-validations of unchanged inputs keep the last result in force meanwhile.
    boolean validating = outcome.result() == null || outcome.changePending();
    CredentialProbe.Result result = validating ? null : outcome.result();
    boolean credentialsValid = result != null && result.ok();
    boolean stalled = false;
    String stallReason = null;
    String stallMessage = null;
    if (validating) {
      conditions.unknown(ConditionType.CREDENTIALS_VALID, Reasons.VALIDATING, "Running the test upload with "
          + (seen.secrets().key() == null ? "Workload Identity" : "the key of " + seen.secrets().key().clientEmail())
          + (outcome.changePending() ? " for the changed spec or Secret; until"
          + " it passes, the CronJob keeps the last validated configuration." : "."));
    } else if (credentialsValid) {
      conditions.set(ConditionType.CREDENTIALS_VALID, true, Reasons.VALIDATED, result.message());
      Instant validatedAt = outcome.finishedAt() != null ? outcome.finishedAt() : now;
      var key = seen.secrets().key();
      credentials = key == null
          ? new CredentialsStatus(result.serviceAccount(), null, null,
              validatedAt.truncatedTo(ChronoUnit.SECONDS).toString(), seen.secrets().versions())
          : new CredentialsStatus(key.clientEmail(), key.projectId(), key.fingerprint(),
              validatedAt.truncatedTo(ChronoUnit.SECONDS).toString(), seen.secrets().versions());
    } else {
      String retry = outcome.retryAt() == null ? "" : " Checked again at " + outcome.retryAt()
          .truncatedTo(ChronoUnit.SECONDS) + ", or as soon as the spec or a Secret changes.";
      conditions.set(ConditionType.CREDENTIALS_VALID, false, result.reason(), result.message() + retry);
      stalled = !TRANSIENT.contains(result.reason());
      stallReason = result.reason();
      stallMessage = result.message();
    }

    scheduled(conditions, export, seen);

    // Runs and data.
    TransferObservation transfer = seen.transfer();
    boolean transferSeen = transfer != null && !transfer.configs().isEmpty();
    List<RunRecord> runs = transfer == null
        ? RunHistory.merge(LostRuns.closed(previous.runs(), seen.runs(), now), seen.runs(),
            export.getSpec().historyLimit())
        : transferSeen ? transfer.records(export.getSpec().historyLimit())
        : previous.runs() == null ? List.of() : previous.runs();
    List<RunHistory.Run> current = notSuperseded(seen.runs(), previous.runs(), now);
    // A previous value that is no time (an edited status) counts as nothing exported, rather than failing here.
    String exportedThrough = transfer == null ? latestSummary(current).map(RunSummary::exportedThrough)
        .filter(t -> t != null).orElse(RunHistory.instant(previous.exportedThrough()).isPresent()
            ? previous.exportedThrough() : null)
        : transferSeen ? transfer.loadedThrough(ExporterConfigMap.startFrom(export, now)).map(Instant::toString).orElse(null) : previous.exportedThrough();
    Freshness freshness = Freshness.of(ExporterConfigMap.startFrom(export, now),
        RunHistory.instant(exportedThrough).orElse(null), export.getSpec().availabilityDelay(),
        export.getSpec().freshnessThreshold(), now);
    RunRecord lastRun = runs.isEmpty() ? previous.lastRun() : runs.get(0);
    RunRecord lastSuccess = runs.stream().filter(r -> RunSummary.SUCCEEDED.equals(r.result())).findFirst()
        .orElse(previous.lastSuccessfulRun());
    List<TransferObservation.FailedHour> failedHours = transferSeen ? transfer.failedHours() : List.of();
    if (!failedHours.isEmpty()) {
      TransferObservation.FailedHour first = failedHours.get(0);
      conditions.set(ConditionType.DATA_FRESH, false, Reasons.TRANSFER_RUN_FAILED, failedHours.size()
          + " hour(s) failed to load and were not loaded since; the first: " + first.table() + " hour "
          + first.hour() + " (transfer run " + first.run() + "): " + first.message() + " Fix the cause, then load"
          + " the hours again with a BigQueryBackfill over them (or bqexport.io/run-now for the latest due hour).");
    } else if (freshness.fresh()) {
      conditions.set(ConditionType.DATA_FRESH, true, freshness.lag().isZero() && exportedThrough == null
          ? Reasons.NOTHING_DUE_YET : Reasons.FRESH, freshness.lag().isZero() && exportedThrough == null
          ? "No hour is due yet; the first is due at " + freshness.reevaluateAt() + "."
          : "Exported through " + (exportedThrough == null ? "nothing yet (startFrom "
              + ExporterConfigMap.startFrom(export, now) + ")" : exportedThrough) + "; hours are due through "
              + freshness.dueThrough() + (exportedThrough == null ? ", within spec.freshnessThreshold ("
              + export.getSpec().freshnessThreshold() + ")" : "") + ".");
    } else {
      conditions.set(ConditionType.DATA_FRESH, false, Reasons.STALE, "Exported through "
          + (exportedThrough == null ? "nothing yet (startFrom " + ExporterConfigMap.startFrom(export, now) + ")"
              : exportedThrough) + ", but hours are due through " + freshness.dueThrough() + ": "
          + freshness.missingHours() + " hour(s) behind, more than spec.freshnessThreshold ("
          + export.getSpec().freshnessThreshold() + ")." + lastRunHint(lastRun));
    }

    // Summary conditions.
    Problem applyProblem = seen.applyProblem();
    Problem transferProblem = transfer == null ? null : transfer.problem();
    if (stalled) {
      stalled(conditions, stallReason, stallMessage);
    } else if (transferProblem != null && !transfer.transientProblem()) {
      conditions.set(ConditionType.SCHEDULED, false, transferProblem.reason(), transferProblem.message());
      stalled(conditions, transferProblem.reason(), transferProblem.message());
    } else if (transferProblem != null) {
      conditions.set(ConditionType.READY, false, transferProblem.reason(), transferProblem.message());
      conditions.set(ConditionType.RECONCILING, true, transferProblem.reason(), "Retrying the Transfer Service.");
      conditions.set(ConditionType.STALLED, false, Reasons.RECONCILED, "");
    } else if (applyProblem != null && Reasons.NAME_CONFLICT.equals(applyProblem.reason())) {
      stalled(conditions, applyProblem.reason(), applyProblem.message());
    } else if (applyProblem != null) {
      conditions.set(ConditionType.READY, false, applyProblem.reason(), applyProblem.message());
      conditions.set(ConditionType.RECONCILING, true, applyProblem.reason(), "Retrying the write.");
      conditions.set(ConditionType.STALLED, false, Reasons.RECONCILED, "");
    } else if (validating) {
      conditions.unknown(ConditionType.READY, Reasons.VALIDATING, "Validating the credentials and destination of "
          + (outcome.changePending() ? "the changed spec or Secret." : "the export."));
      conditions.set(ConditionType.RECONCILING, true, Reasons.VALIDATING, "Working towards the desired state.");
      conditions.set(ConditionType.STALLED, false, Reasons.RECONCILED, "");
    } else {
      String first = firstFalse(conditions);
      if (first == null) {
        conditions.set(ConditionType.READY, true, Reasons.READY, "Credentials valid, scheduled, data fresh"
            + (exportedThrough == null ? "." : " through " + exportedThrough + "."));
      } else {
        var failing = conditions.get(first).orElseThrow();
        conditions.set(ConditionType.READY, false, failing.reason(), failing.message());
      }
      boolean working = (transfer == null ? seen.cronJob().isEmpty() : !transferSeen) || !credentialsValid;
      conditions.set(ConditionType.RECONCILING, working, working
          ? conditions.get(ConditionType.READY).orElseThrow().reason() : Reasons.RECONCILED,
          working ? "Working towards the desired state." : "");
      conditions.set(ConditionType.STALLED, false, Reasons.RECONCILED, "");
    }
    return new BigQueryExportStatus(export.getMetadata().getGeneration(), conditions.list(), credentials,
        exportedThrough, freshness.missingHours(), lastRun, lastSuccess, runs.isEmpty() ? null : runs,
        drift(previous.schemaDrift(), seen.runs()), runNow, quarantined(previous, current),
        IntegrityProgress.next(previous.integrity(), IntegrityProgress.newlyReported(previous.runs(), seen.runs(),
            runs), current), transfer == null ? null : transferSeen ? transfer.status() : previous.transfer());
  }

  /**
   * The quarantine as the run that finished last reported it (hour, reason, since); an empty report clears it (the
   * hours were retried), a run without the field keeps the last one.
   */
  private static List<QuarantinedHourStatus> quarantined(BigQueryExportStatus previous, List<RunHistory.Run> runs) {
    Optional<List<RunSummary.Quarantined>> reported = latestSummary(runs).map(RunSummary::quarantined);
    if (reported.isEmpty()) {
      return previous.quarantinedHours();
    }
    return reported.get().isEmpty() ? null : reported.get().stream()
        .map(q -> new QuarantinedHourStatus(q.hour(), q.reason(), q.since(), q.failures())).toList();
  }

  /**
   * What the CronJob does now, which is not necessarily what the spec says (a write failed, a change is being
   * validated, or a Secret is unusable).
   */
  private static void scheduled(Conditions conditions, BigQueryExport export, Observation seen) {
    if (seen.transfer() != null) {
      transferScheduled(conditions, seen.transfer());
      return;
    }
    CronJob cronJob = seen.cronJob().orElse(null);
    if (cronJob == null) {
      conditions.set(ConditionType.SCHEDULED, false, Reasons.NOT_SCHEDULED, "The CronJob is being created.");
    } else if (!Boolean.FALSE.equals(cronJob.getSpec().getSuspend())) {
      if (export.getSpec().suspend()) {
        conditions.set(ConditionType.SCHEDULED, false, Reasons.SUSPENDED, "spec.suspend is true: no run starts.");
      } else {
        conditions.set(ConditionType.SCHEDULED, false, Reasons.CREDENTIALS_NOT_VALID,
            "The CronJob stays suspended until the credentials are valid.");
      }
    } else {
      conditions.set(ConditionType.SCHEDULED, true, Reasons.SCHEDULED, "CronJob " + cronJob.getMetadata().getName()
          + " runs on \"" + cronJob.getSpec().getSchedule() + "\"" + (cronJob.getSpec().getTimeZone() == null ? ""
          : " in " + cronJob.getSpec().getTimeZone()) + ".");
    }
  }

  /** Scheduled by the Transfer Service: its configs exist and run on their schedule. */
  private static void transferScheduled(Conditions conditions, TransferObservation transfer) {
    if (transfer.configs().isEmpty()) {
      conditions.set(ConditionType.SCHEDULED, false, Reasons.NOT_SCHEDULED, transfer.problem() != null
          ? "No transfer config could be made: " + transfer.problem().message()
          : "The transfer configs are made once the credentials are valid.");
    } else {
      conditions.set(ConditionType.SCHEDULED, true, Reasons.SCHEDULED, "The Transfer Service runs "
          + transfer.configs().stream().map(c -> c.config().getName() + " (" + c.table() + ")").toList()
          + " on \"" + transfer.configs().get(0).config().getSchedule() + "\".");
    }
  }

  private static String firstFalse(Conditions conditions) {
    for (String type : List.of(ConditionType.CREDENTIALS_VALID, ConditionType.SCHEDULED, ConditionType.DATA_FRESH)) {
      if (!conditions.isTrue(type)) {
        return type;
      }
    }
    return null;
  }

  private static String lastRunHint(RunRecord lastRun) {
    if (lastRun == null) {
      return " No run has finished yet.";
    }
    return " Last run " + lastRun.job() + ": " + lastRun.result()
        + (lastRun.reason() == null ? "" : " (" + lastRun.reason() + ")") + ".";
  }

  /**
   * The observed runs that finished after every other run status.runs holds as finished. The cache holds only runs
   * not yet recorded ({@link FinishedRuns}), so an older run can be observed alone (its label lost, a restart
   * midway through labelling): its summary must not take exportedThrough, the quarantine or verifiedThrough back to
   * what they were when it finished.
   */
  private static List<RunHistory.Run> notSuperseded(List<RunHistory.Run> observed, List<RunRecord> recorded,
      Instant now) {
    if (recorded == null) {
      return observed;
    }
    return observed.stream().filter(run -> recorded.stream()
        .noneMatch(r -> !r.job().equals(run.record().job()) && finishedAfter(r, run.record(), now))).toList();
  }

  /**
   * Whether {@code recorded} finished after {@code run}. Completion times have whole seconds: in the same second the
   * one started later counts as later. A time that is no time, or later than now (an edited status, a skewed
   * clock), counts as nothing: it would hold every new run back for as long as it stays in the history.
   */
  private static boolean finishedAfter(RunRecord recorded, RunRecord run, Instant now) {
    Optional<Instant> done = RunHistory.instant(recorded.completionTime()).filter(t -> !t.isAfter(now.plus(SKEW)));
    Optional<Instant> runDone = RunHistory.instant(run.completionTime());
    if (done.isEmpty() || runDone.isEmpty()) {
      return false;
    }
    int order = done.get().compareTo(runDone.get());
    return order > 0 || order == 0 && RunHistory.instant(recorded.startTime()).flatMap(start -> RunHistory
        .instant(run.startTime()).map(start::isAfter)).orElse(false);
  }

  /** The summary of the run that finished last: its exportedThrough is the ledger's watermark at that time. */
  private static Optional<RunSummary> latestSummary(List<RunHistory.Run> runs) {
    return runs.stream().filter(r -> r.summary().isPresent() && r.summary().get().finishedAt() != null)
        .max(Comparator.comparing(r -> r.summary().get().finishedAt()))
        .flatMap(RunHistory.Run::summary);
  }

  private static List<String> drift(List<String> previous, List<RunHistory.Run> runs) {
    TreeSet<String> keys = new TreeSet<>();
    if (previous != null) {
      keys.addAll(previous);
    }
    runs.forEach(r -> r.summary().ifPresent(s -> {
      if (s.schemaDrift() != null) {
        keys.addAll(s.schemaDrift());
      }
    }));
    return keys.isEmpty() ? null : keys.stream().limit(MAX_DRIFT_KEYS).toList();
  }

  private static BigQueryExportStatus withConditions(BigQueryExportStatus previous, BigQueryExport export,
      Conditions conditions, CredentialsStatus credentials, String runNow) {
    return new BigQueryExportStatus(export.getMetadata().getGeneration(), conditions.list(), credentials,
        previous.exportedThrough(), previous.missingHours(), previous.lastRun(), previous.lastSuccessfulRun(),
        previous.runs(), previous.schemaDrift(), runNow, previous.quarantinedHours(), previous.integrity(),
        previous.transfer());
  }

  private static void stalled(Conditions conditions, String reason, String message) {
    conditions.set(ConditionType.READY, false, reason, message);
    conditions.set(ConditionType.RECONCILING, false, reason, "Waiting for the problem to be fixed.");
    conditions.set(ConditionType.STALLED, true, reason, message);
  }
}
