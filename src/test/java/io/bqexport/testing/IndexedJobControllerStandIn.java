package io.bqexport.testing;

import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyRule;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

/**
 * Plays the Job controller for Indexed Jobs (completionMode Indexed), which the mock API server lacks. It works in
 * waves: each wave starts up to {@code parallelism} pending indexes at once, each in its own pod with the completion
 * index annotation, label and {@code JOB_COMPLETION_INDEX}, runs them with the real exporter (in parallel threads),
 * then updates the Job status as the real controller would: completedIndexes, failedIndexes, succeeded, failed,
 * per-index retries up to backoffLimitPerIndex, maxFailedIndexes, the podFailurePolicy's FailJob on exit codes, and
 * the Complete or Failed condition. A suspended Job starts no wave. The controller's state lives in the Job and its
 * Pods, so the stand-in keeps none.
 */
public final class IndexedJobControllerStandIn {
  public static final String INDEX = "batch.kubernetes.io/job-completion-index";

  private final KubernetesClient client;
  private final JobControllerStandIn pods;

  /** What one wave did: the pods it ran, and the Job after it. */
  public record Wave(List<JobControllerStandIn.PodRun> runs, Job job) {
    public boolean finished() {
      return IndexedJobControllerStandIn.finished(job);
    }
  }

  public IndexedJobControllerStandIn(KubernetesClient client, JobControllerStandIn pods) {
    this.client = client;
    this.pods = pods;
  }

  public Job job(String namespace, String name) {
    return client.batch().v1().jobs().inNamespace(namespace).withName(name).get();
  }

  /** One wave at {@code now}; runs nothing when the Job is suspended or finished. */
  public Wave wave(String namespace, String name, Instant now) {
    Job job = job(namespace, name);
    if (job == null || finished(job) || Boolean.TRUE.equals(job.getSpec().getSuspend())) {
      return new Wave(List.of(), job);
    }
    List<Integer> pending = pending(job, podsOf(job));
    int parallelism = job.getSpec().getParallelism() == null ? 1 : job.getSpec().getParallelism();
    List<Integer> indexes = pending.subList(0, Math.min(parallelism, pending.size()));
    updateStatus(job, now, indexes.size());
    List<JobControllerStandIn.PodRun> runs = new ArrayList<>();
    if (!indexes.isEmpty()) {
      ExecutorService threads = Executors.newFixedThreadPool(indexes.size());
      try {
        List<CompletableFuture<JobControllerStandIn.PodRun>> started = new ArrayList<>();
        for (int index : indexes) {
          Pod pod = createPod(job, index);
          started.add(CompletableFuture.supplyAsync(() -> pods.runPod(job, pod, now), threads));
        }
        started.forEach(f -> runs.add(f.join()));
      } finally {
        threads.shutdown();
      }
    }
    return new Wave(runs, updateStatus(job(namespace, name), now, 0));
  }

  /** Waves until the Job finishes or is suspended (at most {@code maxWaves}). */
  public List<Wave> runToEnd(String namespace, String name, Instant now, int maxWaves) {
    List<Wave> waves = new ArrayList<>();
    for (int i = 0; i < maxWaves; i++) {
      Wave wave = wave(namespace, name, now);
      waves.add(wave);
      if (wave.runs().isEmpty()) {
        break;
      }
    }
    return waves;
  }

  static boolean finished(Job job) {
    return job.getStatus() != null && job.getStatus().getConditions() != null && job.getStatus().getConditions()
        .stream().anyMatch(c -> ("Complete".equals(c.getType()) || "Failed".equals(c.getType()))
            && "True".equals(c.getStatus()));
  }

  private List<Pod> podsOf(Job job) {
    return client.pods().inNamespace(job.getMetadata().getNamespace())
        .withLabel("batch.kubernetes.io/job-name", job.getMetadata().getName()).list().getItems();
  }

  private List<Integer> pending(Job job, List<Pod> jobPods) {
    Map<Integer, PodTally> tally = tally(jobPods);
    int limit = backoffLimitPerIndex(job);
    List<Integer> result = new ArrayList<>();
    for (int i = 0; i < job.getSpec().getCompletions(); i++) {
      PodTally t = tally.getOrDefault(i, new PodTally());
      if (t.succeeded == 0 && t.failed <= limit) {
        result.add(i);
      }
    }
    return result;
  }

