package io.bqexport.operator.export;

import io.bqexport.api.v1alpha1.IntegrityStatus;
import io.bqexport.api.v1alpha1.RepairedHourStatus;
import io.bqexport.api.v1alpha1.RunRecord;
import io.bqexport.exporter.RunSummary;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * status.integrity, accumulated from the runs' summaries. A run (a Job's pod: a Job retries in a new pod) is reported
 * once: when its record first carries that pod's figures (verifiedHours) in status.runs. The status survives operator
 * restarts, so a restart reports nothing twice, and a record that fell out of the bounded history never comes back
 * as new.
 */
final class IntegrityProgress {
  static final int LAST_REPAIRS = 10;

  private IntegrityProgress() {}

  /**
   * The runs whose summary the status takes in with this update: their record in the next history carries the
   * figures of their pod, and the previous history had no such record. A run older than the whole previous history
   * was dropped from it earlier (e.g. before spec.historyLimit was raised), so it is not new either.
   */
  static List<RunHistory.Run> newlyReported(List<RunRecord> before, List<RunHistory.Run> observed,
      List<RunRecord> after) {
    Map<String, RunRecord> previous = byJob(before);
    Map<String, RunRecord> next = byJob(after);
    String oldestKnown = before == null ? null : before.stream().map(RunRecord::startTime).filter(Objects::nonNull)
        .min(Comparator.naturalOrder()).orElse(null);
    // A summary is written last, so it counts even before the Job shows the run finished.
    return observed.stream().filter(r -> r.summary().isPresent() && reports(next.get(r.record().job()), r))
        .filter(r -> {
          RunRecord was = previous.get(r.record().job());
          if (was != null) {
            return !reports(was, r);
          }
          String start = r.record().startTime();
          return oldestKnown == null || start == null || start.compareTo(oldestKnown) >= 0;
        })
        .toList();
  }

  /** The record shows the figures of the run's pod. */
  private static boolean reports(RunRecord record, RunHistory.Run run) {
    return record != null && record.verifiedHours() != null && Objects.equals(record.pod(), run.record().pod());
  }

  private static Map<String, RunRecord> byJob(List<RunRecord> records) {
    return records == null ? Map.of()
        : records.stream().collect(Collectors.toMap(RunRecord::job, r -> r, (a, b) -> a));
  }

  /** The previous status plus the newly reported runs; verifiedThrough as the run that finished last says. */
  static IntegrityStatus next(IntegrityStatus previous, List<RunHistory.Run> newly, List<RunHistory.Run> observed) {
    IntegrityStatus was = previous != null ? previous : new IntegrityStatus(null, 0L, 0L, null, null);
    String verifiedThrough = observed.stream().map(RunHistory.Run::summary).flatMap(Optional::stream)
        .filter(s -> s.finishedAt() != null && s.verifiedThrough() != null)
        .max(Comparator.comparing(RunSummary::finishedAt)).map(RunSummary::verifiedThrough)
        .orElse(was.verifiedThrough());
    List<RunSummary> summaries = newly.stream().map(r -> r.summary().orElseThrow()).toList();
    long verified = orZero(was.hoursVerified()) + summaries.stream().mapToLong(RunSummary::verifiedHours).sum();
    List<RunSummary.Repaired> repaired = summaries.stream().filter(s -> s.repaired() != null)
        .flatMap(s -> s.repaired().stream()).toList();
    long repairedCount = orZero(was.hoursRepaired()) + repaired.size();
    String lastVerifiedAt = summaries.stream().filter(s -> s.verifiedHours() > 0 && s.finishedAt() != null)
        .map(RunSummary::finishedAt).max(Comparator.naturalOrder())
        .filter(at -> was.lastVerifiedAt() == null || at.compareTo(was.lastVerifiedAt()) > 0)
        .orElse(was.lastVerifiedAt());
    if (verifiedThrough == null && verified == 0 && repairedCount == 0 && lastVerifiedAt == null) {
      return previous;
    }
    return new IntegrityStatus(verifiedThrough, verified, repairedCount, lastRepairs(was.lastRepairs(), repaired),
        lastVerifiedAt);
  }

  /** Newest first by when they were repaired, each (hour, time) once, at most {@link #LAST_REPAIRS}. */
  private static List<RepairedHourStatus> lastRepairs(List<RepairedHourStatus> previous,
      List<RunSummary.Repaired> added) {
    Map<String, RepairedHourStatus> byKey = new LinkedHashMap<>();
    if (previous != null) {
      previous.forEach(r -> byKey.put(r.hour() + "@" + r.at(), r));
    }
    added.forEach(r -> byKey.put(r.hour() + "@" + r.at(), new RepairedHourStatus(r.hour(), r.before(), r.after(),
        r.at())));
    List<RepairedHourStatus> all = byKey.values().stream()
        .sorted(Comparator.comparing((RepairedHourStatus r) -> r.at() == null ? "" : r.at())
            .thenComparing(r -> r.hour() == null ? "" : r.hour()).reversed())
        .limit(LAST_REPAIRS).toList();
    return all.isEmpty() ? null : all;
  }

  private static long orZero(Long value) {
    return value == null ? 0 : value;
  }
}
