package io.bqexport.operator.backfill;

import com.google.cloud.bigquery.datatransfer.v1.TransferRun;
import com.google.cloud.bigquery.datatransfer.v1.TransferState;
import com.google.protobuf.Timestamp;
import io.bqexport.api.v1alpha1.FailedChunk;
import io.bqexport.api.v1alpha1.Reasons;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A transfer backfill's progress from the runs of its configs, in the shape of a Job's ({@link BackfillChunks}, one
 * "chunk" per hour): an hour is done when, in every config, a run that loads it succeeded (matched by the hour
 * the run loads, as FillGaps matches: an hour a run-now loaded counts); failed when in some config
 * every run for it failed or was cancelled; pending otherwise. Transfer runs report no row counts. Pure.
 */
final class TransferRunProgress {
  /** Failed hours listed in status; the count covers them all. */
  static final int FAILED_LISTED = 20;

  private TransferRunProgress() {}

  private enum HourState { DONE, FAILED, PENDING }

  /**
   * @param runsByConfig every run of each config the backfill started runs in
   * @param startTime when the backfill started its runs
   */
  static BackfillChunks observe(TransferBackfillPlan plan, Map<String, List<TransferRun>> runsByConfig,
      String startTime) {
    List<Instant> hours = plan.hours();
    long done = 0;
    long pending = 0;
    List<FailedChunk> failed = new ArrayList<>();
    long failedHours = 0;
    Instant lastEnd = null;
    for (int index = 0; index < hours.size(); index++) {
      Instant hour = hours.get(index);
      HourState state = HourState.DONE;
      Optional<TransferRun> failure = Optional.empty();
      for (List<TransferRun> runs : runsByConfig.values()) {
        List<TransferRun> forSlot = runs.stream().filter(run -> plan.hourOf(run).equals(hour)).toList();
        HourState inConfig = state(forSlot);
        for (TransferRun run : forSlot) {
          if (run.hasEndTime() && (lastEnd == null || instant(run.getEndTime()).isAfter(lastEnd))) {
            lastEnd = instant(run.getEndTime());
          }
        }
        if (inConfig == HourState.PENDING) {
          state = HourState.PENDING;
        } else if (inConfig == HourState.FAILED && state == HourState.DONE) {
          state = HourState.FAILED;
          failure = forSlot.stream().reduce((a, b) -> b);
        }
      }
      switch (state) {
        case DONE -> done++;
        case PENDING -> pending++;
        case FAILED -> {
          failedHours++;
          if (failed.size() < FAILED_LISTED) {
            failed.add(new FailedChunk(index, hour + "/" + hour.plus(Duration.ofHours(1)),
                Reasons.TRANSFER_RUN_FAILED, failure.map(TransferRunProgress::message).orElse("the run failed")));
          }
        }
      }
    }
    BackfillChunks.JobState state = pending > 0 ? BackfillChunks.JobState.Running
        : failedHours > 0 ? BackfillChunks.JobState.Failed : BackfillChunks.JobState.Succeeded;
    String completionTime = state == BackfillChunks.JobState.Running || lastEnd == null ? null
        : lastEnd.toString();
    return new BackfillChunks(state, hours.size(), done, failedHours, 0, (int) done, hours.size(), failed,
        startTime, completionTime, null);
  }

  private static HourState state(List<TransferRun> runs) {
    if (runs.stream().anyMatch(run -> run.getState() == TransferState.SUCCEEDED)) {
      return HourState.DONE;
    }
    boolean ended = !runs.isEmpty() && runs.stream().allMatch(run -> run.getState() == TransferState.FAILED
        || run.getState() == TransferState.CANCELLED);
    return ended ? HourState.FAILED : HourState.PENDING;
  }

  /** The service's own words for the failure, first line only: status stays small. */
  private static String message(TransferRun run) {
    String text = run.getErrorStatus().getMessage().lines().findFirst().orElse("");
    String message = text.isBlank() ? "transfer run " + run.getName() + " ended " + run.getState() : text;
    return message.length() <= 300 ? message : message.substring(0, 300) + "...";
  }

  private static Instant instant(Timestamp timestamp) {
    return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
  }
}
