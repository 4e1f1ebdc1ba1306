package io.bqexport.operator.export;

import io.bqexport.api.v1alpha1.RunRecord;
import io.bqexport.exporter.RunSummary;
import io.bqexport.operator.ControllerReference;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Builds run records from Jobs, their Pods and the exporter's termination message. A run that died before writing a
 * message shows the pod's or the Job's own reason (OOMKilled, ImagePullBackOff, DeadlineExceeded, Evicted).
 * Records outlive their Jobs: the CronJob prunes Jobs, the status keeps the last spec.historyLimit runs.
 */
public final class RunHistory {
  public static final String RUNNING = "Running";
  /** Reasons a pod's container waits with when it cannot start. */
  static final Set<String> WAITING_FAILURES = Set.of("ImagePullBackOff", "ErrImagePull",
      "CreateContainerConfigError", "CreateContainerError", "InvalidImageName", "CrashLoopBackOff");

  /** A run together with its parsed summary, when the exporter wrote one. */
  public record Run(RunRecord record, Optional<RunSummary> summary) {}

  private RunHistory() {}

  public static List<Run> observe(Collection<Job> jobs, Collection<Pod> pods) {
    return jobs.stream().map(job -> observe(job, podsOf(job, pods))).toList();
  }

  /** Previous records merged with observed runs (observed wins), newest first, at most {@code limit}. */
  public static List<RunRecord> merge(List<RunRecord> previous, List<Run> observed, int limit) {
    Map<String, RunRecord> byJob = new LinkedHashMap<>();
    if (previous != null) {
      previous.forEach(r -> byJob.put(r.job(), r));
    }
    observed.forEach(r -> byJob.put(r.record().job(), r.record()));
    return byJob.values().stream()
        .sorted(Comparator.comparing((RunRecord r) -> r.startTime() == null ? "" : r.startTime()).reversed()
            .thenComparing(RunRecord::job, Comparator.reverseOrder()))
        .limit(limit).toList();
  }

  /** A record's time, or none when it is no instant: status.runs can be edited and the CRD checks no format. */
  static Optional<Instant> instant(String time) {
    try {
      return time == null ? Optional.empty() : Optional.of(Instant.parse(time));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** The Job has finished: Complete or Failed. */
  static boolean finished(Job job) {
    return condition(job, "Complete").or(() -> condition(job, "Failed")).isPresent();
  }

  static Run observe(Job job, List<Pod> pods) {
    String name = job.getMetadata().getName();
    String trigger = job.getMetadata().getLabels() == null ? null
        : job.getMetadata().getLabels().get(ExportLabels.TRIGGER);
    String start = job.getStatus() != null && job.getStatus().getStartTime() != null ? job.getStatus().getStartTime()
        : job.getMetadata().getCreationTimestamp();
    Optional<JobCondition> finished = condition(job, "Complete").or(() -> condition(job, "Failed"));
    String result = finished.map(c -> c.getType().equals("Complete") ? RunSummary.SUCCEEDED : RunSummary.FAILED)
        .orElse(RUNNING);
    String completion = job.getStatus() == null ? null : job.getStatus().getCompletionTime();
    if (completion == null && finished.isPresent()) {
      completion = finished.get().getLastTransitionTime();
    }
    // Creation times have whole seconds: of two attempts created in one second, the one still running is the
    // newer, else the one that finished last.
    Optional<Pod> latest = pods.stream().max(Comparator.comparing((Pod p) -> p.getMetadata().getCreationTimestamp()
        == null ? "" : p.getMetadata().getCreationTimestamp())
        .thenComparing(p -> terminated(p).map(t -> t.getFinishedAt() == null ? "" : t.getFinishedAt()).orElse("~")));
    Optional<ContainerStateTerminated> terminated = latest.flatMap(RunHistory::terminated);
    Optional<RunSummary> summary = terminated.map(ContainerStateTerminated::getMessage).flatMap(RunHistory::parse);

    String reason = summary.map(RunSummary::reason).orElse(null);
    String message = summary.map(RunSummary::message).orElse(null);
    if (summary.isEmpty()) {
      String podReason = latest.flatMap(RunHistory::podFailureReason).orElse(null);
      String jobReason = finished.filter(c -> c.getType().equals("Failed")).map(JobCondition::getReason).orElse(null);
      reason = podReason != null ? podReason : jobReason;
      String podMessage = terminated.map(ContainerStateTerminated::getMessage)
          .or(() -> latest.flatMap(RunHistory::waitingMessage)).orElse(null);
      message = failureMessage(reason, podMessage, finished.map(JobCondition::getMessage).orElse(null));
      if (RUNNING.equals(result) && reason != null && WAITING_FAILURES.contains(reason)) {
        message = "The exporter pod cannot start: " + (message != null ? message : reason + ".");
      }
    }
    RunRecord record = new RunRecord(name, latest.map(p -> p.getMetadata().getName()).orElse(null), trigger, start,
        completion, result,
        summary.map(RunSummary::hours).orElse(null), summary.map(RunSummary::rows).orElse(null),
        summary.map(s -> s.committed() == null ? null : String.join(",", s.committed())).orElse(null),
        summary.map(RunSummary::verifiedHours).orElse(null),
        summary.map(s -> s.repaired() == null ? 0L : (long) s.repaired().size()).orElse(null),
        RunSummary.SUCCEEDED.equals(result) ? null : reason, message,
        summary.map(RunSummary::filteredEvents).filter(n -> n > 0).orElse(null),
        summary.map(RunSummary::mergeIdRows).filter(n -> n > 0).orElse(null));
    return new Run(record, summary);
  }

  /**
   * The Job's Pods: those it controls ({@link ControllerReference}), as the Job controller sets on every Pod it
   * creates. Labels prove nothing: anyone who may create Pods in the namespace can label one with the Job's name and
   * write its termination message, and a Pod owned by another uid belongs to an earlier Job of the same name, deleted
   * with its Pods not yet collected; either would otherwise lend the run its end.
   */
  private static List<Pod> podsOf(Job job, Collection<Pod> pods) {
    return pods.stream().filter(p -> ControllerReference.controls(job, p)).toList();
  }

  private static Optional<JobCondition> condition(Job job, String type) {
    if (job.getStatus() == null || job.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return job.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus())).findFirst();
  }

  private static Optional<ContainerStatus> exporterStatus(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return Optional.empty();
    }
    return pod.getStatus().getContainerStatuses().stream()
        .filter(s -> ExportPodTemplate.CONTAINER.equals(s.getName())).findFirst();
  }

