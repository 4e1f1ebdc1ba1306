package io.bqexport.operator.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.api.v1alpha1.BackfillProgress;
import io.bqexport.api.v1alpha1.BigQueryBackfill;
import io.bqexport.api.v1alpha1.BigQueryBackfillSpec;
import io.bqexport.api.v1alpha1.BigQueryBackfillStatus;
import io.bqexport.api.v1alpha1.Condition;
import io.bqexport.api.v1alpha1.ExportRef;
import io.bqexport.api.v1alpha1.FailedChunk;
import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.operator.backfill.BackfillChunks.JobState;
import io.bqexport.operator.status.ConditionType;
import io.bqexport.operator.status.Problem;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The phase, conditions and progress a user reads, from one reconcile's observation of the Job (or the transfer
 * runs), without any server.
 */
class BackfillStatusAssemblerTest {
  private static final Instant NOW = Instant.parse("2026-11-28T10:30:00.250Z");
  private static final String RANGE = "2025-01-01T00:00:00Z/2025-01-04T00:00:00Z";
  private final BackfillStatusAssembler assembler = new BackfillStatusAssembler();

  private static BigQueryBackfill backfill(String start) {
    BigQueryBackfill backfill = new BigQueryBackfill();
    backfill.setMetadata(new ObjectMetaBuilder().withNamespace("team-a").withName("history").withGeneration(4L)
        .build());
    backfill.setSpec(new BigQueryBackfillSpec(new ExportRef("product-events"), start, "2025-01-04T00:00:00Z", null,
        24, null, null));
    return backfill;
  }

  private static BackfillChunks chunks(JobState state, long done, long failedHours, List<FailedChunk> failed,
      String jobFailure) {
    return new BackfillChunks(state, 72, done, failedHours, done * 20, (int) (done / 24), 3, failed,
        "2026-11-28T10:00:00Z", state == JobState.Running ? null : "2026-11-28T10:20:00Z", jobFailure);
  }

  private static BackfillStatusAssembler.Observation byJob(List<Problem> problems, BackfillChunks chunks) {
    return new BackfillStatusAssembler.Observation(problems, null, Optional.ofNullable(chunks), RANGE,
        "history-backfill", null);
  }

  private static void assertCondition(BigQueryBackfillStatus status, String type, String value, String reason,
      String message) {
    Condition c = status.conditions().stream().filter(x -> x.type().equals(type)).findFirst().orElseThrow();
    assertThat(List.of(c.status(), c.reason(), c.message())).as(type).containsExactly(value, reason, message);
  }

  @Test
  void beforeTheJobExistsTheBackfillIsPendingWithTheWholeRangeToDo() {
    BigQueryBackfillStatus status = assembler.assemble(backfill("2025-01-01T00:00:00Z"),
        new BackfillStatusAssembler.Observation(List.of(), null, Optional.empty(), null, null, null), NOW);

    assertThat(status.phase()).isEqualTo(BackfillStatusAssembler.PENDING);
    assertThat(status.progress()).isEqualTo(new BackfillProgress(72L, 0L, 0L, 0L, "0%"));
    assertCondition(status, ConditionType.READY, "False", Reasons.PENDING, "The backfill is about to start.");
    assertCondition(status, ConditionType.RECONCILING, "True", Reasons.PENDING, "The backfill is about to start.");
    assertCondition(status, ConditionType.STALLED, "False", Reasons.PENDING, "");
    assertCondition(status, ConditionType.COMPLETE, "False", Reasons.PENDING, "The backfill is about to start.");
    assertCondition(status, ConditionType.FAILED, "False", Reasons.PENDING, "");
    assertThat(status.observedGeneration()).isEqualTo(4L);
    assertThat(status.startTime()).isNull();
    assertThat(status.job()).isNull();
  }

  @Test
  void waitingForTheExportsCredentialsSaysWhichExport() {
    var waiting = BackfillStatusAssembler.Waiting.forCredentials("product-events");
    BigQueryBackfillStatus status = assembler.assemble(backfill("2025-01-01T00:00:00Z"),
        new BackfillStatusAssembler.Observation(List.of(), waiting, Optional.empty(), null, null, null), NOW);

    assertCondition(status, ConditionType.READY, "False", Reasons.WAITING_FOR_EXPORT, "Waiting for BigQueryExport"
        + " product-events to have valid credentials for its current spec (its CredentialsValid condition); the"
        + " backfill starts as soon as they are.");
    assertCondition(status, ConditionType.STALLED, "False", Reasons.WAITING_FOR_EXPORT, "");
  }

