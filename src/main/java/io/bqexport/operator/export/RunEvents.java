package io.bqexport.operator.export;

import io.bqexport.api.v1alpha1.QuarantinedHourStatus;
import io.bqexport.api.v1alpha1.Reasons;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.RunRecord;
import io.bqexport.exporter.RunSummary;
import io.bqexport.operator.status.EventRecorder;
import java.util.Objects;

/** Events for runs: the first failure after a success (not every failure again), and the recovery. */
final class RunEvents {
  private final EventRecorder recorder;

  RunEvents(EventRecorder recorder) {
    this.recorder = recorder;
  }

  /** Compares the latest finished runs of the status before and after: a Running record in between is skipped. */
  void record(BigQueryExport export, java.util.List<RunRecord> runsBefore, java.util.List<RunRecord> runsAfter) {
    RunRecord before = latestFinished(runsBefore);
    RunRecord after = latestFinished(runsAfter);
    if (after == null) {
      return;
    }
    boolean sameRun = before != null && Objects.equals(before.job(), after.job())
        && Objects.equals(before.result(), after.result());
    if (sameRun) {
      return;
    }
    boolean wasFailing = before != null && RunSummary.FAILED.equals(before.result());
    if (RunSummary.FAILED.equals(after.result()) && !wasFailing) {
      recorder.warning(export, "RunFailed", "Run " + after.job() + " failed"
          + (after.reason() == null ? "" : " (" + after.reason() + ")") + ": " + after.message());
    } else if (RunSummary.SUCCEEDED.equals(after.result()) && wasFailing) {
      recorder.normal(export, "RunRecovered", "Run " + after.job() + " succeeded after failures: " + after.hours()
          + " hour(s), " + after.rows() + " row(s).");
    }
  }

  /** A Warning Event when hours enter the quarantine (not again while they stay in it). */
  void recordQuarantine(BigQueryExport export, java.util.List<QuarantinedHourStatus> before,
      java.util.List<QuarantinedHourStatus> after) {
    if (after == null) {
      return;
    }
    java.util.Set<String> known = before == null ? java.util.Set.of()
        : before.stream().map(QuarantinedHourStatus::hour).collect(java.util.stream.Collectors.toSet());
    java.util.List<QuarantinedHourStatus> added = after.stream().filter(q -> !known.contains(q.hour())).toList();
    if (!added.isEmpty()) {
      recorder.warning(export, Reasons.HOURS_QUARANTINED, added.size() + " hour(s) quarantined after "
          + "failing the same way in 3 consecutive runs, skipped so later hours go on: " + added.stream()
          .limit(5).map(q -> q.hour() + " (" + q.reason() + " since " + q.since() + ")").toList()
          + ". Fix the cause, then retry them with the bqexport.io/run-now annotation or a backfill.");
    }
  }

  private static RunRecord latestFinished(java.util.List<RunRecord> runs) {
    return runs == null ? null
        : runs.stream().filter(r -> !RunHistory.RUNNING.equals(r.result())).findFirst().orElse(null);
  }
}
