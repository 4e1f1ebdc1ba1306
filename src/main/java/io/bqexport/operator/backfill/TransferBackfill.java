package io.bqexport.operator.backfill;

import com.google.auth.Credentials;
import com.google.cloud.bigquery.datatransfer.v1.TransferConfig;
import com.google.cloud.bigquery.datatransfer.v1.TransferRun;
import io.bqexport.api.v1alpha1.BackfillMode;
import io.bqexport.api.v1alpha1.BigQueryBackfill;
import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.api.v1alpha1.SpecDurations;
import io.bqexport.exporter.ExporterConfig;
import io.bqexport.operator.export.AmbientCredentials;
import io.bqexport.operator.export.ExportSecrets;
import io.bqexport.operator.export.ExporterConfigMap;
import io.bqexport.operator.export.TransferDelivery;
import io.bqexport.operator.status.Problem;
import io.bqexport.transfer.TransferClient;
import io.bqexport.transfer.TransferClients;
import io.bqexport.transfer.TransferConfigSpec;
import io.bqexport.transfer.TransferFailure;
import io.bqexport.transfer.TransferSchedule;
import io.bqexport.transfer.TransferSpecException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A backfill of an export with delivery TransferService: no Job; manual transfer runs over the range in the
 * export's transfer configs (which the export creates; the backfill finds them by display name and waits for them),
 * started once and recorded in status, then followed until every hour's run has ended.
 *
 * <p>Modes: FillGaps requests a run for every hour of the range that has no succeeded or running run yet. Replace is
 * refused: the Transfer Service only appends (write_disposition APPEND), so it cannot replace an hour's rows.
 */
final class TransferBackfill {
  /** How often running transfer runs are looked at: the service sends the operator no events. */
  static final Duration POLL = Duration.ofSeconds(15);
  /** After a failed Transfer Service call: a permission granted or an API enabled is seen within this. */
  static final Duration RETRY = Duration.ofMinutes(1);
  /**
   * At most this many hours: each hour is one load job per table, and BigQuery allows 1,500 load jobs per table per
   * day; the hourly transfer and retries need the rest (as {@link BackfillSpecValidator#MAX_CHUNKS} for chunks).
   */
  static final int MAX_HOURS = BackfillSpecValidator.MAX_CHUNKS;

  private final TransferClients transfers;
  private final AmbientCredentials ambient;
  private final ExportSecrets secrets;

  TransferBackfill(TransferClients transfers, AmbientCredentials ambient, ExportSecrets secrets) {
    this.transfers = transfers;
    this.ambient = ambient;
    this.secrets = secrets;
  }

  /**
   * What one reconcile did and saw.
   *
   * @param configs the configs whose runs were started, so far (recorded in status)
   * @param progress the runs' progress, once started
   * @param recheckAfter when to look again, if the outcome may change by itself
   */
  record Outcome(List<Problem> problems, BackfillStatusAssembler.Waiting waiting, List<String> configs,
      Optional<BackfillChunks> progress, Optional<Duration> recheckAfter) {

    static Outcome problem(List<String> configs, String reason, String message, Duration recheckAfter) {
      return new Outcome(List.of(Problem.of(reason, message)), null, configs, Optional.empty(),
          Optional.ofNullable(recheckAfter));
    }
  }

  /**
   * One reconcile of a backfill whose export has delivery TransferService.
   *
   * @param specValid no problem was found with the spec or the range (else only what status recorded is kept)
   * @param credentialsValid the export's credentials are valid for its current spec: runs start only then
   */
  Outcome step(BigQueryBackfill backfill, BigQueryExport export, boolean specValid, boolean credentialsValid,
      Instant now) {
    var previous = backfill.getStatus();
    List<String> started = previous == null || previous.transferConfigs() == null ? List.of()
        : previous.transferConfigs();
    if (!specValid) {
      return new Outcome(List.of(), null, started, Optional.empty(), Optional.empty());
    }
    if (started.isEmpty() && !credentialsValid) {
      return new Outcome(List.of(), BackfillStatusAssembler.Waiting.forCredentials(export.getMetadata().getName()),
          started, Optional.empty(), Optional.empty());
    }
    return reconcile(backfill, export, started, previous == null ? null : previous.startTime(), now);
  }

