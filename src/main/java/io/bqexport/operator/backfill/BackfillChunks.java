package io.bqexport.operator.backfill;

import io.bqexport.api.v1alpha1.BackfillMode;
import io.bqexport.api.v1alpha1.FailedChunk;
import io.bqexport.exporter.ChunkPlan;
import io.bqexport.exporter.RunSummary;
import io.bqexport.operator.ControllerReference;
import io.bqexport.operator.export.ExportPodTemplate;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the Indexed Job did so far, per chunk: the Job status says which indexes completed or failed for good; the
 * termination message of each index's pods says how many rows it committed and why it failed.
 */
public record BackfillChunks(JobState state, long hoursTotal, long hoursDone, long hoursFailed, long rows,
    int chunksDone, int chunks, List<FailedChunk> failed, String startTime, String completionTime, String jobFailure) {

  public enum JobState { Running, Suspended, Succeeded, Failed }

  static final String INDEX_ANNOTATION = "batch.kubernetes.io/job-completion-index";

  /**
   * @param pods the Pods the informer maps to the backfill by label; only those {@code job} controls count, as for
   *     the Job controller: a labelled Pod anyone made could otherwise end a chunk with any rows and reason
   */
  public static BackfillChunks observe(Job job, Collection<Pod> pods, ChunkPlan plan, BackfillMode mode) {
    var status = job.getStatus();
    Set<Integer> completed = IndexSet.parse(status == null ? null : status.getCompletedIndexes());
    Set<Integer> failedForGood = new TreeSet<>(IndexSet.parse(status == null ? null : status.getFailedIndexes()));
    Optional<JobCondition> failedCondition = condition(job, "Failed");
    Optional<JobCondition> completeCondition = condition(job, "Complete");

    Map<Integer, List<Attempt>> attempts = new HashMap<>();
    for (Pod pod : pods) {
      if (ControllerReference.controls(job, pod)) {
        attempt(pod).ifPresent(a -> attempts.computeIfAbsent(a.index(), i -> new ArrayList<>()).add(a));
      }
    }
    attempts.values().forEach(list -> list.sort(Comparator.comparing(Attempt::finishedAt)
        .thenComparing(Attempt::exporterFinishedAt)));
    if (failedCondition.isPresent()) {
      // A Job failed by its pod failure policy lists no failed index: the chunks that failed are those with a
      // failed last attempt (older clusters without per-index retries behave the same way).
      attempts.forEach((index, list) -> {
        if (!completed.contains(index) && !list.get(list.size() - 1).succeeded()) {
          failedForGood.add(index);
        }
      });
    }

    long rows = 0;
    for (var entry : attempts.entrySet()) {
      List<Attempt> list = entry.getValue();
      // FillGaps retries skip what an earlier attempt committed, so every attempt's rows are new; a Replace retry
      // replaces them again, so only its last attempt counts.
      rows += mode == BackfillMode.Replace ? list.get(list.size() - 1).rows()
          : list.stream().mapToLong(Attempt::rows).sum();
    }
    List<FailedChunk> failed = new ArrayList<>();
    long hoursFailed = 0;
    for (int index : failedForGood) {
      if (index >= plan.count()) {
        continue;
      }
      var window = plan.window(index);
      hoursFailed += window.hours();
      Optional<Attempt> last = Optional.ofNullable(attempts.get(index)).map(l -> l.get(l.size() - 1));
      failed.add(new FailedChunk(index, window.toString(), last.map(Attempt::reason).orElse("Unknown"),
          last.map(Attempt::message).orElse("the chunk's pods left no termination message; see `kubectl describe job "
              + job.getMetadata().getName() + "`")));
    }
    long hoursDone = completed.stream().filter(i -> i < plan.count()).mapToLong(i -> plan.window(i).hours()).sum();

    JobState state = failedCondition.isPresent() ? JobState.Failed
        : completeCondition.isPresent() ? JobState.Succeeded
        : Boolean.TRUE.equals(job.getSpec().getSuspend()) ? JobState.Suspended : JobState.Running;
    String completionTime = status != null && status.getCompletionTime() != null ? status.getCompletionTime()
        : failedCondition.map(JobCondition::getLastTransitionTime).orElse(null);
    return new BackfillChunks(state, plan.range().hours(), hoursDone, hoursFailed, rows, completed.size(),
        plan.count(), failed,
        status == null ? null : status.getStartTime(), state == JobState.Running ? null : completionTime,
        failedCondition.map(c -> c.getReason() + (c.getMessage() == null ? "" : ": " + c.getMessage())).orElse(null));
  }

  /** finishedAt orders the attempts; the exporter's own end time breaks ties between pods of the same second. */
  private record Attempt(int index, boolean succeeded, long rows, String reason, String message, String finishedAt,
      String exporterFinishedAt) {}

  private static Optional<Attempt> attempt(Pod pod) {
    var annotations = pod.getMetadata().getAnnotations();
    String index = annotations == null ? null : annotations.get(INDEX_ANNOTATION);
    Optional<ContainerStateTerminated> terminated = pod.getStatus() == null
        || pod.getStatus().getContainerStatuses() == null ? Optional.empty()
        : pod.getStatus().getContainerStatuses().stream()
            .filter(s -> ExportPodTemplate.CONTAINER.equals(s.getName()) && s.getState() != null
                && s.getState().getTerminated() != null)
            .map(s -> s.getState().getTerminated()).findFirst();
    if (index == null || terminated.isEmpty()) {
      return Optional.empty();
    }
    ContainerStateTerminated t = terminated.get();
    Optional<RunSummary> summary = summary(t.getMessage());
    boolean ok = t.getExitCode() != null && t.getExitCode() == 0;
    String reason = summary.map(RunSummary::reason)
        .orElse(t.getReason() == null ? "Error" : t.getReason());
    String message = summary.map(RunSummary::message)
        .orElse("exit code " + t.getExitCode() + (t.getReason() == null ? "" : " (" + t.getReason() + ")"));
    return Optional.of(new Attempt(Integer.parseInt(index), ok, summary.map(RunSummary::rows).orElse(0L), reason,
        message, t.getFinishedAt() == null ? "" : t.getFinishedAt(),
        summary.map(RunSummary::finishedAt).orElse("")));
  }

  private static Optional<RunSummary> summary(String message) {
    if (message == null || message.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(RunSummary.parse(message.strip()));
    } catch (IllegalArgumentException e) {
      return Optional.empty(); // FallbackToLogsOnError: the log tail, not a summary
    }
  }

  private static Optional<JobCondition> condition(Job job, String type) {
    return job.getStatus() == null || job.getStatus().getConditions() == null ? Optional.empty()
        : job.getStatus().getConditions().stream()
            .filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus())).findFirst();
  }
}
