package io.bqexport.operator.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.api.v1alpha1.IntegrityStatus;
import io.bqexport.api.v1alpha1.RepairedHourStatus;
import io.bqexport.api.v1alpha1.RunRecord;
import io.bqexport.exporter.RunSummary;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Which runs status.integrity takes in, and how it adds them up. */
class IntegrityProgressTest {

  @Test
  void aRunIsNewUntilTheStatusShowsTheFiguresOfItsPod() {
    RunHistory.Run run = run("job-b", "pod-b1", "2026-11-28T11:00:00Z", 4);
    List<RunRecord> next = List.of(run.record());

    assertThat(IntegrityProgress.newlyReported(null, List.of(run), next)).containsExactly(run);
    assertThat(IntegrityProgress.newlyReported(List.of(running("job-b", "pod-b1", "2026-11-28T11:00:00Z")),
        List.of(run), next)).as("the status showed it running").containsExactly(run);
    assertThat(IntegrityProgress.newlyReported(next, List.of(run), next)).as("already taken in").isEmpty();

    RunHistory.Run retry = run("job-b", "pod-b2", "2026-11-28T11:00:00Z", 1);
    assertThat(IntegrityProgress.newlyReported(next, List.of(retry), List.of(retry.record())))
        .as("the Job's next pod reports its own figures").containsExactly(retry);
  }

  @Test
  void aRunOutsideTheKeptHistoryIsNotNew() {
    RunHistory.Run kept = run("job-c", "pod-c", "2026-11-28T12:00:00Z", 1);
    RunHistory.Run old = run("job-a", "pod-a", "2026-11-28T10:00:00Z", 5);
    List<RunRecord> before = List.of(run("job-b", "pod-b", "2026-11-28T11:00:00Z", 2).record());

    assertThat(IntegrityProgress.newlyReported(before, List.of(kept, old), List.of(kept.record())))
        .as("dropped by spec.historyLimit").containsExactly(kept);
    assertThat(IntegrityProgress.newlyReported(before, List.of(kept, old), List.of(kept.record(), before.get(0),
        old.record()))).as("back after historyLimit was raised: older than all the status knew, so seen before")
        .containsExactly(kept);
  }

  @Test
  void repairsAddUpAndTheNewestTenAreKept() {
    List<RunSummary.Repaired> repaired = new ArrayList<>();
    IntStream.range(0, 12).forEach(i -> repaired.add(new RunSummary.Repaired(String.format(
        "2026-11-27T%02d:00:00Z", i), 10, 11, String.format("2026-11-28T10:%02d:00Z", i))));
    IntegrityStatus previous = new IntegrityStatus("2026-11-27T00:00:00Z", 3L, 1L,
        List.of(new RepairedHourStatus("2026-11-26T05:00:00Z", 1L, 2L, "2026-11-27T09:00:00Z")),
        "2026-11-27T09:00:00Z");
    RunHistory.Run run = new RunHistory.Run(record("job-d", "pod-d", "2026-11-28T10:00:00Z", 12L),
        Optional.of(summary(12, repaired, "2026-11-27T12:00:00Z", "2026-11-28T10:30:00Z")));

    IntegrityStatus next = IntegrityProgress.next(previous, List.of(run), List.of(run));
    assertThat(next.hoursVerified()).isEqualTo(15);
    assertThat(next.hoursRepaired()).isEqualTo(13);
    assertThat(next.verifiedThrough()).isEqualTo("2026-11-27T12:00:00Z");
    assertThat(next.lastVerifiedAt()).isEqualTo("2026-11-28T10:30:00Z");
    assertThat(next.lastRepairs()).hasSize(10).first().extracting(RepairedHourStatus::hour)
        .isEqualTo("2026-11-27T11:00:00Z");
    assertThat(IntegrityProgress.next(next, List.of(), List.of(run))).as("nothing new: unchanged").isEqualTo(next);
  }

  @Test
  void aRunStartedWithTheOldestKnownOneIsStillNew() {
    List<RunRecord> before = List.of(run("job-b", "pod-b", "2026-11-28T11:00:00Z", 2).record());
    RunHistory.Run sameStart = run("job-a", "pod-a", "2026-11-28T11:00:00Z", 3);
    assertThat(IntegrityProgress.newlyReported(before, List.of(sameStart), List.of(sameStart.record(),
        before.get(0)))).containsExactly(sameStart);
  }

  @Test
  void verifiedThroughComesFromTheLastFinishedRunThatSaysIt() {
    RunHistory.Run says = runWith("job-a", summary(2, List.of(), "2026-11-27T10:00:00Z", "2026-11-28T10:30:00Z"));
    RunHistory.Run silent = runWith("job-b", summary(0, List.of(), null, "2026-11-28T11:30:00Z"));
    RunHistory.Run unfinished = runWith("job-c", summary(0, List.of(), "2026-11-27T23:00:00Z", null));
    IntegrityStatus previous = new IntegrityStatus("2026-11-26T00:00:00Z", 1L, 0L, null, "2026-11-28T09:00:00Z");

    assertThat(IntegrityProgress.next(previous, List.of(), List.of(says, silent, unfinished)).verifiedThrough())
        .isEqualTo("2026-11-27T10:00:00Z");
  }

