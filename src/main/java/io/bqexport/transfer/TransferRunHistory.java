package io.bqexport.transfer;

import com.google.cloud.bigquery.datatransfer.v1.TransferRun;
import com.google.cloud.bigquery.datatransfer.v1.TransferState;
import com.google.protobuf.Timestamp;
import io.bqexport.api.v1alpha1.RunRecord;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Transfer runs as the export's status shows runs: one {@link RunRecord} per run, newest run_time first, each naming
 * the hour it loaded; and how far the data is loaded without a gap, for DataFresh. Pure.
 */
public final class TransferRunHistory {
  /** A failed run's reason in status.runs. */
  public static final String RUN_FAILED = "TransferRunFailed";
  private static final int MESSAGE_LIMIT = 500;

  private TransferRunHistory() {}

  /** At most {@code limit} records, newest first. Rows are not reported: a transfer run does not count them. */
  public static List<RunRecord> records(List<TransferRun> runs, TransferSchedule schedule, int limit) {
    return runs.stream()
        .sorted(Comparator.comparing((TransferRun run) -> instant(run.getRunTime())).reversed())
        .limit(limit)
        .map(run -> record(run, schedule))
        .toList();
  }

  /**
   * The end of the hours loaded without a gap from {@code startFrom}: every hour from it up to the result has a
   * successful run, or empty when {@code startFrom} itself has none. Not simply the latest success: the service
   * loads only the hours whose slots come after its config exists, so hours before (a startFrom in the past) or
   * between (a slot that never ran) would be hidden. A later failed run does not move it back; the failed hour
   * shows in the records.
   */
  public static Optional<Instant> loadedThrough(List<TransferRun> runs, TransferSchedule schedule,
      Instant startFrom) {
    Set<Instant> loaded = runs.stream()
        .filter(run -> run.getState() == TransferState.SUCCEEDED)
        .map(run -> schedule.loadedHour(instant(run.getRunTime())))
        .collect(Collectors.toSet());
    Instant through = startFrom.truncatedTo(ChronoUnit.HOURS);
    while (loaded.contains(through)) {
      through = through.plus(Duration.ofHours(1));
    }
    return through.equals(startFrom.truncatedTo(ChronoUnit.HOURS)) ? Optional.empty() : Optional.of(through);
  }

  private static RunRecord record(TransferRun run, TransferSchedule schedule) {
    Instant hour = schedule.loadedHour(instant(run.getRunTime()));
    boolean failed = run.getState() == TransferState.FAILED || run.getState() == TransferState.CANCELLED;
    return new RunRecord(
        run.getName().substring(run.getName().lastIndexOf('/') + 1),
        null,
        run.hasStartTime() ? instant(run.getStartTime()).toString() : null,
        run.hasEndTime() ? instant(run.getEndTime()).toString() : null,
        result(run.getState()),
        1L,
        null,
        run.getState() == TransferState.SUCCEEDED ? hour + "/" + hour.plus(Duration.ofHours(1)) : null,
        failed ? RUN_FAILED : null,
        failed ? message(run) : null);
  }

  private static String result(TransferState state) {
    return switch (state) {
      case SUCCEEDED -> "Succeeded";
      case FAILED -> "Failed";
      case CANCELLED -> "Cancelled";
      default -> "Running";
    };
  }

  /** BigQuery's words for the failure, bounded: status stays small. */
  private static String message(TransferRun run) {
    String message = run.getErrorStatus().getMessage().lines().findFirst().orElse("the transfer run failed");
    return message.length() <= MESSAGE_LIMIT ? message : message.substring(0, MESSAGE_LIMIT) + "...";
  }

  private static Instant instant(Timestamp timestamp) {
    return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
  }
}
