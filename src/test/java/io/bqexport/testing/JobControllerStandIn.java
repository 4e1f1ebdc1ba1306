package io.bqexport.testing;

import io.bqexport.cli.BqExportCommand;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * Plays the CronJob and Job controllers the mock API server lacks: it creates the Job and its Pod as Kubernetes
 * would, runs the real exporter CLI in-process with the pod's volumes materialized as files (ConfigMap and Secret
 * mounts, rewritten to a temporary directory), and writes the Pod's termination message, phase and the Job's
 * conditions, so the operator observes runs exactly as in a cluster.
 */
public final class JobControllerStandIn {
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();
  private final KubernetesClient client;

  /** What one pod did. */
  public record PodRun(Job job, Pod pod, int exitCode, String terminationMessage, String output) {}

  public JobControllerStandIn(KubernetesClient client) {
    this.client = client;
  }

  /** The CronJob fires at {@code now}: returns null when it is suspended, as the controller would not start it. */
  public PodRun fire(String namespace, String cronJobName, Instant now) {
    CronJob cronJob = client.batch().v1().cronjobs().inNamespace(namespace).withName(cronJobName).get();
    if (cronJob == null || Boolean.TRUE.equals(cronJob.getSpec().getSuspend())) {
      return null;
    }
    Job job = startFrom(cronJob, cronJobName + "-" + now.getEpochSecond() / 60);
    cronJob.setStatus(new io.fabric8.kubernetes.api.model.batch.v1.CronJobStatusBuilder()
        .withLastScheduleTime(now.toString()).build());
    client.resource(cronJob).updateStatus();
    return run(job, now);
  }

  /**
   * Creates a Job named {@code jobName} from the CronJob's template, controlled by the CronJob, as the CronJob
   * controller (and {@code kubectl create job --from=cronjob/...}) does; left to the test to run or finish.
   */
  public Job startFrom(String namespace, String cronJobName, String jobName) {
    return startFrom(client.batch().v1().cronjobs().inNamespace(namespace).withName(cronJobName).get(), jobName);
  }

