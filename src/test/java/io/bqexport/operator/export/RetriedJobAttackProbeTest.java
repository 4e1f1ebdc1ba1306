package io.bqexport.operator.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bqexport.api.v1alpha1.IntegrityStatus;
import io.bqexport.api.v1alpha1.RunRecord;
import io.bqexport.exporter.RunSummary;
import io.bqexport.operator.status.ConditionType;
import io.bqexport.testing.ExportScenario;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Attack on "the operator caches no finished Pod": a Job retries (backoffLimit 2) in a new Pod. Where the API server
 * honours the Pod informer's field selector (the stand-in made to, here), a failed attempt's Pod leaves the cache
 * the moment it fails, while its Job still runs. The status must still show the failed attempt while the Job
 * retries, and count every attempt once the Job is recorded.
 */
class RetriedJobAttackProbeTest {
  private static final Instant NOW = Instant.parse("2026-11-28T10:10:00Z");
  private static final Instant START = Instant.parse("2026-11-28T05:00:00Z");
  private static final String NAME = "product-events";

  private ExportScenario scenario;
  private KubernetesClient client;

  @BeforeEach
  void start() {
    scenario = new ExportScenario(NOW);
    client = scenario.kubernetes.client();
    scenario.stopOperator();
    scenario.kubernetes.honourPodPhaseSelector();
    scenario.startOperator();
    scenario.create(scenario.export(NAME, START));
    scenario.await(NAME, ConditionType.SCHEDULED, c -> c.isTrue());
  }

  @AfterEach
  void stop() {
    scenario.close();
  }

  @Test
  void aFailedAttemptOfARunningJobShowsInStatusWhileTheJobRetries() {
    Job job = job("run-1");
    Pod first = pod(job, "run-1-a");
    // The informer holds the running Pod (the stand-in honours the field selector, it does not hide every Pod).
    await().atMost(Duration.ofMinutes(2)).until(() -> record("run-1") != null
        && "run-1-a".equals(record("run-1").pod()));
    finish(first, 1, summary(RunSummary.FAILED, "BigQueryError", 3,
        new RunSummary.Repaired("2026-11-27T13:00:00Z", 1200, 1260, "2026-11-28T10:08:00Z")));
    attemptFailed(job);
    // The Job controller waits 10 s before the next attempt: the status shows this one meanwhile (as on main).
    await().atMost(Duration.ofMinutes(2)).until(() -> "BigQueryError".equals(record("run-1").reason()));
    await().atMost(Duration.ofMinutes(2)).until(() -> repairEvents().size() == 1);
  }

  @Test
  void everyAttemptOfARetriedJobIsCountedOnceItsJobIsRecorded() {
    Job job = job("run-1");
    Pod first = pod(job, "run-1-a");
    finish(first, 1, summary(RunSummary.FAILED, "BigQueryError", 3,
        new RunSummary.Repaired("2026-11-27T13:00:00Z", 1200, 1260, "2026-11-28T10:08:00Z")));
    attemptFailed(job);
    // The next attempt starts after the Job controller's backoff (10 s at least), in which the operator sees this one.
    await().atMost(Duration.ofMinutes(2)).until(() -> "BigQueryError".equals(record("run-1").reason()));
    Pod second = pod(job, "run-1-b");
    finish(second, 0, summary(RunSummary.SUCCEEDED, null, 1), NOW.plusSeconds(15));
    complete(job);

    await().atMost(Duration.ofMinutes(2)).until(() -> FinishedRuns.recorded(
        client.batch().v1().jobs().inNamespace(ExportScenario.NAMESPACE).withName("run-1").get()));
    RunRecord record = record("run-1");
    assertThat(record.result()).isEqualTo("Succeeded");
    assertThat(record.pod()).isEqualTo("run-1-b");
    IntegrityStatus integrity = scenario.get(NAME).getStatus().integrity();
    assertThat(integrity.hoursVerified()).as("both attempts' verified hours").isEqualTo(4);
    assertThat(integrity.hoursRepaired()).isEqualTo(1);
    await().atMost(Duration.ofMinutes(2)).until(() -> repairEvents().size() == 1);
  }

