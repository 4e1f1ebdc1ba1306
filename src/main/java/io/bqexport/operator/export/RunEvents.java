package io.bqexport.operator.export;

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

  private static RunRecord latestFinished(java.util.List<RunRecord> runs) {
    return runs == null ? null
        : runs.stream().filter(r -> !RunHistory.RUNNING.equals(r.result())).findFirst().orElse(null);
  }
}