  private Job startFrom(CronJob cronJob, String jobName) {
    var template = cronJob.getSpec().getJobTemplate();
    return client.resource(new JobBuilder()
        .withNewMetadata().withName(jobName).withNamespace(cronJob.getMetadata().getNamespace())
        .withLabels(template.getMetadata().getLabels())
        .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("batch/v1").withKind("CronJob")
            .withName(cronJob.getMetadata().getName()).withUid(cronJob.getMetadata().getUid()).withController(true)
            .build())
        .endMetadata()
        .withSpec(template.getSpec())
        .build()).create();
  }

  /** Runs an existing Job (e.g. one the operator created for run-now) once, to completion. */
  public PodRun run(Job job, Instant now) {
    Pod pod = createPod(job, now);
    PodRun run = execute(job, pod, now);
    finish(job, pod, run.exitCode(), run.exitCode() == 0 ? "Completed" : "Error", run.terminationMessage(), now);
    return run;
  }

  /**
   * Runs an existing pod's exporter in-process and writes the pod's terminated state, leaving the Job's status to
   * the caller (the Indexed Job stand-in keeps it per index). Safe to call from several threads at once.
   */
  public PodRun runPod(Job job, Pod pod, Instant now) {
    PodRun run = execute(job, pod, now);
    writePodStatus(pod, run.exitCode(), run.exitCode() == 0 ? "Completed" : "Error", run.terminationMessage(), now);
    return run;
  }

  private PodRun execute(Job job, Pod pod, Instant now) {
    Container container = pod.getSpec().getContainers().get(0);
    Path root = tempDir();
    Map<String, Path> mounts = materialize(pod, container, root);
    Path terminationLog = root.resolve("termination-log");
    List<String> args = new ArrayList<>();
    for (String arg : container.getArgs()) {
      args.add(rewrite(arg, mounts));
    }
    Path config = Path.of(args.get(args.indexOf("--config") + 1));
    rewriteConfig(config, mounts, terminationLog);
    // An in-process run cannot set environment variables: pass the Indexed Job's completion index explicitly, as
    // the option's default would read it from JOB_COMPLETION_INDEX in a real pod.
    if (container.getEnv() != null) {
      container.getEnv().stream().filter(e -> "JOB_COMPLETION_INDEX".equals(e.getName())).findFirst()
          .ifPresent(e -> {
            args.add("--chunk-index");
            args.add(e.getValue());
          });
    }
    args.add("--now");
    args.add(now.toString());
    StringWriter output = new StringWriter();
    int exitCode = new CommandLine(new BqExportCommand()).setOut(new PrintWriter(output))
        .setErr(new PrintWriter(output)).execute(args.toArray(String[]::new));
    return new PodRun(job, pod, exitCode, read(terminationLog), output.toString());
  }

  /** A pod that dies without writing a message (OOMKilled, Evicted...), as the kubelet reports it. */
  public void killWithoutMessage(Job job, Instant now, String reason) {
    Pod pod = createPod(job, now);
    finish(job, pod, 137, reason, null, now);
  }

  /**
   * A pod that ends with {@code terminationMessage} (e.g. a run summary), for tests of what the operator makes of
   * summaries the exporter cannot easily be brought to write. Returns the pod.
   */
  public Pod finishWithMessage(Job job, Instant now, int exitCode, String terminationMessage) {
    Pod pod = createPod(job, now);
    finish(job, pod, exitCode, exitCode == 0 ? "Completed" : "Error", terminationMessage, now);
    return pod;
  }

  private Pod createPod(Job job, Instant now) {
    var template = job.getSpec().getTemplate();
    Map<String, String> labels = new HashMap<>(template.getMetadata().getLabels());
    labels.put("job-name", job.getMetadata().getName());
    labels.put("batch.kubernetes.io/job-name", job.getMetadata().getName());
    Pod pod = client.resource(new PodBuilder()
        .withMetadata(new ObjectMeta())
        .editMetadata().withName(job.getMetadata().getName() + "-" + Long.toString(System.nanoTime(), 36))
        .withNamespace(job.getMetadata().getNamespace()).withLabels(labels)
        .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("batch/v1").withKind("Job")
            .withName(job.getMetadata().getName()).withUid(job.getMetadata().getUid()).withController(true).build())
        .endMetadata()
        .withSpec(template.getSpec())
        .build()).create();
    job.setStatus(new io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder().withStartTime(now.toString())
        .withActive(1).build());
    client.resource(job).updateStatus();
    return pod;
  }

  private void finish(Job job, Pod pod, int exitCode, String reason, String message, Instant now) {
    writePodStatus(pod, exitCode, reason, message, now);
    Job current = client.batch().v1().jobs().inNamespace(job.getMetadata().getNamespace())
        .withName(job.getMetadata().getName()).get();
    boolean ok = exitCode == 0;
    current.setStatus(new io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder()
        .withStartTime(current.getStatus().getStartTime())
        .withCompletionTime(ok ? now.toString() : null)
        .withSucceeded(ok ? 1 : 0).withFailed(ok ? 0 : 1)
        .withConditions(new JobConditionBuilder().withType(ok ? "Complete" : "Failed").withStatus("True")
            .withReason(ok ? null : "BackoffLimitExceeded").withLastTransitionTime(now.toString()).build())
        .build());
    client.resource(current).updateStatus();
  }

  private void writePodStatus(Pod pod, int exitCode, String reason, String message, Instant now) {
    pod.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder()
        .withPhase(exitCode == 0 ? "Succeeded" : "Failed")
        .withContainerStatuses(new ContainerStatusBuilder().withName(pod.getSpec().getContainers().get(0).getName())
            .withNewState().withNewTerminated().withExitCode(exitCode).withReason(reason).withMessage(message)
            .withFinishedAt(now.toString()).endTerminated().endState().build())
        .build());
    client.resource(pod).updateStatus();
  }

  /** Writes ConfigMap and Secret volumes as files under root, keyed by their mount path in the container. */
  private Map<String, Path> materialize(Pod pod, Container container, Path root) {
    Map<String, Volume> volumes = new HashMap<>();
    pod.getSpec().getVolumes().forEach(v -> volumes.put(v.getName(), v));
    Map<String, Path> mounts = new LinkedHashMap<>();
    String namespace = pod.getMetadata().getNamespace();
    for (VolumeMount mount : container.getVolumeMounts()) {
      Volume volume = volumes.get(mount.getName());
      Path dir = root.resolve(mount.getName());
      mkdirs(dir);
      if (volume.getEmptyDir() != null) {
        continue; // scratch space: the in-process exporter uses the JVM's own temporary directory
      }
      if (volume.getConfigMap() != null) {
        ConfigMap cm = client.configMaps().inNamespace(namespace).withName(volume.getConfigMap().getName()).get();
        cm.getData().forEach((k, v) -> write(dir.resolve(k), v.getBytes(StandardCharsets.UTF_8)));
      } else if (volume.getSecret() != null) {
        Secret secret = client.secrets().inNamespace(namespace).withName(volume.getSecret().getSecretName()).get();
        for (KeyToPath item : volume.getSecret().getItems()) {
          write(dir.resolve(item.getPath()), secretValue(secret, item.getKey()));
        }
      }
      mounts.put(mount.getMountPath(), dir);
    }
    return mounts;
  }

  private static byte[] secretValue(Secret secret, String key) {
    if (secret.getData() != null && secret.getData().containsKey(key)) {
      return Base64.getDecoder().decode(secret.getData().get(key));
    }
    return secret.getStringData().get(key).getBytes(StandardCharsets.UTF_8);
  }

  private static void rewriteConfig(Path config, Map<String, Path> mounts, Path terminationLog) {
    String json = read(config);
    for (var mount : mounts.entrySet()) {
      json = json.replace("\"" + mount.getKey() + "/", "\"" + mount.getValue() + "/");
    }
    try {
      var tree = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(json);
      tree.put("terminationMessagePath", terminationLog.toString());
      write(config, JSON.writeValueAsBytes(tree));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String rewrite(String arg, Map<String, Path> mounts) {
    for (var mount : mounts.entrySet()) {
      if (arg.startsWith(mount.getKey() + "/")) {
        return mount.getValue() + arg.substring(mount.getKey().length());
      }
    }
    return arg;
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("bqexport-pod");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void mkdirs(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(Path file, byte[] bytes) {
    try {
      Files.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
