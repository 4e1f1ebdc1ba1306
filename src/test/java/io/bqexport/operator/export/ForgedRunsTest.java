package io.bqexport.operator.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.exporter.RunSummary;
import io.bqexport.testing.ExportFixtures;
import io.bqexport.testing.JobControllerStandIn;
import io.bqexport.testing.KubernetesStandIn;
import io.bqexport.testing.RunHistoryFixtures;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Runs are the Jobs the export controls, not the Jobs that carry its labels: whoever may create Jobs and Pods in the
 * namespace can copy the labels and end a Pod with any run summary. Without an operator: {@link FinishedRuns}
 * against the Kubernetes stand-in, the Jobs and Pods created as their creators would.
 */
class ForgedRunsTest {
  private static final String NS = "analytics";
  private static final String NAME = "product-events";
  private static final Instant NOW = Instant.parse("2026-11-28T10:10:00Z");
  private static final String REAL = "2026-11-28T08:00:00Z";
  private static final String FORGED = "2099-01-01T00:00:00Z";

  private final KubernetesStandIn kubernetes = new KubernetesStandIn().namespace(NS);
  private final KubernetesClient client = kubernetes.client();
  private final JobControllerStandIn jobController = new JobControllerStandIn(client);
  private final BigQueryExport export = ExportFixtures.export(NS, NAME, null);
  private final CronJob cronJob;

  ForgedRunsTest() {
    export.getMetadata().setUid("uid-product-events"); // as the API server hands it over
    CronJob desired = RunHistoryFixtures.cronJob(export, "registry.test/bqexport:1");
    desired.getMetadata().setOwnerReferences(List.of(exportOwner()));
    cronJob = client.resource(desired).create();
  }

  @AfterEach
  void stop() {
    kubernetes.close();
  }

  @Test
  void aJobWithTheExportsLabelsIsARunOnlyWhenTheExportOrItsCronJobControlsIt() {
    Job scheduled = finished(jobController.startFrom(NS, cronJob.getMetadata().getName(), NAME + "-29411410"), REAL);
    export.getMetadata().setAnnotations(Map.of(RunNow.ANNOTATION, "1700000000"));
    new RunNowStarter(client).start(export, cronJob);
    Job runNow = finished(client.batch().v1().jobs().inNamespace(NS)
        .withName(RunNow.job(export, cronJob, "1700000000").getMetadata().getName()).get(), REAL);
    Job unowned = finished(client.resource(labelledAsTheExports("forged-unowned").build()).create(), FORGED);
    Job ownedNotControlled = finished(client.resource(labelledAsTheExports("forged-not-controller").editMetadata()
        .withOwnerReferences(new OwnerReferenceBuilder(exportOwner()).withController(false).build()).endMetadata()
        .build()).create(), FORGED); // the export's uid copied, as an owner but not the controller
    CronJob tenants = client.resource(new CronJobBuilder(cronJob)
        .editMetadata().withName("tenants-own").withUid(null).withResourceVersion(null).endMetadata().build())
        .create();
    Job ownedByAnotherCronJob = finished(client.resource(labelledAsTheExports("forged-other-owner").editMetadata()
        .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("batch/v1").withKind("CronJob")
            .withName("tenants-own").withUid(tenants.getMetadata().getUid()).withController(true).build())
        .endMetadata().build()).create(), FORGED);

    List<RunHistory.Run> runs = new FinishedRuns(client).observe(export, Optional.of(cronJob),
        List.of(scheduled, runNow, unowned, ownedNotControlled, ownedByAnotherCronJob), List.of());

