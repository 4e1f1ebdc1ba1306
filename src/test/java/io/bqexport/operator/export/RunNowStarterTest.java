package io.bqexport.operator.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.BigQueryExportStatus;
import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.operator.ChildApplier;
import io.bqexport.testing.ExportFixtures;
import io.bqexport.testing.KubernetesStandIn;
import io.bqexport.testing.RunHistoryFixtures;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The run-now Job as the API server receives it, once per nonce, against the Kubernetes stand-in. */
class RunNowStarterTest {
  private static final String NS = "analytics";

  private final KubernetesStandIn kubernetes = new KubernetesStandIn().namespace(NS);
  private final KubernetesClient client = kubernetes.client();
  private final RunNowStarter starter = new RunNowStarter(client);
  private final BigQueryExport export = ExportFixtures.export(NS, "product-events", null);
  private final CronJob cronJob = RunHistoryFixtures.cronJob(export, "registry.test/bqexport:1");

  RunNowStarterTest() {
    export.getMetadata().setUid("uid-product-events"); // as the API server hands it over
    cronJob.getMetadata().setOwnerReferences(List.of(new OwnerReferenceBuilder().withApiVersion("bqexport.io/v1alpha1")
        .withKind("BigQueryExport").withName("product-events").withUid("uid-product-events").withController(true)
        .build()));
  }

  @AfterEach
  void stop() {
    kubernetes.close();
  }

  @Test
  void aNewNonceStartsOneJobOwnedAsTheCronJobIsAndARetryFindsIt() {
    export.getMetadata().setAnnotations(Map.of(RunNow.ANNOTATION, "1700000000"));

    assertThat(starter.start(export, cronJob)).contains("1700000000");
    assertThat(starter.start(export, cronJob)).as("created by the earlier attempt: handled").contains("1700000000");

    List<Job> jobs = client.batch().v1().jobs().inNamespace(NS).list().getItems();
    assertThat(jobs).singleElement().satisfies(job -> {
      assertThat(job.getMetadata().getName()).isEqualTo(RunNow.job(export, cronJob, "1700000000").getMetadata()
          .getName());
      assertThat(job.getMetadata().getOwnerReferences()).extracting(o -> o.getUid())
          .containsExactly("uid-product-events");
      assertThat(job.getMetadata().getLabels()).containsEntry(ExportLabels.TRIGGER, "RunNow");
    });
  }

  @Test
  void noNonceOrOneAlreadyHandledStartsNothing() {
    assertThat(starter.start(export, cronJob)).isEmpty();
    export.getMetadata().setAnnotations(Map.of(RunNow.ANNOTATION, "42"));
    export.setStatus(new BigQueryExportStatus(1L, List.of(), null, null, null, null, null, null, null, "42", null,
        null));
    assertThat(starter.start(export, cronJob)).isEmpty();
    assertThat(client.batch().v1().jobs().inNamespace(NS).list().getItems()).isEmpty();
  }

  @Test
  void aJobOfTheRunNowsNameTheExportDoesNotControlIsANameConflictAndTheNonceStaysPending() {
    // The name derives from the nonce (`date +%s` by the README): anyone who may create Jobs here can take it first,
    // and a deleted export's Job of that name lingers until garbage collection.
    export.getMetadata().setAnnotations(Map.of(RunNow.ANNOTATION, "1700000002"));
    Job squatter = RunNow.job(export, cronJob, "1700000002");
    squatter.getSpec().getTemplate().getSpec().getContainers().get(0).setArgs(List.of("sleep"));
    client.resource(squatter).create();

    assertThatThrownBy(() -> starter.start(export, cronJob)).isInstanceOfSatisfying(
        ChildApplier.ApplyException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reasons.NAME_CONFLICT);
          assertThat(e.getMessage()).startsWith("Job " + squatter.getMetadata().getName()
              + " already exists and is not controlled by BigQueryExport product-events");
        });
    assertThat(client.batch().v1().jobs().inNamespace(NS).list().getItems()).singleElement()
        .satisfies(job -> assertThat(job.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
            .as("the other Job is left as it is").containsExactly("sleep"));
  }

  @Test
  void aRefusedJobIsAnErrorNotAHandledNonce() {
    kubernetes.rejectAsInvalid("POST", ".*/jobs.*", "Job.batch is invalid: spec.template: Required value");
    export.getMetadata().setAnnotations(Map.of(RunNow.ANNOTATION, "1700000001"));

    assertThatThrownBy(() -> starter.start(export, cronJob)).isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("spec.template: Required value");
  }
}