  private static Optional<ContainerStateTerminated> terminated(Pod pod) {
    return exporterStatus(pod).map(s -> s.getState() == null ? null : s.getState().getTerminated());
  }

  /** Why the kubelet cannot start the container, e.g. the Secret a CreateContainerConfigError names. */
  private static Optional<String> waitingMessage(Pod pod) {
    return exporterStatus(pod).map(s -> s.getState() == null || s.getState().getWaiting() == null ? null
        : s.getState().getWaiting().getMessage());
  }

  private static Optional<String> podFailureReason(Pod pod) {
    if (pod.getStatus() != null && pod.getStatus().getReason() != null) {
      return Optional.of(pod.getStatus().getReason()); // e.g. Evicted, DeadlineExceeded
    }
    Optional<ContainerStatus> status = exporterStatus(pod);
    Optional<String> waiting = status.map(s -> s.getState() == null || s.getState().getWaiting() == null ? null
        : s.getState().getWaiting().getReason());
    if (waiting.isPresent()) {
      return waiting;
    }
    return terminated(pod).map(ContainerStateTerminated::getReason).filter(r -> !"Completed".equals(r));
  }

  private static Optional<RunSummary> parse(String message) {
    if (message == null || !message.trim().startsWith("{")) {
      return Optional.empty();
    }
    try {
      return Optional.of(RunSummary.parse(message.trim()));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static String failureMessage(String reason, String podMessage, String jobMessage) {
    if (reason == null) {
      return jobMessage;
    }
    return switch (reason) {
      case "OOMKilled" -> "The exporter ran out of memory; raise spec.pod.resources.limits.memory.";
      case "DeadlineExceeded" -> "The run hit its deadline before the next scheduled run; it resumes where the"
          + " ledger ends. Lower spec.maxHoursPerRun if catch-up runs are too long.";
      case "BackoffLimitExceeded" -> "The exporter failed on every retry" + (jobMessage == null ? "." : ": "
          + jobMessage);
      case "Evicted" -> "The node evicted the exporter pod; the next run retries. " + (podMessage == null ? ""
          : podMessage);
      case "ImagePullBackOff", "ErrImagePull" -> "The exporter image cannot be pulled; check the operator's"
          + " exporter image setting and spec.pod.imagePullSecrets.";
      default -> podMessage != null ? lastLine(podMessage) : jobMessage;
    };
  }

  /** FallbackToLogsOnError puts the log tail into the message; its last line says most. */
  private static String lastLine(String text) {
    String[] lines = text.strip().split("\n");
    String last = lines[lines.length - 1];
    return last.length() > 300 ? last.substring(0, 300) + "..." : last;
  }
}