  private Pod createPod(Job job, int index) {
    PodSpec spec = client.getKubernetesSerialization().clone(job.getSpec().getTemplate().getSpec());
    // The real controller sets this from the index annotation through the downward API.
    spec.getContainers().forEach(c -> c.getEnv().add(new EnvVarBuilder().withName("JOB_COMPLETION_INDEX")
        .withValue(Integer.toString(index)).build()));
    Map<String, String> labels = new HashMap<>(job.getSpec().getTemplate().getMetadata().getLabels());
    labels.put("job-name", job.getMetadata().getName());
    labels.put("batch.kubernetes.io/job-name", job.getMetadata().getName());
    labels.put(INDEX, Integer.toString(index));
    return client.resource(new PodBuilder()
        .withMetadata(new ObjectMetaBuilder()
            .withName(job.getMetadata().getName() + "-" + index + "-" + Long.toString(System.nanoTime(), 36))
            .withNamespace(job.getMetadata().getNamespace()).withLabels(labels)
            .withAnnotations(Map.of(INDEX, Integer.toString(index)))
            .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("batch/v1").withKind("Job")
                .withName(job.getMetadata().getName()).withUid(job.getMetadata().getUid()).withController(true)
                .build())
            .build())
        .withSpec(spec)
        .build()).create();
  }

  /** The Job status from its pods, as the Job controller computes it. */
  private Job updateStatus(Job job, Instant now, int active) {
    List<Pod> jobPods = podsOf(job);
    Map<Integer, PodTally> tally = tally(jobPods);
    int limit = backoffLimitPerIndex(job);
    TreeSet<Integer> completed = new TreeSet<>();
    TreeSet<Integer> failedIndexes = new TreeSet<>();
    tally.forEach((index, t) -> {
      if (t.succeeded > 0) {
        completed.add(index);
      } else if (t.failed > limit) {
        failedIndexes.add(index);
      }
    });
    int succeeded = tally.values().stream().mapToInt(t -> t.succeeded).sum();
    int failed = tally.values().stream().mapToInt(t -> t.failed).sum();
    JobCondition condition = null;
    boolean failJob = jobPods.stream().anyMatch(p -> failsJob(job, p));
    Integer maxFailed = job.getSpec().getMaxFailedIndexes();
    if (failJob) {
      condition = failedCondition("PodFailurePolicy", "Container exporter for pod failed with an exit code matching"
          + " the FailJob rule of the pod failure policy", now);
    } else if (maxFailed != null && failedIndexes.size() > maxFailed) {
      condition = failedCondition("MaxFailedIndexesExceeded", "Job has exceeded the specified maximal number of"
          + " failed indexes", now);
    } else if (completed.size() + failedIndexes.size() == job.getSpec().getCompletions()) {
      condition = failedIndexes.isEmpty()
          ? new JobConditionBuilder().withType("Complete").withStatus("True").withLastTransitionTime(now.toString())
              .build()
          : failedCondition("FailedIndexes", "Job has failed indexes", now);
    }
    var status = new JobStatusBuilder()
        .withStartTime(job.getStatus() != null && job.getStatus().getStartTime() != null
            ? job.getStatus().getStartTime() : now.toString())
        .withActive(active).withSucceeded(succeeded).withFailed(failed)
        .withCompletedIndexes(ranges(completed)).withFailedIndexes(job.getSpec().getBackoffLimitPerIndex() == null
            ? null : ranges(failedIndexes))
        .withCompletionTime(condition != null && "Complete".equals(condition.getType()) ? now.toString() : null);
    if (condition != null) {
      status.withConditions(condition);
    }
    job.setStatus(status.build());
    return client.resource(job).updateStatus();
  }

  private static boolean failsJob(Job job, Pod pod) {
    if (job.getSpec().getPodFailurePolicy() == null || pod.getStatus() == null
        || pod.getStatus().getContainerStatuses() == null) {
      return false;
    }
    for (var status : pod.getStatus().getContainerStatuses()) {
      var terminated = status.getState() == null ? null : status.getState().getTerminated();
      if (terminated == null || terminated.getExitCode() == 0) {
        continue;
      }
      for (PodFailurePolicyRule rule : job.getSpec().getPodFailurePolicy().getRules()) {
        var codes = rule.getOnExitCodes();
        if (codes != null && "FailJob".equals(rule.getAction())
            && (codes.getContainerName() == null || codes.getContainerName().equals(status.getName()))
            && "In".equals(codes.getOperator()) == codes.getValues().contains(terminated.getExitCode())) {
          return true;
        }
      }
    }
    return false;
  }

  private static JobCondition failedCondition(String reason, String message, Instant now) {
    return new JobConditionBuilder().withType("Failed").withStatus("True").withReason(reason).withMessage(message)
        .withLastTransitionTime(now.toString()).build();
  }

  private static int backoffLimitPerIndex(Job job) {
    return job.getSpec().getBackoffLimitPerIndex() == null ? 0 : job.getSpec().getBackoffLimitPerIndex();
  }

  private static final class PodTally {
    int succeeded;
    int failed;
  }

  private static Map<Integer, PodTally> tally(List<Pod> jobPods) {
    Map<Integer, PodTally> tally = new TreeMap<>();
    for (Pod pod : jobPods) {
      String index = pod.getMetadata().getAnnotations() == null ? null : pod.getMetadata().getAnnotations().get(INDEX);
      String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
      if (index == null || phase == null) {
        continue;
      }
      PodTally t = tally.computeIfAbsent(Integer.parseInt(index), i -> new PodTally());
      if ("Succeeded".equals(phase)) {
        t.succeeded++;
      } else if ("Failed".equals(phase)) {
        t.failed++;
      }
    }
    return tally;
  }

  /** "0-2,5": the Job status's compact form of an index set. */
  static String ranges(TreeSet<Integer> indexes) {
    List<String> parts = new ArrayList<>();
    Integer from = null;
    Integer prev = null;
    for (int i : indexes) {
      if (prev != null && i == prev + 1) {
        prev = i;
        continue;
      }
      if (from != null) {
        parts.add(from.equals(prev) ? "" + from : from + "-" + prev);
      }
      from = i;
      prev = i;
    }
    if (from != null) {
      parts.add(from.equals(prev) ? "" + from : from + "-" + prev);
    }
    return parts.isEmpty() ? null : parts.stream().collect(Collectors.joining(","));
  }
}
