package io.bqexport.operator.export;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.exporter.RunSummary;
import io.bqexport.operator.status.EventRecorder;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * One HourRepaired Event per hour the integrity re-check replaced. The status tells which runs are new (so a restart
 * repeats nothing); this process also remembers the runs it has told about, because a reconcile can start from a
 * cached status that does not show its previous write yet.
 */
final class IntegrityEvents {
  private final EventRecorder recorder;
  /** By export uid: job/pod of the runs whose repairs were recorded, while their Jobs exist. */
  private final Map<String, Set<String>> told = new ConcurrentHashMap<>();

  IntegrityEvents(EventRecorder recorder) {
    this.recorder = recorder;
  }

  /**
   * @param newlyReported from {@link IntegrityProgress#newlyReported}
   * @param observed every run observed now: what is remembered for runs no longer there is dropped
   */
  void record(BigQueryExport export, List<RunHistory.Run> newlyReported, List<RunHistory.Run> observed) {
    Set<String> ofExport = told.computeIfAbsent(export.getMetadata().getUid(), k -> ConcurrentHashMap.newKeySet());
    for (RunHistory.Run run : newlyReported) {
      List<RunSummary.Repaired> repaired = run.summary().map(RunSummary::repaired).orElse(List.of());
      if (repaired == null || repaired.isEmpty() || !ofExport.add(key(run))) {
        continue;
      }
      for (RunSummary.Repaired hour : repaired) {
        recorder.normal(export, Reasons.HOUR_REPAIRED, hour.hour() + "@" + hour.at(), message(hour, run));
      }
    }
    if (!observed.isEmpty()) { // empty: nothing was observed (an invalid spec), not "every Job is gone"
      ofExport.retainAll(observed.stream().map(IntegrityEvents::key).collect(Collectors.toSet()));
    }
  }

  void forget(BigQueryExport export) {
    told.remove(export.getMetadata().getUid());
  }

  static String message(RunSummary.Repaired hour, RunHistory.Run run) {
    long change = hour.after() - hour.before();
    return String.format(Locale.ROOT, "Hour %s had %,d events at Amplitude when it was committed, %,d now (%s%,d):"
        + " replaced by run %s at %s.", hour.hour(), hour.before(), hour.after(), change >= 0 ? "+" : "", change,
        run.record().job(), hour.at());
  }

  private static String key(RunHistory.Run run) {
    return run.record().job() + "/" + run.record().pod();
  }
}
