package io.bqexport.operator.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.bigquery.datatransfer.v1.TransferRun;
import com.google.cloud.bigquery.datatransfer.v1.TransferState;
import com.google.protobuf.Timestamp;
import com.google.rpc.Status;
import io.bqexport.api.v1alpha1.FailedChunk;
import io.bqexport.transfer.TransferSchedule;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A transfer backfill's progress from its configs' runs, without any server (one "chunk" per hour). */
class TransferRunProgressTest {
  private static final Instant START = Instant.parse("2026-11-20T00:00:00Z");
  private static final TransferSchedule SCHEDULE = TransferSchedule.fromCron("5 * * * *", Duration.ofHours(2));

  private static TransferBackfillPlan plan(int hours) {
    return new TransferBackfillPlan(START, START.plus(Duration.ofHours(hours)), SCHEDULE);
  }

  private static Instant hour(int n) {
    return START.plus(Duration.ofHours(n));
  }

  private static TransferRun run(TransferBackfillPlan plan, Instant hour, TransferState state, String error,
      Instant end) {
    Instant runTime = plan.runTime(hour);
    TransferRun.Builder run = TransferRun.newBuilder().setName("runs/" + runTime + "-" + state)
        .setRunTime(Timestamp.newBuilder().setSeconds(runTime.getEpochSecond())).setState(state);
    if (error != null) {
      run.setErrorStatus(Status.newBuilder().setCode(3).setMessage(error));
    }
    if (end != null) {
      run.setEndTime(Timestamp.newBuilder().setSeconds(end.getEpochSecond()));
    }
    return run.build();
  }

  @Test
  void theCompletionTimeIsTheLatestEndOfAnyRunInAnyConfig() {
    TransferBackfillPlan plan = plan(3);
    Instant latest = Instant.parse("2026-11-28T09:00:00Z");
    List<TransferRun> events = List.of(
        run(plan, hour(0), TransferState.SUCCEEDED, null, Instant.parse("2026-11-28T08:00:00Z")),
        run(plan, hour(1), TransferState.SUCCEEDED, null, latest),
        run(plan, hour(2), TransferState.SUCCEEDED, null, Instant.parse("2026-11-28T08:30:00Z")));
    List<TransferRun> merge = List.of(
        run(plan, hour(0), TransferState.SUCCEEDED, null, Instant.parse("2026-11-28T07:00:00Z")),
        run(plan, hour(1), TransferState.SUCCEEDED, null, null),
        run(plan, hour(2), TransferState.SUCCEEDED, null, Instant.parse("2026-11-28T08:59:59Z")));
    Map<String, List<TransferRun>> runs = new java.util.LinkedHashMap<>();
    runs.put("events", events);
    runs.put("merge", merge);

    BackfillChunks chunks = TransferRunProgress.observe(plan, runs, "2026-11-28T06:00:00Z");

    assertThat(chunks.state()).isEqualTo(BackfillChunks.JobState.Succeeded);
    assertThat(chunks.completionTime()).isEqualTo(latest.toString());
    assertThat(chunks.startTime()).isEqualTo("2026-11-28T06:00:00Z");
    assertThat(List.of(chunks.hoursTotal(), chunks.hoursDone(), chunks.hoursFailed(), chunks.rows()))
        .containsExactly(3L, 3L, 0L, 0L);
  }

  @Test
  void aCancelledHourFailsWithTheRunsNameWhenTheServiceGaveNoMessage() {
    TransferBackfillPlan plan = plan(1);
    TransferRun cancelled = run(plan, hour(0), TransferState.CANCELLED, null, hour(5));

    BackfillChunks chunks = TransferRunProgress.observe(plan, Map.of("events", List.of(cancelled)), "t0");

    assertThat(chunks.state()).isEqualTo(BackfillChunks.JobState.Failed);
    assertThat(chunks.failed()).singleElement().extracting(FailedChunk::message)
        .isEqualTo("transfer run " + cancelled.getName() + " ended CANCELLED");
  }

  @Test
  void aHourDoneInOneConfigButPendingInAnotherIsPending() {
    TransferBackfillPlan plan = plan(1);
    Map<String, List<TransferRun>> runs = new java.util.LinkedHashMap<>();
    runs.put("events", List.of(run(plan, hour(0), TransferState.PENDING, null, null)));
    runs.put("merge", List.of(run(plan, hour(0), TransferState.SUCCEEDED, null, hour(4))));

    BackfillChunks chunks = TransferRunProgress.observe(plan, runs, "t0");

    assertThat(chunks.state()).isEqualTo(BackfillChunks.JobState.Running);
    assertThat(chunks.completionTime()).as("not finished").isNull();
    assertThat(List.of(chunks.hoursDone(), chunks.hoursFailed())).containsExactly(0L, 0L);
  }

  @Test
  void atMostTwentyFailedHoursAreListedButAllAreCounted() {
    TransferBackfillPlan plan = plan(21);
    List<TransferRun> runs = new ArrayList<>();
    for (int n = 0; n < 21; n++) {
      runs.add(run(plan, hour(n), TransferState.FAILED, "No files found for hour " + n, hour(n + 4)));
    }

    BackfillChunks chunks = TransferRunProgress.observe(plan, Map.of("events", runs), "t0");

    assertThat(chunks.hoursFailed()).isEqualTo(21);
    assertThat(chunks.failed()).hasSize(TransferRunProgress.FAILED_LISTED)
        .extracting(FailedChunk::index).startsWith(0).endsWith(19);
  }

  @Test
  void theServicesMessageIsKeptToItsFirstLineAndThreeHundredCharacters() {
    TransferBackfillPlan plan = plan(2);
    String exactly300 = "x".repeat(300);
    String longer = "y".repeat(301);
    List<TransferRun> runs = List.of(run(plan, hour(0), TransferState.FAILED, exactly300 + "\nsecond line", hour(4)),
        run(plan, hour(1), TransferState.FAILED, longer, hour(5)));

    BackfillChunks chunks = TransferRunProgress.observe(plan, Map.of("events", runs), "t0");

    assertThat(chunks.failed()).extracting(FailedChunk::message).containsExactly(exactly300,
        "y".repeat(300) + "...");
  }

  @Test
  void ofAnHoursFailedRunsTheLastOneIsQuoted() {
    TransferBackfillPlan plan = plan(1);
    List<TransferRun> runs = List.of(run(plan, hour(0), TransferState.FAILED, "first attempt: quota", hour(4)),
        run(plan, hour(0), TransferState.FAILED, "retry: No files found", hour(5)));

    BackfillChunks chunks = TransferRunProgress.observe(plan, Map.of("events", runs), "t0");

    assertThat(chunks.failed()).singleElement().extracting(FailedChunk::message).isEqualTo("retry: No files found");
  }
}
