package io.bqexport.operator.backfill;

import com.google.cloud.bigquery.datatransfer.v1.TransferRun;
import com.google.cloud.bigquery.datatransfer.v1.TransferState;
import io.bqexport.transfer.TransferSchedule;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which transfer runs load a backfill's hours: the run at run_time R loads the hour {@link TransferSchedule#loadedHour}
 * (R), so hour H is loaded by the first schedule slot at or after {@code H + 1h + availabilityDelay}
 * ({@link TransferSchedule#slotLoading}). A manual
 * request with {@code requested_time_range} creates runs "where run_time is in the range between start_time
 * (inclusive) and end_time (exclusive)", one per slot of the config's schedule
 * (StartManualTransferRunsRequest.TimeRange, https://cloud.google.com/bigquery/docs/reference/datatransfer/rest/v1/projects.locations.transferConfigs/startManualRuns),
 * and its end "must not be in the future". Pure.
 */
record TransferBackfillPlan(Instant start, Instant end, TransferSchedule schedule) {

  /** A requested_time_range: [start, end). */
  record Range(Instant start, Instant end) {}

  List<Instant> hours() {
    List<Instant> hours = new ArrayList<>();
    for (Instant hour = start; hour.isBefore(end); hour = hour.plus(Duration.ofHours(1))) {
      hours.add(hour);
    }
    return hours;
  }

  /** The run time of the slot whose run loads {@code hour}. */
  Instant runTime(Instant hour) {
    return schedule.slotLoading(hour);
  }

  /** The hour a run loads, whatever started it (a slot, a run-now at another run time, an earlier backfill). */
  Instant hourOf(TransferRun run) {
    return schedule.loadedHour(Instant.ofEpochSecond(run.getRunTime().getSeconds(), run.getRunTime().getNanos()));
  }

  /** When the last hour's run time is past, so the whole range may be requested. */
  Instant requestableAt() {
    return runTime(end.minus(Duration.ofHours(1))).plusSeconds(1);
  }

  /**
   * The ranges to request: every hour's slot unless a run for it already succeeded or is under way (FillGaps: an
   * hour already loaded is not loaded again; after a restart between starting runs and recording them, nothing is
   * started twice). Consecutive hours make one range, from the first slot to just after the last. Runs are matched
   * by the hour they load, not by run time: a run-now run (its run time off the slots) covers its hour too.
   */
  List<Range> rangesToStart(List<TransferRun> existing) {
    Set<Instant> covered = existing.stream()
        .filter(run -> run.getState() == TransferState.SUCCEEDED || run.getState() == TransferState.PENDING
            || run.getState() == TransferState.RUNNING)
        .map(this::hourOf)
        .collect(Collectors.toSet());
    List<Range> ranges = new ArrayList<>();
    Instant first = null;
    Instant last = null;
    for (Instant hour : hours()) {
      Instant slot = runTime(hour);
      if (covered.contains(hour)) {
        if (first != null) {
          ranges.add(new Range(first, last.plusSeconds(1)));
          first = null;
        }
        continue;
      }
      if (first == null) {
        first = slot;
      }
      last = slot;
    }
    if (first != null) {
      ranges.add(new Range(first, last.plusSeconds(1)));
    }
    return ranges;
  }
}