  private RunRecord record(String job) {
    var status = scenario.get(NAME).getStatus();
    return status == null || status.runs() == null ? null
        : status.runs().stream().filter(r -> r.job().equals(job)).findFirst().orElse(null);
  }

  private Job job(String name) {
    Job job = scenario.jobs.startFrom(ExportScenario.NAMESPACE, NAME, name);
    job.setStatus(new JobStatusBuilder().withStartTime(NOW.toString()).withActive(1).build());
    return client.resource(job).updateStatus();
  }

  private Pod pod(Job job, String name) {
    Map<String, String> labels = new HashMap<>(job.getSpec().getTemplate().getMetadata().getLabels());
    labels.put("job-name", job.getMetadata().getName());
    labels.put("batch.kubernetes.io/job-name", job.getMetadata().getName());
    return client.resource(new PodBuilder().withNewMetadata().withName(name)
        .withNamespace(ExportScenario.NAMESPACE).withLabels(labels)
        .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("batch/v1").withKind("Job")
            .withName(job.getMetadata().getName()).withUid(job.getMetadata().getUid()).withController(true).build())
        .endMetadata().withSpec(job.getSpec().getTemplate().getSpec())
        .withStatus(new PodStatusBuilder().withPhase("Running").build()).build()).create();
  }

  private void finish(Pod pod, int exitCode, String message) {
    finish(pod, exitCode, message, NOW);
  }

  private void finish(Pod pod, int exitCode, String message, Instant finishedAt) {
    pod.setStatus(new PodStatusBuilder().withPhase(exitCode == 0 ? "Succeeded" : "Failed")
        .withContainerStatuses(new ContainerStatusBuilder().withName(pod.getSpec().getContainers().get(0).getName())
            .withNewState().withNewTerminated().withExitCode(exitCode).withReason(exitCode == 0 ? "Completed"
                : "Error").withMessage(message).withFinishedAt(finishedAt.toString()).endTerminated().endState().build())
        .build());
    client.resource(pod).updateStatus();
  }

  /** As the Job controller counts a failed Pod: failed 1, none active during the backoff before the next one. */
  private void attemptFailed(Job job) {
    Job current = client.batch().v1().jobs().inNamespace(ExportScenario.NAMESPACE)
        .withName(job.getMetadata().getName()).get();
    current.setStatus(new JobStatusBuilder().withStartTime(NOW.toString()).withActive(0).withFailed(1).build());
    client.resource(current).updateStatus();
  }

  private void complete(Job job) {
    Job current = client.batch().v1().jobs().inNamespace(ExportScenario.NAMESPACE)
        .withName(job.getMetadata().getName()).get();
    current.setStatus(new JobStatusBuilder().withStartTime(NOW.toString()).withCompletionTime(NOW.toString())
        .withSucceeded(1).withFailed(1).withConditions(new JobConditionBuilder().withType("Complete")
            .withStatus("True").withLastTransitionTime(NOW.toString()).build()).build());
    client.resource(current).updateStatus();
  }

  private static String summary(String result, String reason, long verifiedHours, RunSummary.Repaired... repaired) {
    return new RunSummary(result, reason, "committed 0 hour(s)", result.equals(RunSummary.SUCCEEDED) ? 0 : 1,
        "FillGaps", null, List.of(), 0, 0, 0, null, 0, List.of(), NOW.minusSeconds(60).toString(), NOW.toString(),
        0, 0, 0, List.of(), verifiedHours, List.of(repaired), "2026-11-27T15:00:00Z", 0, 0).toJson();
  }

  private List<Event> repairEvents() {
    return client.v1().events().inNamespace(ExportScenario.NAMESPACE).list().getItems().stream()
        .filter(e -> "HourRepaired".equals(e.getReason())).toList();
  }
}
