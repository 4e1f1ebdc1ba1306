package io.bqexport.operator.export;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.exporter.RunSummary;
import io.bqexport.operator.status.EventRecorder;
import java.util.List;
import java.util.Locale;

/** One HourRepaired Event per hour the integrity re-check replaced, for the runs the status takes in now. */
final class IntegrityEvents {
  private final EventRecorder recorder;

  IntegrityEvents(EventRecorder recorder) {
    this.recorder = recorder;
  }

  /** @param newlyReported from {@link IntegrityProgress#newlyReported}: each run is passed here once */
  void record(BigQueryExport export, List<RunHistory.Run> newlyReported) {
    for (RunHistory.Run run : newlyReported) {
      List<RunSummary.Repaired> repaired = run.summary().map(RunSummary::repaired).orElse(null);
      if (repaired == null) {
        continue;
      }
      for (RunSummary.Repaired hour : repaired) {
        recorder.normal(export, Reasons.HOUR_REPAIRED, hour.hour() + "@" + hour.at(), message(hour, run));
      }
    }
  }

  static String message(RunSummary.Repaired hour, RunHistory.Run run) {
    long change = hour.after() - hour.before();
    return String.format(Locale.ROOT, "Hour %s had %,d events at Amplitude when it was committed, %,d now (%s%,d):"
        + " replaced by run %s at %s.", hour.hour(), hour.before(), hour.after(), change >= 0 ? "+" : "", change,
        run.record().job(), hour.at());
  }
}
