package io.bqexport.operator.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.operator.status.ConditionType;
import io.bqexport.testing.ExportScenario;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The children an export owns: written or reported, never adopted, put back when edited, within name limits. */
class ExportChildrenTest {
  private static final Instant NOW = Instant.parse("2026-11-28T10:10:00Z");
  private static final Instant START = Instant.parse("2026-11-28T09:00:00Z");
  /** Kubernetes' label value syntax (validation.IsValidLabelValue): at most 63 characters. */
  private static final Pattern LABEL_VALUE = Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");

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
  void aCronJobDeniedByAnAdmissionWebhookIsReportedAsApplyFailedWithAWarningEvent() {
    scenario.kubernetes.denyByWebhook("POST", ".*/namespaces/analytics/cronjobs.*", "policy.example.com",
        "CronJobs must set spec.timeZone");
    scenario.create(scenario.export("denied", START));

    var ready = scenario.awaitReason("denied", ConditionType.READY, Reasons.APPLY_FAILED);
    assertThat(ready.status()).isEqualTo("False");
    assertThat(ready.message()).contains("CronJob denied",
        "admission webhook \"policy.example.com\" denied the request: CronJobs must set spec.timeZone");
    assertThat(scenario.condition("denied", ConditionType.RECONCILING).orElseThrow().status()).isEqualTo("True");
    await().atMost(Duration.ofMinutes(2)).untilAsserted(() -> assertThat(events()).anySatisfy(e -> {
      assertThat(e.getType()).isEqualTo("Warning");
      assertThat(e.getReason()).isEqualTo(Reasons.APPLY_FAILED);
      assertThat(e.getMessage()).contains("policy.example.com");
    }));

    scenario.kubernetes.allowAll(); // the policy is relaxed: the next retry creates the CronJob
    await().atMost(Duration.ofMinutes(2)).until(() -> cronJob("denied") != null);
    scenario.await("denied", ConditionType.READY, c -> c.isTrue());
  }

  @Test
  void anObjectOfTheSameNameThatTheExportDoesNotControlIsNeverAdopted() {
    ConfigMap otherTeams = new ConfigMapBuilder().withNewMetadata().withName("taken-exporter")
        .withNamespace(ExportScenario.NAMESPACE).endMetadata().withData(Map.of("owner", "team-b")).build();
    scenario.kubernetes.client().resource(otherTeams).create();
    scenario.create(scenario.export("taken", START));

    var stalled = scenario.awaitReason("taken", ConditionType.STALLED, Reasons.NAME_CONFLICT);
    assertThat(stalled.status()).isEqualTo("True");
    assertThat(stalled.message()).contains("ConfigMap taken-exporter", "not controlled by BigQueryExport taken");
    assertThat(scenario.condition("taken", ConditionType.READY).orElseThrow().status()).isEqualTo("False");
    ConfigMap after = scenario.kubernetes.client().configMaps().inNamespace(ExportScenario.NAMESPACE)
        .withName("taken-exporter").get();
    assertThat(after.getData()).isEqualTo(Map.of("owner", "team-b"));
    assertThat(after.getMetadata().getOwnerReferences()).isNullOrEmpty();
    assertThat(cronJob("taken")).as("no CronJob without its ConfigMap").isNull();
  }

  @Test
  void aHandEditedCronJobIsPutBackWithAnEvent() {
    scenario.create(scenario.export("edited", START));
    scenario.await("edited", ConditionType.SCHEDULED, c -> c.isTrue());

    scenario.kubernetes.client().batch().v1().cronjobs().inNamespace(ExportScenario.NAMESPACE).withName("edited")
        .edit(c -> {
          c.getSpec().setSchedule("0 0 * * *");
          c.getSpec().setSuspend(true);
          return c;
        });

    await().atMost(Duration.ofMinutes(2)).untilAsserted(() -> {
      CronJob cronJob = cronJob("edited");
      assertThat(cronJob.getSpec().getSchedule()).isEqualTo("5 * * * *");
      assertThat(cronJob.getSpec().getSuspend()).isFalse();
    });
    await().atMost(Duration.ofMinutes(2)).untilAsserted(() -> assertThat(events()).anySatisfy(e -> {
      assertThat(e.getReason()).isEqualTo(Reasons.MANUAL_CHANGE_REVERTED);
      assertThat(e.getMessage()).contains("CronJob edited", "spec.schedule", "spec.suspend");
    }));
    assertThat(scenario.condition("edited", ConditionType.SCHEDULED).orElseThrow().message())
        .contains("\"5 * * * *\"");
  }

  @Test
  void longNamesYieldLabelValuesAndNamesWithinKubernetesLimitsAndRunsStillMapBack() {
    String name = "product-events-of-the-marketing-analytics-team-in-the-european-region-" + "x".repeat(40);
    scenario.create(scenario.export(name, START));
    scenario.await(name, ConditionType.SCHEDULED, c -> c.isTrue());
    BigQueryExport export = scenario.get(name);

    CronJob cronJob = cronJob(ExportCronJob.name(export));
    ConfigMap configMap = scenario.kubernetes.client().configMaps().inNamespace(ExportScenario.NAMESPACE)
        .withName(ExporterConfigMap.name(export)).get();
    assertThat(cronJob.getMetadata().getName()).hasSizeLessThanOrEqualTo(ChildNames.MAX_CRONJOB_NAME);
    List<Map<String, String>> labelSets = new ArrayList<>();
    for (HasMetadata child : List.of(cronJob, configMap)) {
      labelSets.add(child.getMetadata().getLabels());
    }
    labelSets.add(cronJob.getSpec().getJobTemplate().getMetadata().getLabels());
    labelSets.add(cronJob.getSpec().getJobTemplate().getSpec().getTemplate().getMetadata().getLabels());
    assertThat(labelSets).allSatisfy(labels -> assertThat(labels.values()).allSatisfy(v -> {
      assertThat(v).hasSizeLessThanOrEqualTo(63);
      assertThat(LABEL_VALUE.matcher(v).matches()).as("label value %s", v).isTrue();
    }));

    var run = scenario.fire(cronJob.getMetadata().getName());
    assertThat(run.job().getMetadata().getName()).hasSizeLessThanOrEqualTo(63);
    await().atMost(Duration.ofMinutes(2)).until(() -> scenario.get(name).getStatus().runs() != null);
    assertThat(scenario.get(name).getStatus().runs().get(0).job()).isEqualTo(run.job().getMetadata().getName());
  }

  private CronJob cronJob(String name) {
    return scenario.kubernetes.client().batch().v1().cronjobs().inNamespace(ExportScenario.NAMESPACE)
        .withName(name).get();
  }

  private List<Event> events() {
    return scenario.kubernetes.client().v1().events().inNamespace(ExportScenario.NAMESPACE).list().getItems();
  }
}
