package io.bqexport.operator.export;

import com.google.cloud.bigquery.datatransfer.v1.TransferConfig;
import com.google.cloud.bigquery.datatransfer.v1.TransferRun;
import com.google.cloud.bigquery.datatransfer.v1.TransferState;
import io.bqexport.api.v1alpha1.RunRecord;
import io.bqexport.api.v1alpha1.TransferConfigStatus;
import io.bqexport.api.v1alpha1.TransferStatus;
import io.bqexport.operator.status.Problem;
import io.bqexport.transfer.TransferConfigSync;
import io.bqexport.transfer.TransferRunHistory;
import io.bqexport.transfer.TransferSchedule;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What one reconcile saw of an export's Transfer Service delivery, and what status makes of it (pure).
 *
 * @param schedule the schedule the configs run on, for the hour each run loads (null after a failure)
 * @param configs each config with its runs, events first
 * @param changes what this reconcile changed in the service
 * @param problem why the service could not be used, or null
 * @param transientProblem the problem clears by itself (quota, unavailable); else it needs a person
 * @param runNowHandled the run-now nonce whose runs were started, or null
 */
public record TransferObservation(TransferSchedule schedule, List<ConfigRuns> configs,
    List<TransferConfigSync.Change> changes, Problem problem, boolean transientProblem, String runNowHandled) {

  /** One config as the service has it and its runs. */
  public record ConfigRuns(String table, TransferConfig config, List<TransferRun> runs) {}

  /** A run that failed, for an hour no later run of the same config loaded. */
  public record FailedHour(String table, Instant hour, String run, String message) {}

  private static final Set<TransferState> FAILED = Set.of(TransferState.FAILED, TransferState.CANCELLED);

  /** Nothing asked of the service yet: the credentials are being validated, or are not valid. */
  static TransferObservation notYet() {
    return new TransferObservation(null, List.of(), List.of(), null, false, null);
  }

  static TransferObservation failed(Problem problem, boolean transientProblem) {
    return new TransferObservation(null, List.of(), List.of(), problem, transientProblem, null);
  }

  /** status.transfer: the configs, or null when none is known. */
  TransferStatus status() {
    return configs.isEmpty() ? null : new TransferStatus(configs.stream().map(c -> new TransferConfigStatus(
        c.table(), c.config().getName(), c.config().getDisplayName())).toList());
  }

  /** status.runs: every config's runs, newest run time first, at most {@code limit}; job is table/run-id. */
  List<RunRecord> records(int limit) {
    record Entry(Instant runTime, RunRecord record) {}
    return configs.stream().flatMap(c -> c.runs().stream().map(run -> new Entry(
            Instant.ofEpochSecond(run.getRunTime().getSeconds(), run.getRunTime().getNanos()),
            tableRecord(c.table(), TransferRunHistory.records(List.of(run), schedule, 1).get(0),
                schedule.loadedHour(Instant.ofEpochSecond(run.getRunTime().getSeconds()))))))
        .sorted(Comparator.comparing(Entry::runTime).reversed().thenComparing(e -> e.record().job()))
        .limit(limit).map(Entry::record).toList();
  }

  /**
   * How far every table is loaded without a gap from {@code startFrom}: the earliest of the configs' (a table with
   * no loaded hour from startFrom gives empty). A failed hour before it is reported by {@link #failedHours()}.
   */
  Optional<Instant> loadedThrough(Instant startFrom) {
    Optional<Instant> through = Optional.empty();
    for (ConfigRuns config : configs) {
      Optional<Instant> loaded = TransferRunHistory.loadedThrough(config.runs(), schedule, startFrom);
      if (loaded.isEmpty()) {
        return Optional.empty();
      }
      through = through.isEmpty() || loaded.get().isBefore(through.get()) ? loaded : through;
    }
    return through;
  }

  /** Failed or cancelled runs whose hour no run of the same config has loaded since, oldest first. */
  List<FailedHour> failedHours() {
    return configs.stream().flatMap(c -> {
      Set<Instant> loaded = c.runs().stream().filter(r -> r.getState() == TransferState.SUCCEEDED)
          .map(r -> hour(r)).collect(Collectors.toSet());
      return c.runs().stream().filter(r -> FAILED.contains(r.getState()) && !loaded.contains(hour(r)))
          .map(r -> new FailedHour(c.table(), hour(r), runId(r), r.getErrorStatus().getMessage()));
    }).sorted(Comparator.comparing(FailedHour::hour)).toList();
  }

  /** A run is pending or running: worth polling sooner. */
  boolean running() {
    return configs.stream().flatMap(c -> c.runs().stream())
        .anyMatch(r -> r.getState() == TransferState.PENDING || r.getState() == TransferState.RUNNING);
  }

  private Instant hour(TransferRun run) {
    return schedule.loadedHour(Instant.ofEpochSecond(run.getRunTime().getSeconds(), run.getRunTime().getNanos()));
  }

  private static String runId(TransferRun run) {
    return run.getName().substring(run.getName().lastIndexOf('/') + 1);
  }

  /** Names the table in the job and the hour in a failure, which the plain record leaves out. */
  private static RunRecord tableRecord(String table, RunRecord record, Instant hour) {
    return new RunRecord(table + "/" + record.job(), record.pod(), record.trigger(), record.startTime(),
        record.completionTime(), record.result(), record.hours(), record.rows(), record.committed(),
        record.verifiedHours(), record.repairedHours(), record.reason(),
        record.message() == null ? null : "loading " + table + " hour " + hour + ": " + record.message(),
        null, null);
  }
}