  @Test
  void aRunningJobReportsItsChunksHoursAndRows() {
    BigQueryBackfillStatus status = assembler.assemble(backfill("2025-01-01T00:00:00Z"),
        byJob(List.of(), chunks(JobState.Running, 24, 0, List.of(), null)), NOW);

    String message = "Exporting in chunks of 24 hour(s): 24 of 72 hours done (33%), 480 rows.";
    assertThat(status.phase()).isEqualTo(BackfillStatusAssembler.RUNNING);
    assertThat(status.progress()).isEqualTo(new BackfillProgress(72L, 24L, 0L, 480L, "33%"));
    assertCondition(status, ConditionType.READY, "False", Reasons.RUNNING, message);
    assertCondition(status, ConditionType.RECONCILING, "True", Reasons.RUNNING, message);
    assertCondition(status, ConditionType.STALLED, "False", Reasons.RUNNING, "");
    assertCondition(status, ConditionType.COMPLETE, "False", Reasons.RUNNING, "The backfill has not finished.");
    assertCondition(status, ConditionType.FAILED, "False", Reasons.RUNNING, "");
    assertThat(List.of(status.startedRange(), status.job(), status.startTime()))
        .containsExactly(RANGE, "history-backfill", "2026-11-28T10:00:00Z");
    assertThat(status.completionTime()).isNull();
    assertThat(status.failedChunks()).isNull();
    assertThat(status.transferConfigs()).isNull();
  }

  @Test
  void aSucceededJobIsReadyAndComplete() {
    BigQueryBackfillStatus status = assembler.assemble(backfill("2025-01-01T00:00:00Z"),
        byJob(List.of(), chunks(JobState.Succeeded, 72, 0, List.of(), null)), NOW);

    String message = "Exported 2025-01-01T00:00:00Z to 2025-01-04T00:00:00Z: 72 of 72 hours done (100%), 1440 rows.";
    assertThat(status.phase()).isEqualTo(BackfillStatusAssembler.SUCCEEDED);
    assertCondition(status, ConditionType.READY, "True", Reasons.SUCCEEDED, message);
    assertCondition(status, ConditionType.RECONCILING, "False", Reasons.SUCCEEDED, message);
    assertCondition(status, ConditionType.STALLED, "False", Reasons.SUCCEEDED, "");
    assertCondition(status, ConditionType.COMPLETE, "True", Reasons.SUCCEEDED, "Every chunk is exported.");
    assertCondition(status, ConditionType.FAILED, "False", Reasons.SUCCEEDED, "");
    assertThat(status.completionTime()).isEqualTo("2026-11-28T10:20:00Z");
  }

  @Test
  void aFailedJobNamesTheFirstThreeFailedChunksAndTheJobsReason() {
    List<FailedChunk> failed = List.of(
        new FailedChunk(0, "2025-01-01T00:00:00Z/2025-01-01T06:00:00Z", "SourceUnavailable", "Amplitude 503"),
        new FailedChunk(1, "2025-01-01T06:00:00Z/2025-01-01T12:00:00Z", "OOMKilled", "exit code 137"),
        new FailedChunk(2, "2025-01-01T12:00:00Z/2025-01-01T18:00:00Z", "LoadRejected", "bad row"),
        new FailedChunk(3, "2025-01-01T18:00:00Z/2025-01-02T00:00:00Z", "LoadRejected", "bad row too"));
    BigQueryBackfillStatus status = assembler.assemble(backfill("2025-01-01T00:00:00Z"),
        byJob(List.of(), chunks(JobState.Failed, 48, 24, failed, "BackoffLimitExceeded: too many")), NOW);

    String chunks = "4 chunk(s) failed: chunk 0 (2025-01-01T00:00:00Z/2025-01-01T06:00:00Z) SourceUnavailable:"
        + " Amplitude 503; chunk 1 (2025-01-01T06:00:00Z/2025-01-01T12:00:00Z) OOMKilled: exit code 137; chunk 2"
        + " (2025-01-01T12:00:00Z/2025-01-01T18:00:00Z) LoadRejected: bad row (Job: BackoffLimitExceeded: too many)."
        + " Committed chunks stay; fix the cause and create a new FillGaps backfill for the rest.";
    String withSummary = "48 of 72 hours done (66%), 960 rows, 24 hours failed. " + chunks;
    assertThat(status.phase()).isEqualTo(BackfillStatusAssembler.FAILED);
    assertThat(status.progress()).isEqualTo(new BackfillProgress(72L, 48L, 24L, 960L, "66%"));
    assertCondition(status, ConditionType.READY, "False", Reasons.CHUNKS_FAILED, withSummary);
    assertCondition(status, ConditionType.RECONCILING, "False", Reasons.CHUNKS_FAILED, withSummary);
    assertCondition(status, ConditionType.STALLED, "True", Reasons.CHUNKS_FAILED, withSummary);
    assertCondition(status, ConditionType.COMPLETE, "False", Reasons.CHUNKS_FAILED, chunks);
    assertCondition(status, ConditionType.FAILED, "True", Reasons.CHUNKS_FAILED, chunks);
    assertThat(status.failedChunks()).isEqualTo(failed);
  }