  /**
   * @param started the configs recorded in status as started (empty before)
   * @param startTime the backfill's recorded start time, or null
   */
  private Outcome reconcile(BigQueryBackfill backfill, BigQueryExport export, List<String> started, String startTime,
      Instant now) {
    String exportName = export.getMetadata().getName();
    List<String> configs = new ArrayList<>(started);
    List<TransferConfigSpec> specs;
    TransferBackfillPlan plan;
    ExportSecrets.Observation keys = secrets.observe(export, Set.of());
    if (!keys.ok()) {
      return Outcome.problem(configs, keys.problem().reason(), "BigQueryExport " + exportName + ": "
          + keys.problem().message(), null);
    }
    try {
      specs = specs(export, keys, now);
      plan = new TransferBackfillPlan(Instant.parse(backfill.getSpec().start()), Instant.parse(backfill.getSpec().end()),
          TransferSchedule.fromCron(export.getSpec().schedule(), availabilityDelay(export)));
    } catch (TransferSpecException e) {
      return Outcome.problem(configs, Reasons.INVALID_SPEC, "BigQueryExport " + exportName + " cannot be loaded by"
          + " the Transfer Service: " + e.getMessage(), null);
    }
    boolean allStarted = configs.size() >= specs.size();
    if (!allStarted) {
      Optional<Outcome> notYet = notStartable(backfill, plan, configs, now);
      if (notYet.isPresent()) {
        return notYet.get();
      }
    }
    Credentials credentials;
    try {
      credentials = TransferDelivery.destinationCredentials(export, keys, ambient);
    } catch (IOException e) {
      Problem problem = TransferDelivery.credentialsProblem(export, e);
      return Outcome.problem(configs, problem.reason(), problem.message(),
          export.getSpec().destination().usesWorkloadIdentity() ? RETRY : null);
    }
    try (TransferClient client = transfers.open(credentials)) {
      if (!allStarted) {
        // Of two configs of one name, the one the export keeps (the first by name; it deletes the other).
        Map<String, String> names = client.list(specs.get(0).parent()).stream().collect(Collectors.toMap(
            TransferConfig::getDisplayName, TransferConfig::getName, (a, b) -> a.compareTo(b) <= 0 ? a : b));
        List<String> missing = specs.stream().map(TransferConfigSpec::displayName).filter(n -> !names.containsKey(n))
            .toList();
        if (!missing.isEmpty()) {
          String message = "Waiting for BigQueryExport " + exportName + " to create its transfer configs (display"
              + " names " + String.join(", ", missing) + " in " + specs.get(0).parent() + "); the backfill starts"
              + " its transfer runs as soon as they exist.";
          return new Outcome(List.of(), new BackfillStatusAssembler.Waiting(Reasons.WAITING_FOR_EXPORT, message),
              configs, Optional.empty(), Optional.of(POLL));
        }
        for (TransferConfigSpec spec : specs) {
          String name = names.get(spec.displayName());
          if (!configs.contains(name)) {
            for (TransferBackfillPlan.Range range : plan.rangesToStart(client.runs(name))) {
              client.startManualRuns(name, range.start(), range.end());
            }
            configs.add(name);
          }
        }
      }
      Map<String, List<TransferRun>> runs = new LinkedHashMap<>();
      configs.forEach(name -> runs.put(name, client.runs(name)));
      BackfillChunks progress = TransferRunProgress.observe(plan, runs, startTime != null ? startTime
          : now.toString());
      return new Outcome(List.of(), null, configs, Optional.of(progress),
          progress.state() == BackfillChunks.JobState.Running ? Optional.of(POLL) : Optional.empty());
    } catch (TransferFailure e) {
      return Outcome.problem(configs, e.reason().conditionReason(), e.getMessage(), RETRY);
    }
  }

