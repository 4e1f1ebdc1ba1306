package io.bqexport.operator.backfill;

import io.bqexport.api.v1alpha1.BackfillProgress;
import io.bqexport.api.v1alpha1.BigQueryBackfill;
import io.bqexport.api.v1alpha1.BigQueryBackfillStatus;
import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.operator.status.ConditionType;
import io.bqexport.operator.status.Conditions;
import io.bqexport.operator.status.Problem;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** Turns what one reconcile observed into the complete status of a BigQueryBackfill. */
public final class BackfillStatusAssembler {
  public static final String PENDING = "Pending";
  public static final String RUNNING = "Running";
  public static final String SUSPENDED = "Suspended";
  public static final String SUCCEEDED = "Succeeded";
  public static final String FAILED = "Failed";

  /**
   * What one reconcile saw.
   *
   * @param problems why the backfill cannot go on (spec, missing export, range); empty when it can
   * @param waiting why the backfill has not started yet although nothing is wrong, or null
   * @param chunks the Job's progress, when the Job exists (with delivery TransferService: the runs' progress)
   * @param startedRange the range the Job was created for, once it was
   * @param job the Job's name, once it was created
   * @param transferConfigs with delivery TransferService, the configs whose runs were started (maybe none yet);
   *     null for a backfill by Job
   */
  public record Observation(List<Problem> problems, Waiting waiting, Optional<BackfillChunks> chunks,
      String startedRange, String job, List<String> transferConfigs) {

    boolean transfer() {
      return transferConfigs != null;
    }
  }

  /** Not started yet, for a reason that goes away by itself (credentials validated, configs created, resumed). */
  public record Waiting(String reason, String message) {
    static Waiting forCredentials(String export) {
      return new Waiting(Reasons.WAITING_FOR_EXPORT, "Waiting for BigQueryExport " + export + " to have valid"
          + " credentials for its current spec (its CredentialsValid condition); the backfill starts as soon as"
          + " they are.");
    }
  }

  public BigQueryBackfillStatus assemble(BigQueryBackfill backfill, Observation seen, Instant now) {
    BigQueryBackfillStatus previous = backfill.getStatus();
    Conditions conditions = new Conditions(previous == null ? null : previous.conditions(),
        backfill.getMetadata().getGeneration(), now);
    long hoursTotal = hoursTotal(backfill);
    // Once the Job exists, its plan is the truth, even if the spec's range was changed since.
    BackfillProgress progress = seen.chunks().map(c -> progress(c.hoursTotal(), c, seen.transfer()))
        .orElse(previous != null && previous.progress() != null ? previous.progress()
            : new BackfillProgress(hoursTotal, 0L, 0L, 0L, "0%"));
    String phase = seen.chunks().map(c -> c.state().name())
        .orElse(previous != null && isFinished(previous.phase()) ? previous.phase() : PENDING);

    if (!seen.problems().isEmpty()) {
      Problem first = seen.problems().get(0);
      String all = seen.problems().stream().map(Problem::message).collect(Collectors.joining("; "));
      boolean started = seen.chunks().isPresent();
      conditions.set(ConditionType.READY, false, first.reason(), all);
      conditions.set(ConditionType.RECONCILING, false, first.reason(), started
          ? "The Job keeps exporting the range it started with; fix the spec." : "Waiting for the spec to be fixed.");
      conditions.set(ConditionType.STALLED, true, first.reason(), all);
      finishedConditions(conditions, phase, seen);
    } else if (seen.chunks().isEmpty() && !isFinished(phase)) {
      String reason = seen.waiting() == null ? Reasons.PENDING : seen.waiting().reason();
      String message = seen.waiting() == null ? "The backfill is about to start." : seen.waiting().message();
      conditions.set(ConditionType.READY, false, reason, message);
      conditions.set(ConditionType.RECONCILING, true, reason, message);
      conditions.set(ConditionType.STALLED, false, reason, "");
      conditions.set(ConditionType.COMPLETE, false, reason, message);
      conditions.set(ConditionType.FAILED, false, reason, "");
    } else {
      String summary = summary(progress);
      switch (phase) {
        case SUCCEEDED -> {
          String message = "Exported " + backfill.getSpec().start() + " to " + backfill.getSpec().end() + ": "
              + summary + ".";
          conditions.set(ConditionType.READY, true, Reasons.SUCCEEDED, message);
          conditions.set(ConditionType.RECONCILING, false, Reasons.SUCCEEDED, message);
          conditions.set(ConditionType.STALLED, false, Reasons.SUCCEEDED, "");
        }
        case FAILED -> {
          String message = failedMessage(seen, summary);
          conditions.set(ConditionType.READY, false, failedReason(seen), message);
          conditions.set(ConditionType.RECONCILING, false, failedReason(seen), message);
          conditions.set(ConditionType.STALLED, true, failedReason(seen), message);
        }
        case SUSPENDED -> {
          String message = "Suspended (spec.suspend): " + summary + "; set spec.suspend to false to resume.";
          conditions.set(ConditionType.READY, false, Reasons.SUSPENDED, message);
          conditions.set(ConditionType.RECONCILING, false, Reasons.SUSPENDED, message);
          conditions.set(ConditionType.STALLED, false, Reasons.SUSPENDED, "");
        }
        default -> {
          String message = seen.transfer() ? "Transfer runs started, one per hour, in " + seen.transferConfigs().size()
              + " transfer config(s): " + summary + "."
              : "Exporting in chunks of " + backfill.getSpec().chunkHours() + " hour(s): " + summary + ".";
          conditions.set(ConditionType.READY, false, Reasons.RUNNING, message);
          conditions.set(ConditionType.RECONCILING, true, Reasons.RUNNING, message);
          conditions.set(ConditionType.STALLED, false, Reasons.RUNNING, "");
        }
      }
      finishedConditions(conditions, phase, seen);
    }

    String startTime = previous != null && previous.startTime() != null ? previous.startTime()
        : seen.chunks().map(BackfillChunks::startTime).orElse(seen.job() != null ? now.toString() : null);
    String completionTime = seen.chunks().map(BackfillChunks::completionTime)
        .orElse(previous == null ? null : previous.completionTime());
    return new BigQueryBackfillStatus(backfill.getMetadata().getGeneration(), phase, conditions.list(), progress,
        seen.chunks().map(BackfillChunks::failed).filter(f -> !f.isEmpty())
            .orElse(seen.chunks().isPresent() || previous == null ? null : previous.failedChunks()),
        seen.startedRange(), seen.job(), startTime, completionTime,
        seen.transfer() && !seen.transferConfigs().isEmpty() ? seen.transferConfigs() : null);
  }

