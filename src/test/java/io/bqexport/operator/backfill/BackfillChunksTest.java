package io.bqexport.operator.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.api.v1alpha1.BackfillMode;
import io.bqexport.exporter.ChunkPlan;
import io.bqexport.exporter.RunSummary;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Progress per chunk from the Job status and the pods' termination messages, without any server. */
class BackfillChunksTest {
  private static final ChunkPlan PLAN = ChunkPlan.parse("2025-01-01T00:00:00Z/2025-01-04T00:00:00Z/24");

  private static Job job(String completed, String failed, String condition, String reason) {
    var status = new io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder().withCompletedIndexes(completed)
        .withFailedIndexes(failed).withStartTime("2026-11-28T10:00:00Z");
    if (condition != null) {
      status.addNewCondition().withType(condition).withStatus("True").withReason(reason)
          .withLastTransitionTime("2026-11-28T11:00:00Z").endCondition();
    }
    return new JobBuilder().withNewMetadata().withName("history-backfill").endMetadata()
        .withNewSpec().withSuspend(false).withCompletions(3).endSpec().withStatus(status.build()).build();
  }

  private static Pod pod(int index, int exitCode, String reason, RunSummary summary, String finishedAt) {
    return new PodBuilder().withNewMetadata().withName("p" + index + finishedAt)
        .addToAnnotations(BackfillChunks.INDEX_ANNOTATION, Integer.toString(index)).endMetadata()
        .withNewStatus().withContainerStatuses(new ContainerStatusBuilder().withName("exporter").withNewState()
            .withNewTerminated().withExitCode(exitCode).withReason(reason)
            .withMessage(summary == null ? null : summary.toJson()).withFinishedAt(finishedAt).endTerminated()
            .endState().build()).endStatus().build();
  }

  private static RunSummary summary(boolean ok, String reason, long rows) {
    return new RunSummary(ok ? RunSummary.SUCCEEDED : RunSummary.FAILED, reason, ok ? "done" : "it broke",
        ok ? 0 : 4, "FillGaps", null, List.of(), 24, rows, 0, null, 0, List.of(), "a", "b");
  }

  @Test
  void sumsRowsOfEveryAttemptInFillGapsButOnlyTheLastInReplace() {
    List<Pod> pods = List.of(pod(0, 0, "Completed", summary(true, null, 480), "2026-11-28T10:10:00Z"),
        pod(1, 4, "Error", summary(false, "SourceUnavailable", 100), "2026-11-28T10:10:00Z"),
        pod(1, 0, "Completed", summary(true, null, 380), "2026-11-28T10:20:00Z"));
    Job job = job("0-1", null, null, null);

    BackfillChunks fillGaps = BackfillChunks.observe(job, pods, PLAN, BackfillMode.FillGaps);
    assertThat(fillGaps.state()).isEqualTo(BackfillChunks.JobState.Running);
    assertThat(fillGaps.hoursDone()).isEqualTo(48);
    assertThat(fillGaps.rows()).isEqualTo(960);
    assertThat(fillGaps.failed()).isEmpty();
    assertThat(BackfillChunks.observe(job, pods, PLAN, BackfillMode.Replace).rows()).isEqualTo(860);
  }

  @Test
  void aChunkThatDiedWithoutASummaryShowsThePodsReason() {
    List<Pod> pods = List.of(pod(2, 137, "OOMKilled", null, "2026-11-28T10:10:00Z"));
    BackfillChunks chunks = BackfillChunks.observe(job("0-1", "2", "Failed", "FailedIndexes"), pods, PLAN,
        BackfillMode.FillGaps);

    assertThat(chunks.state()).isEqualTo(BackfillChunks.JobState.Failed);
    assertThat(chunks.hoursFailed()).isEqualTo(24);
    assertThat(chunks.completionTime()).isEqualTo("2026-11-28T11:00:00Z");
    assertThat(chunks.failed()).singleElement().satisfies(f -> {
      assertThat(f.index()).isEqualTo(2);
      assertThat(f.window()).isEqualTo("2025-01-03T00:00:00Z/2025-01-04T00:00:00Z");
      assertThat(f.reason()).isEqualTo("OOMKilled");
      assertThat(f.message()).contains("exit code 137");
    });
  }

  @Test
  void indexListsAreParsedFromTheirCompactForm() {
    assertThat(IndexSet.parse("0-2,5,7-8")).containsExactly(0, 1, 2, 5, 7, 8);
    assertThat(IndexSet.parse(null)).isEmpty();
  }
}
