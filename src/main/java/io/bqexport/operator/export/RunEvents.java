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

  void record(BigQueryExport export, RunRecord before, RunRecord after) {
    if (after == null || RunHistory.RUNNING.equals(after.result())) {
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
}
