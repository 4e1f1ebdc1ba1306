package io.bqexport.operator.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.Condition;
import io.bqexport.operator.status.ConditionType;
import io.bqexport.testing.ExportConditions;
import io.bqexport.testing.ExportFixtures;
import io.bqexport.testing.KubernetesStandIn;
import io.bqexport.testing.OperatorUnderTest;
import io.fabric8.kubernetes.api.model.Event;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Bad input reaches the user as a condition and an Event that name the problem and the fix. */
class ExportReconcilerConditionsTest {
  private static final String NS = "team-a";
  private static final String SECRET_MATERIAL = "TOP-SECRET-PEM-BODY";

  private KubernetesStandIn kubernetes;
  private OperatorUnderTest operator;

  @BeforeEach
  void start() {
    kubernetes = new KubernetesStandIn().namespace(NS);
    operator = new OperatorUnderTest(kubernetes, Clock.systemUTC());
  }

  @AfterEach
  void stop() {
    operator.close();
    kubernetes.close();
  }

  @Test
  void invalidCronStallsTheExportAndNamesTheField() {
    create(ExportFixtures.export(NS, "bad-cron", "61 * * * *"));
    Condition stalled = awaitCondition("bad-cron", ConditionType.STALLED, "InvalidSchedule");
    assertThat(stalled.status()).isEqualTo("True");
    assertThat(stalled.message()).contains("spec.schedule", "'61' is outside 0-59", "\"5 * * * *\"");
    assertThat(condition("bad-cron", ConditionType.READY).orElseThrow().status()).isEqualTo("False");
    await().untilAsserted(() -> assertThat(events()).anySatisfy(e -> {
      assertThat(e.getReason()).isEqualTo("InvalidSchedule");
      assertThat(e.getType()).isEqualTo("Warning");
      assertThat(e.getInvolvedObject().getName()).isEqualTo("bad-cron");
    }));
  }

  @Test
  void missingSecretIsReportedAndCreatingItIsPickedUpWithoutARestart() {
    create(ExportFixtures.export(NS, "waiting", null));
    Condition missing = awaitCondition("waiting", ConditionType.CREDENTIALS_VALID, "SecretNotFound");
    assertThat(missing.message()).contains("Secret bq-writer", "spec.destination.credentialsSecretRef",
        "kubectl create secret generic bq-writer");

    kubernetes.client().resource(ExportFixtures.googleKeySecret(NS, "{\"type\": \"service_account\"}")).create();
    await("CredentialsValid of waiting").until(() -> condition("waiting", ConditionType.CREDENTIALS_VALID)
        .map(c -> c.reason().equals("SecretNotFound") && c.message().contains("Secret amplitude-prod")).orElse(false));

    kubernetes.client().resource(ExportFixtures.amplitudeSecret(NS)).create();
    Condition incomplete = awaitCondition("waiting", ConditionType.CREDENTIALS_VALID, "KeyMissingField");
    assertThat(incomplete.message()).contains("project_id", "private_key_id", "private_key", "client_email");
  }

  @Test
  void brokenKeyJsonIsReportedWithoutEchoingTheKey() {
    kubernetes.client().resource(ExportFixtures.amplitudeSecret(NS)).create();
    kubernetes.client().resource(ExportFixtures.googleKeySecret(NS,
        "{\"type\": \"service_account\", \"private_key\": \"" + SECRET_MATERIAL + "\" oops")).create();
    create(ExportFixtures.export(NS, "broken-key", null));

    Condition invalid = awaitCondition("broken-key", ConditionType.CREDENTIALS_VALID, "InvalidKeyJson");
    assertThat(invalid.status()).isEqualTo("False");
    assertThat(invalid.message()).contains("Secret bq-writer, key service-account.json is not valid JSON",
        "line 1", "--from-file=service-account.json=KEY.json").doesNotContain(SECRET_MATERIAL);
    BigQueryExport export = get("broken-key");
    assertThat(kubernetes.client().getKubernetesSerialization().asJson(export.getStatus()))
        .doesNotContain(SECRET_MATERIAL);
    await().untilAsserted(() -> assertThat(events()).isNotEmpty()
        .allSatisfy(e -> assertThat(e.getMessage()).doesNotContain(SECRET_MATERIAL)));
  }

  @Test
  void aSecretWithTheWrongKeyNamesTheKeysItHas() {
    kubernetes.client().resource(ExportFixtures.amplitudeSecret(NS)).create();
    var secret = ExportFixtures.googleKeySecret(NS, "{}");
    secret.setStringData(java.util.Map.of("key.json", "{}"));
    kubernetes.client().resource(secret).create();
    create(ExportFixtures.export(NS, "wrong-key", null));
    Condition c = awaitCondition("wrong-key", ConditionType.CREDENTIALS_VALID, "SecretKeyMissing");
    assertThat(c.message()).contains("no key 'service-account.json'", "it has: key.json",
        "spec.destination.credentialsSecretRef.key");
  }

  @Test
  void reconcilingAgainWithoutAChangeWritesNothing() {
    create(ExportFixtures.export(NS, "steady", "61 * * * *"));
    awaitCondition("steady", ConditionType.STALLED, "InvalidSchedule");
    // The reconcile that wrote that status records its Events after the write: let it finish first.
    await().until(() -> reconciliations() >= 1);
    String resourceVersion = get("steady").getMetadata().getResourceVersion();
    int eventCount = events().size();

    // A Secret change triggers a reconcile of the export; nothing it observes changed, so nothing is written.
    long writesBefore = statusWrites();
    double reconciled = reconciliations();
    kubernetes.client().resource(ExportFixtures.amplitudeSecret(NS)).create();
    // Look once that reconcile has finished (the operator's own counter), not after a fixed pause.
    await("a reconcile after the Secret change").until(() -> reconciliations() > reconciled);
    assertThat(get("steady").getMetadata().getResourceVersion()).isEqualTo(resourceVersion);
    assertThat(statusWrites()).isEqualTo(writesBefore);
    assertThat(events()).hasSize(eventCount);
  }

  /** Reconciles that finished, as JOSDK counts them in the operator's metrics. */
  private double reconciliations() {
    return operator.operator().registry().find("operator.sdk.reconciliations.success").counters().stream()
        .mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
  }

  private long statusWrites() {
    return kubernetes.requests().stream()
        .filter(r -> !r.method().equals("GET") && r.path().contains("/bigqueryexports/")).count();
  }

  private void create(BigQueryExport export) {
    kubernetes.client().resource(export).create();
  }

  private BigQueryExport get(String name) {
    return kubernetes.client().resources(BigQueryExport.class).inNamespace(NS).withName(name).get();
  }

  private List<Event> events() {
    return kubernetes.client().v1().events().inNamespace(NS).list().getItems();
  }

  private Condition awaitCondition(String name, String type, String reason) {
    return new ExportConditions(kubernetes.client(), NS).awaitReason(name, type, reason);
  }

  private Optional<Condition> condition(String name, String type) {
    return new ExportConditions(kubernetes.client(), NS).get(name, type);
  }
}
