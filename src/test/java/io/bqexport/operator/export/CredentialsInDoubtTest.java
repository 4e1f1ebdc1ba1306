package io.bqexport.operator.export;

import static io.bqexport.testing.ExportSpecs.withDataset;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.operator.status.ConditionType;
import io.bqexport.testing.ExportFixtures;
import io.bqexport.testing.ExportScenario;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * While the operator cannot vouch for an export's credentials (killed mid-validation, a Secret that stopped opting
 * in), its children run only what was validated, and the status says what they do.
 */
class CredentialsInDoubtTest {
  private static final Instant NOW = Instant.parse("2026-11-28T10:10:00Z");
  private static final Instant START = Instant.parse("2026-11-28T09:00:00Z");

  private ExportScenario scenario;

  @BeforeEach
  void start() {
    scenario = new ExportScenario(NOW);
  }

  @AfterEach
  void stop() {
    scenario.close();
  }

  @Test
  void anOperatorRestartedWhileAChangedSpecIsValidatedKeepsTheValidatedChildren() throws InterruptedException {
    scenario.create(scenario.export("moving", START));
    scenario.await("moving", ConditionType.READY, c -> c.isTrue());
    String configBefore = exporterConfig("moving");

    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch probes = new CountDownLatch(2);
    scenario.bigquery.faults().onRequest("GET", ".*/datasets/no_such_dataset$", request -> {
      probes.countDown();
      try {
        release.await(2, TimeUnit.MINUTES); // held until the test has looked
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    scenario.patchSpec("moving", withDataset(scenario.get("moving").getSpec(), "no_such_dataset"));
    scenario.await("moving", ConditionType.READY, c -> "Unknown".equals(c.status()));

    scenario.stopOperator(); // killed mid-validation: the new one remembers nothing of the validated spec
    scenario.startOperator();
    assertThat(probes.await(2, TimeUnit.MINUTES)).as("the restarted operator probes the new spec").isTrue();
    // The probe starts within the reconcile that then applies the children and writes the status: wait for the
    // restarted operator's status, which carries its own validation message.
    scenario.await("moving", ConditionType.CREDENTIALS_VALID, c -> "Unknown".equals(c.status())
        && !c.message().contains("changed"));

    assertThat(exporterConfig("moving")).as("the ConfigMap keeps the validated dataset").isEqualTo(configBefore);
    assertThat(cronJob("moving").getSpec().getSuspend()).as("the validated schedule keeps running").isFalse();
    assertThat(scenario.condition("moving", ConditionType.READY).orElseThrow().status()).isEqualTo("Unknown");

    release.countDown();
    scenario.awaitReason("moving", ConditionType.STALLED, Reasons.DATASET_NOT_FOUND);
    await().atMost(Duration.ofMinutes(2)).until(() -> cronJob("moving").getSpec().getSuspend());
  }

  @Test
  void aSecretWhoseLabelIsRemovedAfterValidationSuspendsTheCronJobAndSaysSo() {
    scenario.create(scenario.export("unlabelled", START));
    scenario.await("unlabelled", ConditionType.READY, c -> c.isTrue());

    scenario.kubernetes.client().secrets().inNamespace(ExportScenario.NAMESPACE)
        .withName(ExportFixtures.GOOGLE_SECRET).edit(s -> {
          s.getMetadata().getLabels().remove(ExportSecrets.CREDENTIALS_LABEL);
          return s;
        });

    scenario.awaitReason("unlabelled", ConditionType.CREDENTIALS_VALID, Reasons.SECRET_NOT_LABELLED);
    await().atMost(Duration.ofMinutes(2)).until(() -> cronJob("unlabelled").getSpec().getSuspend());
    var scheduled = scenario.await("unlabelled", ConditionType.SCHEDULED, c -> !c.isTrue());
    assertThat(scheduled.reason()).isEqualTo(Reasons.CREDENTIALS_NOT_VALID);
    assertThat(scenario.condition("unlabelled", ConditionType.DATA_FRESH)).as("DataFresh stays visible").isPresent();
    assertThat(scenario.condition("unlabelled", ConditionType.READY).orElseThrow().status()).isEqualTo("False");
  }

  @Test
  void whileTheFirstCredentialCheckRunsTheCronJobStaysSuspendedAndRunNowWaits() throws InterruptedException {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch probing = new CountDownLatch(1);
    scenario.bigquery.faults().onRequest("GET", ".*/datasets/" + ExportScenario.DATASET + "$", request -> {
      probing.countDown();
      try {
        release.await(2, TimeUnit.MINUTES); // the first probe is held until the test has looked
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    var export = scenario.export("first", START);
    export.getMetadata().setAnnotations(java.util.Map.of(RunNow.ANNOTATION, "1700000000"));
    scenario.create(export);
    assertThat(probing.await(2, TimeUnit.MINUTES)).as("the operator probes the new export").isTrue();
    // The status written by the reconcile that started the probe and applied the children.
    scenario.awaitReason("first", ConditionType.SCHEDULED, Reasons.CREDENTIALS_NOT_VALID);

    assertThat(scenario.condition("first", ConditionType.CREDENTIALS_VALID).orElseThrow())
        .satisfies(c -> assertThat(c.status()).isEqualTo("Unknown"))
        .satisfies(c -> assertThat(c.reason()).isEqualTo(Reasons.VALIDATING));
    assertThat(cronJob("first").getSpec().getSuspend()).as("no run before the credentials are checked").isTrue();
    assertThat(runNowJobs()).as("run-now waits for the check").isEmpty();
    assertThat(scenario.get("first").getStatus().lastRunNow()).as("run-now is not marked handled").isNull();

    release.countDown();
    scenario.await("first", ConditionType.CREDENTIALS_VALID, c -> c.isTrue());
    await().atMost(Duration.ofMinutes(2)).until(() -> Boolean.FALSE.equals(cronJob("first").getSpec().getSuspend()));
    await().atMost(Duration.ofMinutes(2)).until(() -> runNowJobs().size() == 1);
  }

  private java.util.List<io.fabric8.kubernetes.api.model.batch.v1.Job> runNowJobs() {
    return scenario.kubernetes.client().batch().v1().jobs().inNamespace(ExportScenario.NAMESPACE)
        .withLabel(ExportLabels.TRIGGER, "RunNow").list().getItems();
  }

  private String exporterConfig(String name) {
    return scenario.kubernetes.client().configMaps().inNamespace(ExportScenario.NAMESPACE)
        .withName(name + "-exporter").get().getData().get(ExporterConfigMap.CONFIG_KEY);
  }

  private CronJob cronJob(String name) {
    return scenario.kubernetes.client().batch().v1().cronjobs().inNamespace(ExportScenario.NAMESPACE)
        .withName(name).get();
  }
}