  @Test
  void lastVerifiedAtMovesOnlyForwardAndOnlyForRunsThatVerified() {
    IntegrityStatus previous = new IntegrityStatus(null, 1L, 0L, null, "2026-11-28T10:00:00Z");
    RunHistory.Run nothingVerified = runWith("job-a", summary(0, List.of(), null, "2026-11-28T11:00:00Z"));
    RunHistory.Run olderPod = runWith("job-b", summary(2, List.of(), null, "2026-11-28T09:00:00Z"));
    RunHistory.Run newer = runWith("job-c", summary(1, List.of(), null, "2026-11-28T12:00:00Z"));

    assertThat(IntegrityProgress.next(previous, List.of(nothingVerified), List.of()).lastVerifiedAt())
        .isEqualTo("2026-11-28T10:00:00Z");
    IntegrityStatus afterOlder = IntegrityProgress.next(previous, List.of(olderPod), List.of());
    assertThat(afterOlder.lastVerifiedAt()).isEqualTo("2026-11-28T10:00:00Z");
    assertThat(afterOlder.hoursVerified()).isEqualTo(3);
    assertThat(IntegrityProgress.next(previous, List.of(newer), List.of()).lastVerifiedAt())
        .isEqualTo("2026-11-28T12:00:00Z");
    assertThat(IntegrityProgress.next(null, List.of(newer), List.of()).lastVerifiedAt())
        .isEqualTo("2026-11-28T12:00:00Z");
  }

  @Test
  void anyOneFigureMakesAStatusAndNoneKeepsThePreviousOne() {
    assertThat(IntegrityProgress.next(null, List.of(), List.of())).isNull();
    IntegrityStatus empty = new IntegrityStatus(null, 0L, 0L, null, null);
    assertThat(IntegrityProgress.next(empty, List.of(), List.of())).isSameAs(empty);

    RunHistory.Run throughOnly = runWith("job-a", summary(0, List.of(), "2026-11-27T10:00:00Z", "2026-11-28T10:30:00Z"));
    assertThat(IntegrityProgress.next(null, List.of(), List.of(throughOnly)))
        .isEqualTo(new IntegrityStatus("2026-11-27T10:00:00Z", 0L, 0L, null, null));

    RunHistory.Run verifiedOnly = runWith("job-b", summary(2, List.of(), null, null));
    assertThat(IntegrityProgress.next(null, List.of(verifiedOnly), List.of()))
        .isEqualTo(new IntegrityStatus(null, 2L, 0L, null, null));

    RunSummary.Repaired hour = new RunSummary.Repaired("2026-11-27T03:00:00Z", 5, 6, "2026-11-28T10:00:00Z");
    RunHistory.Run repairedOnly = runWith("job-c", summary(0, List.of(hour), null, null));
    assertThat(IntegrityProgress.next(null, List.of(repairedOnly), List.of())).isEqualTo(new IntegrityStatus(null,
        0L, 1L, List.of(new RepairedHourStatus("2026-11-27T03:00:00Z", 5L, 6L, "2026-11-28T10:00:00Z")), null));

    RunHistory.Run noRepairList = runWith("job-d", summary(1, null, null, null));
    assertThat(IntegrityProgress.next(null, List.of(noRepairList), List.of()).hoursRepaired()).isZero();
  }

  @Test
  void lastRepairsAreNewestRepairFirstThenLatestHour() {
    RunSummary.Repaired earlyHourRepairedLate = new RunSummary.Repaired("2026-11-27T01:00:00Z", 1, 2,
        "2026-11-28T12:00:00Z");
    RunSummary.Repaired lateHourRepairedEarly = new RunSummary.Repaired("2026-11-27T09:00:00Z", 1, 2,
        "2026-11-28T08:00:00Z");
    RunSummary.Repaired sameTimeLaterHour = new RunSummary.Repaired("2026-11-27T05:00:00Z", 1, 2,
        "2026-11-28T12:00:00Z");
    RunSummary.Repaired noTime = new RunSummary.Repaired("2026-11-27T10:00:00Z", 1, 2, null);
    RunHistory.Run run = runWith("job-a", summary(4, List.of(lateHourRepairedEarly, noTime, earlyHourRepairedLate,
        sameTimeLaterHour), null, null));

    assertThat(IntegrityProgress.next(null, List.of(run), List.of()).lastRepairs())
        .extracting(RepairedHourStatus::hour).containsExactly("2026-11-27T05:00:00Z", "2026-11-27T01:00:00Z",
            "2026-11-27T09:00:00Z", "2026-11-27T10:00:00Z");
  }

  private static RunHistory.Run runWith(String job, RunSummary summary) {
    return new RunHistory.Run(record(job, job + "-pod", "2026-11-28T10:00:00Z", summary.verifiedHours()),
        Optional.of(summary));
  }

  private static RunHistory.Run run(String job, String pod, String start, long verified) {
    return new RunHistory.Run(record(job, pod, start, verified), Optional.of(summary(verified, List.of(), null,
        start)));
  }

  private static RunRecord running(String job, String pod, String start) {
    return new RunRecord(job, pod, "Scheduled", start, null, "Running", null, null, null, null, null, null, null);
  }

  private static RunRecord record(String job, String pod, String start, Long verified) {
    return new RunRecord(job, pod, "Scheduled", start, start, "Succeeded", 1L, 10L, null, verified, 0L, null, null);
  }

  private static RunSummary summary(long verified, List<RunSummary.Repaired> repaired, String verifiedThrough,
      String finishedAt) {
    return new RunSummary(RunSummary.SUCCEEDED, null, null, 0, "FillGaps", null, List.of(), 1, 10, 100, null, 0,
        List.of(), finishedAt, finishedAt, 0, 0, 0, List.of(), verified, repaired, verifiedThrough, 0, 0);
  }
}