  @Test
  void aSuspendedJobSaysHowToResume() {
    BigQueryBackfillStatus status = assembler.assemble(backfill("2025-01-01T00:00:00Z"),
        byJob(List.of(), chunks(JobState.Suspended, 24, 0, List.of(), null)), NOW);

    String message = "Suspended (spec.suspend): 24 of 72 hours done (33%), 480 rows; set spec.suspend to false to"
        + " resume.";
    assertThat(status.phase()).isEqualTo(BackfillStatusAssembler.SUSPENDED);
    assertCondition(status, ConditionType.READY, "False", Reasons.SUSPENDED, message);
    assertCondition(status, ConditionType.RECONCILING, "False", Reasons.SUSPENDED, message);
    assertCondition(status, ConditionType.STALLED, "False", Reasons.SUSPENDED, "");
    assertCondition(status, ConditionType.COMPLETE, "False", Reasons.SUSPENDED, "The backfill has not finished.");
  }

  @Test
  void transferRunsCountHoursNotRowsAndNameTheFailedHours() {
    var running = new BackfillChunks(JobState.Running, 72, 5, 0, 0, 0, 72, List.of(), "2026-11-28T10:00:00Z", null,
        null);
    var failed = new BackfillChunks(JobState.Failed, 72, 70, 2, 0, 0, 72, List.of(
        new FailedChunk(3, "2025-01-01T03:00:00Z/2025-01-01T04:00:00Z", Reasons.TRANSFER_RUN_FAILED, "no files")),
        "2026-11-28T10:00:00Z", "2026-11-28T10:20:00Z", null);
    var succeeded = new BackfillChunks(JobState.Succeeded, 72, 72, 0, 0, 0, 72, List.of(), "2026-11-28T10:00:00Z",
        "2026-11-28T10:20:00Z", null);
    List<String> configs = List.of("product-events-events");

    BigQueryBackfillStatus a = assembler.assemble(backfill("2025-01-01T00:00:00Z"),
        new BackfillStatusAssembler.Observation(List.of(), null, Optional.of(running), RANGE, null, configs), NOW);
    BigQueryBackfillStatus b = assembler.assemble(backfill("2025-01-01T00:00:00Z"),
        new BackfillStatusAssembler.Observation(List.of(), null, Optional.of(failed), RANGE, null, configs), NOW);
    BigQueryBackfillStatus c = assembler.assemble(backfill("2025-01-01T00:00:00Z"),
        new BackfillStatusAssembler.Observation(List.of(), null, Optional.of(succeeded), RANGE, null, configs), NOW);

    assertThat(a.progress()).isEqualTo(new BackfillProgress(72L, 5L, 0L, null, "6%"));
    assertCondition(a, ConditionType.READY, "False", Reasons.RUNNING, "Transfer runs started, one per hour, in 1"
        + " transfer config(s): 5 of 72 hours done (6%).");
    assertThat(a.transferConfigs()).isEqualTo(configs);
    String hours = "2 hour(s) failed in the Transfer Service: hour 2025-01-01T03:00:00Z/2025-01-01T04:00:00Z: no"
        + " files. Loaded hours stay; fix the cause and create a new FillGaps backfill, which starts runs only for the"
        + " hours not loaded.";
    assertCondition(b, ConditionType.STALLED, "True", Reasons.TRANSFER_RUN_FAILED,
        "70 of 72 hours done (97%), 2 hours failed. " + hours);
    assertCondition(b, ConditionType.FAILED, "True", Reasons.TRANSFER_RUN_FAILED, hours);
    assertCondition(c, ConditionType.COMPLETE, "True", Reasons.SUCCEEDED, "Every hour's transfer run succeeded.");
    BigQueryBackfillStatus none = assembler.assemble(backfill("2025-01-01T00:00:00Z"),
        new BackfillStatusAssembler.Observation(List.of(), null, Optional.of(running), RANGE, null, List.of()), NOW);
    assertThat(none.transferConfigs()).isNull();
  }