  /** Complete and Failed say how the backfill ended, like a Job's conditions. */
  private static void finishedConditions(Conditions conditions, String phase, Observation seen) {
    if (SUCCEEDED.equals(phase)) {
      conditions.set(ConditionType.COMPLETE, true, Reasons.SUCCEEDED, seen.transfer()
          ? "Every hour's transfer run succeeded." : "Every chunk is exported.");
      conditions.set(ConditionType.FAILED, false, Reasons.SUCCEEDED, "");
    } else if (FAILED.equals(phase)) {
      String message = failedMessage(seen, "");
      conditions.set(ConditionType.COMPLETE, false, failedReason(seen), message);
      conditions.set(ConditionType.FAILED, true, failedReason(seen), message);
    } else {
      String reason = SUSPENDED.equals(phase) ? Reasons.SUSPENDED : RUNNING.equals(phase) ? Reasons.RUNNING
          : conditions.get(ConditionType.COMPLETE).map(c -> c.reason()).orElse(Reasons.PENDING);
      conditions.set(ConditionType.COMPLETE, false, reason, "The backfill has not finished.");
      conditions.set(ConditionType.FAILED, false, reason, "");
    }
  }

  private static String failedReason(Observation seen) {
    return seen.transfer() ? Reasons.TRANSFER_RUN_FAILED : Reasons.CHUNKS_FAILED;
  }

  private static String failedMessage(Observation seen, String summary) {
    var chunks = seen.chunks().orElse(null);
    if (chunks == null) {
      return "The backfill failed.";
    }
    if (seen.transfer()) {
      String failed = chunks.failed().stream().limit(3).map(f -> "hour " + f.window() + ": " + f.message())
          .collect(Collectors.joining("; "));
      return (summary.isEmpty() ? "" : summary + ". ") + chunks.hoursFailed() + " hour(s) failed in the Transfer"
          + " Service" + (failed.isEmpty() ? "" : ": " + failed) + ". Loaded hours stay; fix the cause and create"
          + " a new FillGaps backfill, which starts runs only for the hours not loaded.";
    }
    String failed = chunks.failed().stream().limit(3)
        .map(f -> "chunk " + f.index() + " (" + f.window() + ") " + f.reason() + ": " + f.message())
        .collect(Collectors.joining("; "));
    return (summary.isEmpty() ? "" : summary + ". ") + chunks.failed().size() + " chunk(s) failed"
        + (failed.isEmpty() ? "" : ": " + failed)
        + (chunks.jobFailure() == null ? "" : " (Job: " + chunks.jobFailure() + ")")
        + ". Committed chunks stay; fix the cause and create a new FillGaps backfill for the rest.";
  }

  /** Transfer runs count no rows: rows stays empty rather than claiming 0. */
  private static BackfillProgress progress(long hoursTotal, BackfillChunks chunks, boolean transfer) {
    long percent = hoursTotal == 0 ? 100 : chunks.hoursDone() * 100 / hoursTotal;
    return new BackfillProgress(hoursTotal, chunks.hoursDone(), chunks.hoursFailed(),
        transfer ? null : chunks.rows(), percent + "%");
  }

  private static String summary(BackfillProgress p) {
    return p.hoursDone() + " of " + p.hoursTotal() + " hours done (" + p.percent() + ")"
        + (p.rows() == null ? "" : ", " + p.rows() + " rows")
        + (p.hoursFailed() > 0 ? ", " + p.hoursFailed() + " hours failed" : "");
  }

  static boolean isFinished(String phase) {
    return SUCCEEDED.equals(phase) || FAILED.equals(phase);
  }

  private static long hoursTotal(BigQueryBackfill backfill) {
    try {
      return Math.max(0, Duration.between(Instant.parse(backfill.getSpec().start()),
          Instant.parse(backfill.getSpec().end())).toHours());
    } catch (RuntimeException e) {
      return 0; // an invalid range: the problems say why
    }
  }
}
