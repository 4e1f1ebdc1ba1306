package io.bqexport.operator.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.bigquery.datatransfer.v1.TransferRun;
import com.google.cloud.bigquery.datatransfer.v1.TransferState;
import com.google.protobuf.Timestamp;
import com.google.rpc.Status;
import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.transfer.TransferSchedule;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which runs a transfer backfill requests, and its progress from the runs: pure. */
class TransferBackfillPlanTest {
  private static final Instant START = Instant.parse("2026-11-20T00:00:00Z");
  /** "5 * * * *" with availabilityDelay 2h: the run at H + 3h + 5m loads hour H. */
  private static final TransferSchedule SCHEDULE = TransferSchedule.fromCron("5 * * * *", Duration.ofHours(2));
  private static final TransferBackfillPlan PLAN = new TransferBackfillPlan(START, START.plus(Duration.ofHours(4)),
      SCHEDULE);

  @Test
  void eachHourIsLoadedByTheSlotWhoseRunTimeFormatsIt() {
    for (Instant hour : PLAN.hours()) {
      assertThat(SCHEDULE.loadedHour(PLAN.runTime(hour))).isEqualTo(hour);
    }
    assertThat(PLAN.runTime(START)).isEqualTo(Instant.parse("2026-11-20T03:05:00Z"));
  }

  @Test
  void aFreshRangeIsOneRequestFromTheFirstSlotToJustAfterTheLast() {
    assertThat(PLAN.rangesToStart(List.of())).containsExactly(new TransferBackfillPlan.Range(
        Instant.parse("2026-11-20T03:05:00Z"), Instant.parse("2026-11-20T06:05:01Z")));
    assertThat(PLAN.requestableAt()).as("the last slot must be past: the service refuses future run times")
        .isEqualTo(Instant.parse("2026-11-20T06:05:01Z"));
  }

  @Test
  void fillGapsSkipsHoursWithASucceededOrRunningRunButNotAFailedOne() {
    List<TransferRun> existing = List.of(
        run(START.plus(Duration.ofHours(1)), TransferState.SUCCEEDED),
        run(START.plus(Duration.ofHours(2)), TransferState.FAILED),
        run(START.plus(Duration.ofHours(3)), TransferState.RUNNING));

    assertThat(PLAN.rangesToStart(existing)).containsExactly(
        new TransferBackfillPlan.Range(PLAN.runTime(START), PLAN.runTime(START).plusSeconds(1)),
        new TransferBackfillPlan.Range(PLAN.runTime(START.plus(Duration.ofHours(2))),
            PLAN.runTime(START.plus(Duration.ofHours(2))).plusSeconds(1)));
  }

  @Test
  void progressCountsAnHourDoneOnlyWhenEveryConfigLoadedIt() {
    Instant h0 = START;
    Instant h1 = START.plus(Duration.ofHours(1));
    Instant h2 = START.plus(Duration.ofHours(2));
    Instant h3 = START.plus(Duration.ofHours(3));
    List<TransferRun> events = List.of(run(h0, TransferState.SUCCEEDED), run(h1, TransferState.FAILED),
        run(h1, TransferState.SUCCEEDED), run(h2, TransferState.SUCCEEDED), run(h3, TransferState.SUCCEEDED));
    List<TransferRun> mergeIds = List.of(run(h0, TransferState.SUCCEEDED), run(h1, TransferState.SUCCEEDED),
        run(h2, TransferState.PENDING), run(h3, TransferState.FAILED));

    BackfillChunks running = TransferRunProgress.observe(PLAN, Map.of("events", events, "merge", mergeIds), "t0");
    assertThat(running.state()).isEqualTo(BackfillChunks.JobState.Running);
    assertThat(running.hoursDone()).as("a retried hour counts once it succeeded").isEqualTo(2);
    assertThat(running.hoursFailed()).isEqualTo(1);
    assertThat(running.failed()).singleElement().satisfies(f -> {
      assertThat(f.window()).isEqualTo(h3 + "/" + h3.plus(Duration.ofHours(1)));
      assertThat(f.reason()).isEqualTo(Reasons.TRANSFER_RUN_FAILED);
      assertThat(f.message()).isEqualTo("No files found matching the path");
    });

    List<TransferRun> mergeIdsEnded = List.of(run(h0, TransferState.SUCCEEDED), run(h1, TransferState.SUCCEEDED),
        run(h2, TransferState.SUCCEEDED), run(h3, TransferState.FAILED));
    BackfillChunks failed = TransferRunProgress.observe(PLAN, Map.of("events", events, "merge", mergeIdsEnded), "t0");
    assertThat(failed.state()).isEqualTo(BackfillChunks.JobState.Failed);
    assertThat(failed.completionTime()).isNotNull();
  }

