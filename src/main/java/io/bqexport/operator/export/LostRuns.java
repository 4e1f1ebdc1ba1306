package io.bqexport.operator.export;

import io.bqexport.api.v1alpha1.RunRecord;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Closes the runs status.runs shows Running whose Job is gone: deleted by hand, by its ttlSecondsAfterFinished while
 * the operator was down, or with its CronJob, before the operator saw it finish. Left alone such a record stayed
 * Running, and status.lastRun with it, until the history limit dropped it. A Job is labelled recorded only once the
 * status holds it finished, so every Job of a Running record that still exists is in the Job cache and observed at
 * each reconcile ({@link FinishedRuns}); one not observed has no Job left to say how it ended.
 */
final class LostRuns {
  /** The result of a run whose outcome nobody can tell any more. */
  static final String UNKNOWN = "Unknown";
  static final String JOB_DELETED = "JobDeleted";

  private LostRuns() {}

  /**
   * {@code previous} with each Running record that {@code observed} lacks closed: result Unknown, reason JobDeleted,
   * completionTime {@code now} (the run ended no later than the operator noticed), the rest as last seen. Closed
   * once: the next reconcile finds it no longer Running.
   */
  static List<RunRecord> closed(List<RunRecord> previous, List<RunHistory.Run> observed, Instant now) {
    if (previous == null) {
      return null;
    }
    Set<String> seen = observed.stream().map(r -> r.record().job()).collect(Collectors.toSet());
    return previous.stream().map(r -> RunHistory.RUNNING.equals(r.result()) && !seen.contains(r.job())
        ? close(r, now) : r).toList();
  }

  private static RunRecord close(RunRecord r, Instant now) {
    return new RunRecord(r.job(), r.pod(), r.trigger(), r.startTime(), now.truncatedTo(ChronoUnit.SECONDS)
        .toString(), UNKNOWN, r.hours(), r.rows(), r.committed(), r.verifiedHours(), r.repairedHours(), JOB_DELETED,
        "Job " + r.job() + " was deleted before the operator saw it finish (by hand, by its ttlSecondsAfterFinished"
            + " while the operator was down, or with its CronJob): how it ended is unknown. Nothing is lost: the"
            + " next run resumes where the ledger ends.", r.filteredEvents(), r.mergeIdRows());
  }
}