  @Test
  void problemsStallTheBackfillAndSayWhetherTheJobGoesOn() {
    List<Problem> problems = List.of(Problem.of(Reasons.EXPORT_NOT_FOUND, "BigQueryExport product-events does not"
        + " exist in team-a."), Problem.of(Reasons.RANGE_TOO_LONG, "spec.end - spec.start is over 8784 hours."));
    String all = "BigQueryExport product-events does not exist in team-a.; spec.end - spec.start is over 8784 hours.";

    BigQueryBackfillStatus before = assembler.assemble(backfill("2025-01-01T00:00:00Z"),
        new BackfillStatusAssembler.Observation(problems, null, Optional.empty(), null, null, null), NOW);
    BigQueryBackfillStatus started = assembler.assemble(backfill("2025-01-01T00:00:00Z"),
        byJob(problems, chunks(JobState.Running, 24, 0, List.of(), null)), NOW);

    assertThat(before.phase()).isEqualTo(BackfillStatusAssembler.PENDING);
    assertCondition(before, ConditionType.READY, "False", Reasons.EXPORT_NOT_FOUND, all);
    assertCondition(before, ConditionType.RECONCILING, "False", Reasons.EXPORT_NOT_FOUND,
        "Waiting for the spec to be fixed.");
    assertCondition(before, ConditionType.STALLED, "True", Reasons.EXPORT_NOT_FOUND, all);
    assertCondition(before, ConditionType.COMPLETE, "False", Reasons.PENDING, "The backfill has not finished.");
    assertCondition(started, ConditionType.RECONCILING, "False", Reasons.EXPORT_NOT_FOUND,
        "The Job keeps exporting the range it started with; fix the spec.");
    assertCondition(started, ConditionType.COMPLETE, "False", Reasons.RUNNING, "The backfill has not finished.");
    assertThat(started.phase()).isEqualTo(BackfillStatusAssembler.RUNNING);
  }

  @Test
  void aFinishedBackfillKeepsItsOutcomeAfterTheJobIsGone() {
    BigQueryBackfill backfill = backfill("2025-01-01T00:00:00Z");
    List<FailedChunk> failed = List.of(new FailedChunk(1, "w", "OOMKilled", "exit code 137"));
    BigQueryBackfillStatus finished = assembler.assemble(backfill,
        byJob(List.of(), chunks(JobState.Failed, 48, 24, failed, null)), NOW);
    backfill.setStatus(finished);

    BigQueryBackfillStatus later = assembler.assemble(backfill, byJob(List.of(), null), NOW.plusSeconds(3600));

    assertThat(later.phase()).isEqualTo(BackfillStatusAssembler.FAILED);
    assertThat(later.progress()).isEqualTo(finished.progress());
    assertThat(later.failedChunks()).isEqualTo(failed);
    assertThat(later.completionTime()).isEqualTo("2026-11-28T10:20:00Z");
    assertThat(later.startTime()).isEqualTo("2026-11-28T10:00:00Z");
    assertCondition(later, ConditionType.READY, "False", Reasons.CHUNKS_FAILED, "The backfill failed.");
    assertCondition(later, ConditionType.FAILED, "True", Reasons.CHUNKS_FAILED, "The backfill failed.");
  }

  @Test
  void theStartTimeIsTheOperatorsOnceTheJobIsCreatedAndKeptAfterwards() {
    BigQueryBackfill backfill = backfill("2025-01-01T00:00:00Z");
    BigQueryBackfillStatus created = assembler.assemble(backfill, byJob(List.of(), null), NOW);
    assertThat(created.startTime()).isEqualTo("2026-11-28T10:30:00.250Z");
    backfill.setStatus(created);

    BigQueryBackfillStatus running = assembler.assemble(backfill,
        byJob(List.of(), chunks(JobState.Running, 24, 0, List.of(), null)), NOW.plusSeconds(60));

    assertThat(running.startTime()).isEqualTo("2026-11-28T10:30:00.250Z");
  }

  @Test
  void anEmptyPlanIsAllDoneAndAnUnreadableRangeCountsNoHours() {
    var empty = new BackfillChunks(JobState.Succeeded, 0, 0, 0, 0, 0, 0, List.of(), null, null, null);
    BigQueryBackfillStatus done = assembler.assemble(backfill("2025-01-01T00:00:00Z"),
        byJob(List.of(), empty), NOW);
    BigQueryBackfillStatus unreadable = assembler.assemble(backfill("January"),
        new BackfillStatusAssembler.Observation(List.of(Problem.of(Reasons.INVALID_RANGE, "spec.start: RFC 3339.")),
            null, Optional.empty(), null, null, null), NOW);
    BigQueryBackfillStatus reversed = assembler.assemble(backfill("2025-01-05T00:00:00Z"),
        new BackfillStatusAssembler.Observation(List.of(Problem.of(Reasons.INVALID_RANGE, "spec.end before start.")),
            null, Optional.empty(), null, null, null), NOW);

    assertThat(done.progress().percent()).isEqualTo("100%");
    assertThat(unreadable.progress()).isEqualTo(new BackfillProgress(0L, 0L, 0L, 0L, "0%"));
    assertThat(reversed.progress().hoursTotal()).isZero();
  }
}