    assertThat(runs).extracting(r -> r.record().job())
        .containsExactlyInAnyOrder(scheduled.getMetadata().getName(), runNow.getMetadata().getName());
    assertThat(runs).allSatisfy(r -> assertThat(r.summary()).hasValueSatisfying(s -> assertThat(
        s.exportedThrough()).isEqualTo(REAL)));
  }

  @Test
  void aJobWhoseControllerHasTheExportsOrCronJobsUidButAnotherKindOrGroupIsNoRun() {
    Job scheduled = finished(jobController.startFrom(NS, cronJob.getMetadata().getName(), NAME + "-29411410"), REAL);
    String exportUid = export.getMetadata().getUid();
    Job asConfigMap = forgedControlledAs("forged-configmap", "v1", "ConfigMap", NAME, exportUid);
    Job otherGroup = forgedControlledAs("forged-group", "bqexport.evil.example/v1alpha1", "BigQueryExport", NAME,
        exportUid);
    Job cronJobUidAsJob = forgedControlledAs("forged-cronjob-uid", "batch/v1", "Job",
        cronJob.getMetadata().getName(), cronJob.getMetadata().getUid());

    List<RunHistory.Run> runs = new FinishedRuns(client).observe(export, Optional.of(cronJob),
        List.of(scheduled, asConfigMap, otherGroup, cronJobUidAsJob), List.of());

    assertThat(runs).extracting(r -> r.record().job()).containsExactly(scheduled.getMetadata().getName());
  }

  @Test
  void aCronJobOfTheExportsNameThatTheExportDoesNotControlLendsItsJobsNothing() {
    CronJob notTheExports = new CronJobBuilder(cronJob).editMetadata()
        .withOwnerReferences(List.of()).endMetadata().build();

    assertThat(FinishedRuns.runControllers(export, Optional.of(notTheExports)))
        .containsExactly(export);
    assertThat(FinishedRuns.runControllers(export, Optional.of(cronJob))).containsExactly(export, cronJob);
  }

  @Test
  void aPodLabelledWithAGenuineRunsJobNameButNotControlledByItDoesNotEndThatRun() {
    Job scheduled = finished(jobController.startFrom(NS, cronJob.getMetadata().getName(), NAME + "-29411410"), REAL);
    Map<String, String> labels = new HashMap<>(scheduled.getSpec().getTemplate().getMetadata().getLabels());
    labels.put(FinishedRuns.JOB_NAME_LABEL, scheduled.getMetadata().getName());
    var forged = client.resource(new PodBuilder().withNewMetadata().withName("forged-pod").withNamespace(NS)
        .withLabels(labels).endMetadata()
        .withSpec(scheduled.getSpec().getTemplate().getSpec()).build()).create();
    forged.setStatus(new PodStatusBuilder().withPhase("Succeeded")
        .addNewContainerStatus().withName(ExportPodTemplate.CONTAINER).withNewState().withNewTerminated()
        .withExitCode(0).withMessage(summary(FORGED)).withFinishedAt(NOW.plusSeconds(60).toString()).endTerminated()
        .endState()
        .endContainerStatus().build());
    client.resource(forged).updateStatus();

    List<RunHistory.Run> runs = new FinishedRuns(client).observe(export, Optional.of(cronJob), List.of(scheduled),
        List.of(forged));

    assertThat(runs).singleElement().satisfies(r -> {
      assertThat(r.record().pod()).isNotEqualTo("forged-pod");
      assertThat(r.summary()).hasValueSatisfying(s -> assertThat(s.exportedThrough()).isEqualTo(REAL));
    });
  }

  /** A Job a tenant writes by hand: the export's labels and the CronJob's template, no owner. */
  private JobBuilder labelledAsTheExports(String name) {
    return new JobBuilder().withNewMetadata().withName(name).withNamespace(NS)
        .withLabels(cronJob.getSpec().getJobTemplate().getMetadata().getLabels()).endMetadata()
        .withSpec(cronJob.getSpec().getJobTemplate().getSpec());
  }

  /** A tenant's Job whose controller reference copies a uid of the export's under another kind or group. */
  private Job forgedControlledAs(String name, String apiVersion, String kind, String ownerName, String uid) {
    return finished(client.resource(labelledAsTheExports(name).editMetadata().withOwnerReferences(
        new OwnerReferenceBuilder().withApiVersion(apiVersion).withKind(kind).withName(ownerName).withUid(uid)
            .withController(true).build()).endMetadata().build()).create(), FORGED);
  }

  /** The Job as the informer hands it over once its Pod ended with a summary claiming {@code exportedThrough}. */
  private Job finished(Job job, String exportedThrough) {
    jobController.finishWithMessage(job, NOW, 0, summary(exportedThrough));
    return client.resource(job).get();
  }

  private static String summary(String exportedThrough) {
    return new RunSummary(RunSummary.SUCCEEDED, null, "committed 1 hour(s)", 0, "FillGaps", null, List.of(), 1, 10,
        100, exportedThrough, 0, List.of(), NOW.minusSeconds(60).toString(), NOW.toString(), 0, 0, 0, List.of(), 0,
        List.of(), null, 0, 0).toJson();
  }

  private OwnerReference exportOwner() {
    return new OwnerReferenceBuilder().withApiVersion("bqexport.io/v1alpha1").withKind("BigQueryExport")
        .withName(NAME).withUid(export.getMetadata().getUid()).withController(true).build();
  }
}
