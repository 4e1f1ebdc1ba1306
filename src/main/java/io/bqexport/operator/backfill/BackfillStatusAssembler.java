package io.bqexport.operator.backfill;

import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.api.v1alpha1.BackfillProgress;
import io.bqexport.api.v1alpha1.BigQueryBackfill;
import io.bqexport.api.v1alpha1.BigQueryBackfillStatus;
import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.SpecDurations;
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

  public BigQueryBackfillStatus assemble(BigQueryBackfill backfill, List<Problem> problems,
      Optional<BigQueryExport> export, Instant now) {
    BigQueryBackfillStatus previous = backfill.getStatus();
    Conditions conditions = new Conditions(previous == null ? null : previous.conditions(),
        backfill.getMetadata().getGeneration(), now);
    BackfillProgress progress = previous == null ? null : previous.progress();

    Optional<Problem> blocking = problems.stream().findFirst();
    String allMessages = problems.stream().map(Problem::message).collect(Collectors.joining("; "));
    if (blocking.isEmpty() && export.isEmpty()) {
      blocking = Optional.of(Problem.of(Reasons.EXPORT_NOT_FOUND, "BigQueryExport " + backfill.getSpec().exportRef().name()
          + " (spec.exportRef.name) does not exist in namespace " + backfill.getMetadata().getNamespace()
          + "; create it first, or fix the name"));
      allMessages = blocking.get().message();
    }
    if (blocking.isEmpty()) {
      Optional<Problem> late = rangeNotYetAvailable(backfill, export.get(), now);
      if (late.isPresent()) {
        blocking = late;
        allMessages = late.get().message();
      }
    }
    if (blocking.isPresent()) {
      conditions.set(ConditionType.READY, false, blocking.get().reason(), allMessages);
      conditions.set(ConditionType.RECONCILING, false, blocking.get().reason(), "Waiting for the spec to be fixed.");
      conditions.set(ConditionType.STALLED, true, blocking.get().reason(), allMessages);
    } else {
      Instant start = Instant.parse(backfill.getSpec().start());
      long hours = Duration.between(start, Instant.parse(backfill.getSpec().end())).toHours();
      progress = progress != null ? progress : new BackfillProgress(hours, 0L, 0L, 0L, "0%");
      boolean credentialsValid = export.get().getStatus() != null && export.get().getStatus().conditions() != null
          && export.get().getStatus().conditions().stream()
              .anyMatch(c -> c.type().equals(ConditionType.CREDENTIALS_VALID) && c.isTrue());
      String reason = credentialsValid ? Reasons.PENDING : Reasons.WAITING_FOR_EXPORT;
      String message = credentialsValid ? "The backfill is waiting to start."
          : "Waiting for BigQueryExport " + export.get().getMetadata().getName() + " to have valid credentials"
              + " (its CredentialsValid condition).";
      conditions.set(ConditionType.READY, false, reason, message);
      conditions.set(ConditionType.RECONCILING, true, reason, message);
      conditions.set(ConditionType.STALLED, false, reason, "");
    }
    return new BigQueryBackfillStatus(backfill.getMetadata().getGeneration(), "Pending", conditions.list(), progress,
        previous == null ? null : previous.failedChunks(), previous == null ? null : previous.startedRange(),
        previous == null ? null : previous.job(), previous == null ? null : previous.startTime(),
        previous == null ? null : previous.completionTime());
  }

  private static Optional<Problem> rangeNotYetAvailable(BigQueryBackfill backfill, BigQueryExport export,
      Instant now) {
    Duration delay = SpecDurations.parse("spec.availabilityDelay", export.getSpec().availabilityDelay());
    Instant latestEnd = now.minus(delay).truncatedTo(java.time.temporal.ChronoUnit.HOURS);
    Instant end = Instant.parse(backfill.getSpec().end());
    if (end.isAfter(latestEnd)) {
      return Optional.of(Problem.of(Reasons.RANGE_NOT_AVAILABLE, "spec.end " + backfill.getSpec().end() + " is later than"
          + " now minus the export's availabilityDelay (" + export.getSpec().availabilityDelay() + "): Amplitude has"
          + " not made those hours exportable yet. Set spec.end to " + latestEnd + " or earlier; the export itself"
          + " covers later hours"));
    }
    return Optional.empty();
  }
}
