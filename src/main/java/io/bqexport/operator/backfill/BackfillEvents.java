package io.bqexport.operator.backfill;

import io.bqexport.api.v1alpha1.BigQueryBackfill;
import io.bqexport.api.v1alpha1.BigQueryBackfillStatus;
import io.bqexport.api.v1alpha1.Condition;
import io.bqexport.api.v1alpha1.FailedChunk;
import io.bqexport.operator.status.ConditionType;
import io.bqexport.operator.status.EventRecorder;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** One Event per change a human cares about: started, suspended, resumed, a chunk failed, finished, stalled. */
final class BackfillEvents {
  private final EventRecorder recorder;

  BackfillEvents(EventRecorder recorder) {
    this.recorder = recorder;
  }

  void record(BigQueryBackfill backfill, BigQueryBackfillStatus before, BigQueryBackfillStatus after) {
    String was = before == null ? null : before.phase();
    boolean transfer = after.transferConfigs() != null;
    String now = after.phase();
    if (!Objects.equals(was, now)) {
      String progress = after.progress() == null ? "" : " (" + after.progress().percent()
          + (after.progress().rows() == null ? "" : ", " + after.progress().rows() + " rows") + ")";
      // With delivery TransferService there is no Job: the transfer configs run the hours.
      String runner = transfer ? "transfer runs in " + String.join(", ", after.transferConfigs())
          : "Job " + after.job();
      switch (now) {
        case BackfillStatusAssembler.RUNNING -> recorder.normal(backfill,
            BackfillStatusAssembler.SUSPENDED.equals(was) ? "Resumed" : "Started",
            (BackfillStatusAssembler.SUSPENDED.equals(was) ? "Resumed" : "Started") + " " + runner + progress);
        case BackfillStatusAssembler.SUSPENDED -> recorder.normal(backfill, "Suspended",
            "Suspended " + runner + progress);
        case BackfillStatusAssembler.SUCCEEDED -> recorder.normal(backfill, "Succeeded",
            message(after, ConditionType.READY));
        case BackfillStatusAssembler.FAILED -> recorder.warning(backfill, "Failed",
            message(after, ConditionType.FAILED));
        default -> { }
      }
    }
    Set<Integer> told = before == null || before.failedChunks() == null ? Set.of()
        : before.failedChunks().stream().map(FailedChunk::index).collect(Collectors.toSet());
    for (FailedChunk chunk : Optional.ofNullable(after.failedChunks()).orElse(List.of())) {
      if (!told.contains(chunk.index())) {
        recorder.warning(backfill, transfer ? "HourFailed" : "ChunkFailed", (transfer ? "Hour " : "Chunk ")
            + chunk.index() + " (" + chunk.window() + ") failed: " + chunk.reason() + ": " + chunk.message());
      }
    }
    Optional<Condition> stalledBefore = condition(before, ConditionType.STALLED);
    Optional<Condition> stalledAfter = condition(after, ConditionType.STALLED);
    if (stalledAfter.filter(Condition::isTrue).isPresent() && !BackfillStatusAssembler.FAILED.equals(now)
        && (stalledBefore.isEmpty() || !stalledBefore.get().isTrue()
            || !Objects.equals(stalledBefore.get().reason(), stalledAfter.get().reason()))) {
      recorder.warning(backfill, stalledAfter.get().reason(), stalledAfter.get().message());
    }
  }

  private static String message(BigQueryBackfillStatus status, String type) {
    return condition(status, type).map(Condition::message).orElse("");
  }

  private static Optional<Condition> condition(BigQueryBackfillStatus status, String type) {
    return status == null || status.conditions() == null ? Optional.empty()
        : status.conditions().stream().filter(c -> c.type().equals(type)).findFirst();
  }
}