  @Test
  void anHourWithoutARunYetIsPending() {
    BackfillChunks chunks = TransferRunProgress.observe(PLAN, Map.of("events", List.of()), "t0");
    assertThat(chunks.state()).isEqualTo(BackfillChunks.JobState.Running);
    assertThat(chunks.hoursDone()).isZero();
    assertThat(chunks.hoursTotal()).isEqualTo(4);
  }

  @Test
  void everyHourMapsToAScheduleSlotWhateverTheDelay() {
    // The service starts runs only at the schedule's slots ("every 1 hours from 00:MM to 23:MM"): a requested range
    // that holds no slot starts nothing, and the backfill would wait for that hour forever.
    for (Duration delay : List.of(Duration.ZERO, Duration.ofMinutes(30), Duration.ofMinutes(90), Duration.ofHours(2),
        Duration.ofSeconds(5430))) {
      for (int minute : List.of(0, 5, 30, 45, 59)) {
        TransferSchedule schedule = TransferSchedule.fromCron(minute + " * * * *", delay);
        TransferBackfillPlan plan = new TransferBackfillPlan(START, START.plus(Duration.ofHours(3)), schedule);
        for (Instant hour : plan.hours()) {
          Instant slot = plan.runTime(hour);
          assertThat(slot.atZone(java.time.ZoneOffset.UTC).getMinute()).as("delay %s, minute %d", delay, minute)
              .isEqualTo(minute);
          assertThat(slot.getEpochSecond() % 60).isZero();
          assertThat(schedule.loadedHour(slot)).as("delay %s, minute %d", delay, minute).isEqualTo(hour);
          assertThat(slot).as("due by then").isAfterOrEqualTo(hour.plus(Duration.ofHours(1)).plus(delay));
        }
      }
    }
    TransferSchedule ninetyMinutes = TransferSchedule.fromCron("5 * * * *", Duration.ofMinutes(90));
    assertThat(new TransferBackfillPlan(START, START.plus(Duration.ofHours(1)), ninetyMinutes).rangesToStart(List.of()))
        .as("hour 00:00 is due at 02:30; the slot at 03:05 loads it ({run_time-150m} = 00:35)")
        .containsExactly(new TransferBackfillPlan.Range(Instant.parse("2026-11-20T03:05:00Z"),
            Instant.parse("2026-11-20T03:05:01Z")));
  }

  @Test
  void aRunNowRunCoversItsHourThoughItsRunTimeIsNoSlot() {
    // run-now requests run time H + 1h + availabilityDelay (TransferDelivery.latestDueRunTime): 03:00, not the
    // 03:05 slot. FillGaps must not load hour 00:00 again, and progress must count it done.
    TransferRun runNow = TransferRun.newBuilder().setName("runs/run-now").setState(TransferState.SUCCEEDED)
        .setRunTime(Timestamp.newBuilder().setSeconds(START.plus(Duration.ofHours(3)).getEpochSecond()))
        .setEndTime(Timestamp.newBuilder().setSeconds(START.plus(Duration.ofHours(3)).getEpochSecond() + 60))
        .build();
    assertThat(PLAN.rangesToStart(List.of(runNow))).containsExactly(new TransferBackfillPlan.Range(
        PLAN.runTime(START.plus(Duration.ofHours(1))), PLAN.runTime(START.plus(Duration.ofHours(3))).plusSeconds(1)));

    List<TransferRun> runs = List.of(runNow, run(START.plus(Duration.ofHours(1)), TransferState.SUCCEEDED),
        run(START.plus(Duration.ofHours(2)), TransferState.SUCCEEDED),
        run(START.plus(Duration.ofHours(3)), TransferState.SUCCEEDED));
    BackfillChunks chunks = TransferRunProgress.observe(PLAN, Map.of("events", runs), "t0");
    assertThat(chunks.state()).isEqualTo(BackfillChunks.JobState.Succeeded);
    assertThat(chunks.hoursDone()).isEqualTo(4);
  }

  private static TransferRun run(Instant hour, TransferState state) {
    Instant runTime = PLAN.runTime(hour);
    TransferRun.Builder run = TransferRun.newBuilder().setName("runs/" + runTime + state)
        .setRunTime(Timestamp.newBuilder().setSeconds(runTime.getEpochSecond())).setState(state);
    if (state == TransferState.FAILED) {
      run.setErrorStatus(Status.newBuilder().setCode(3).setMessage("No files found matching the path\nmore"));
    }
    if (state == TransferState.SUCCEEDED || state == TransferState.FAILED) {
      run.setEndTime(Timestamp.newBuilder().setSeconds(runTime.getEpochSecond() + 60));
    }
    return run.build();
  }
}