  /** Replace, a suspended backfill, a range whose last run time is still ahead, or one too long: not started. */
  private static Optional<Outcome> notStartable(BigQueryBackfill backfill, TransferBackfillPlan plan,
      List<String> configs, Instant now) {
    var spec = backfill.getSpec();
    if (spec.mode() == BackfillMode.Replace) {
      return Optional.of(Outcome.problem(configs, Reasons.INVALID_SPEC, "spec.mode Replace is not possible with an"
          + " export of delivery TransferService: the Transfer Service only appends (write_disposition APPEND), it"
          + " cannot replace an hour's rows. Use mode FillGaps (loads the hours that have no successful transfer"
          + " run; query deduplicated_<table> for the exact view), or switch the export to delivery Direct to"
          + " replace hours", null));
    }
    long hours = plan.hours().size();
    if (hours > MAX_HOURS) {
      return Optional.of(Outcome.problem(configs, Reasons.LOAD_JOB_QUOTA, "spec.start to spec.end spans " + hours
          + " hours; with delivery TransferService each hour is one transfer run and one BigQuery load job per table,"
          + " and a backfill may start at most " + MAX_HOURS + " so that it stays within BigQuery's "
          + BackfillSpecValidator.BIGQUERY_LOAD_JOBS_PER_TABLE_PER_DAY + " load jobs per table per day. Split the"
          + " range into BigQueryBackfills of at most " + MAX_HOURS + " hours, run one after the other", null));
    }
    if (spec.suspend()) {
      return Optional.of(new Outcome(List.of(), new BackfillStatusAssembler.Waiting(Reasons.SUSPENDED,
          "Suspended (spec.suspend): no transfer runs are started until spec.suspend is false."), configs,
          Optional.empty(), Optional.empty()));
    }
    Instant requestable = plan.requestableAt();
    if (requestable.isAfter(now)) {
      Duration wait = Duration.between(now, requestable);
      return Optional.of(Outcome.problem(configs, Reasons.RANGE_NOT_AVAILABLE, "the transfer run that loads the"
          + " last hour of the range runs at " + requestable.minusSeconds(1) + " (the hour's end plus the export's"
          + " availabilityDelay and the schedule's minute), and the Transfer Service starts no run for a future time;"
          + " the backfill starts then", wait.compareTo(Duration.ofMinutes(10)) > 0 ? Duration.ofMinutes(10) : wait));
    }
    return Optional.empty();
  }

  /** The export's desired configs, as the export side derives them (for their parent and display names). */
  private static List<TransferConfigSpec> specs(BigQueryExport export, ExportSecrets.Observation keys, Instant now) {
    ExporterConfig config = ExporterConfigMap.config(export, now);
    ExporterConfig.Destination d = config.destination();
    String project = d.projectId() != null ? d.projectId() : keys.key() == null ? null : keys.key().projectId();
    var transfer = export.getSpec().transfer();
    return TransferConfigSpec.builder()
        .export(config.export().namespace(), config.export().name())
        .storage(config.storage())
        .destination(new ExporterConfig.Destination(project, d.dataset(), d.location(), d.credentialsFile(),
            d.endpoint(), d.createDataset(), d.workloadIdentity()))
        .data(config.data())
        .schedule(export.getSpec().schedule())
        .availabilityDelay(availabilityDelay(export))
        .notificationTopic(transfer == null ? null : transfer.notificationPubsubTopic())
        .build();
  }

  private static Duration availabilityDelay(BigQueryExport export) {
    return SpecDurations.parse("spec.availabilityDelay", export.getSpec().availabilityDelay());
  }
}
