package io.bqexport.operator.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.DestinationSpec;
import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.operator.status.ConditionType;
import io.bqexport.testing.ExportFixtures;
import io.bqexport.testing.ExportScenario;
import io.bqexport.testing.ServiceAccountKeys;
import io.bqexport.testing.amplitude.StandInFault;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each way the test upload can fail has its own reason and fix, a fixed Secret recovers without a restart, and a
 * passing failure is retried without stalling the export.
 */
class CredentialValidationTest {
  private static final Instant NOW = Instant.parse("2026-11-28T10:10:00Z");
  private static final Instant START = Instant.parse("2026-11-28T09:00:00Z");
  /**
   * A failed check is retried 2 s after it, not 30 s: the operator's requeue waits in real time while the scenario's
   * clock stands still, so the retry tests would otherwise idle 30 s each. The clock alone decides when it is due.
   */
  private static final ExportRetries QUICK_RETRY = ExportRetries.DEFAULT.withFirstProbeRetry(Duration.ofSeconds(2));

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
  void missingDatasetIsNamedWithTheFix() {
    BigQueryExport export = scenario.export("wrong-dataset", START);
    DestinationSpec d = export.getSpec().destination();
    export.setSpec(withDestination(export, new DestinationSpec(d.projectId(), "no_such_dataset", d.location(),
        d.credentialsSecretRef(), d.createDataset(), d.endpoint())));
    scenario.create(export);
    var c = scenario.awaitReason("wrong-dataset", ConditionType.CREDENTIALS_VALID, Reasons.DATASET_NOT_FOUND);
    assertThat(c.message()).contains("no_such_dataset", "createDataset");
    assertThat(scenario.condition("wrong-dataset", ConditionType.STALLED).orElseThrow().status()).isEqualTo("True");
    assertThat(scenario.kubernetes.client().batch().v1().cronjobs().inNamespace(ExportScenario.NAMESPACE)
        .withName("wrong-dataset").get().getSpec().getSuspend()).as("no run while credentials are invalid").isTrue();
  }

  @Test
  void createDatasetCreatesAMissingDataset() {
    BigQueryExport export = scenario.export("new-dataset", START);
    DestinationSpec d = export.getSpec().destination();
    export.setSpec(withDestination(export, new DestinationSpec(d.projectId(), "fresh_dataset", d.location(),
        d.credentialsSecretRef(), true, d.endpoint())));
    scenario.create(export);
    scenario.awaitReason("new-dataset", ConditionType.CREDENTIALS_VALID, Reasons.VALIDATED);
    assertThat(scenario.bigquery.tableExists(ExportScenario.PROJECT, "fresh_dataset", "events")).isTrue();
  }

  @Test
  void missingPermissionIsNamed() {
    scenario.bigquery.faults().deny("POST", ".*/datasets/amplitude/tables$", "bigquery.tables.create");
    scenario.create(scenario.export("no-permission", START));
    var c = scenario.awaitReason("no-permission", ConditionType.CREDENTIALS_VALID, Reasons.PERMISSION_DENIED);
    assertThat(c.message()).contains("bigquery.tables.create", "roles/bigquery.dataEditor");
  }

  @Test
  void aKeyGoogleDoesNotKnowFailsAuthentication() {
    var unknown = ServiceAccountKeys.unregistered(scenario.bigquery.tokenUri(), ExportScenario.PROJECT, "deleted");
    scenario.setSecret(ExportFixtures.GOOGLE_SECRET, "service-account.json", unknown.json());
    scenario.create(scenario.export("deleted-key", START));
    var c = scenario.awaitReason("deleted-key", ConditionType.CREDENTIALS_VALID, Reasons.BIGQUERY_AUTH_FAILED);
    assertThat(c.message()).contains("create a new key").doesNotContain("PRIVATE KEY");

    scenario.setSecret(ExportFixtures.GOOGLE_SECRET, "service-account.json", scenario.key.json());
    scenario.awaitReason("deleted-key", ConditionType.CREDENTIALS_VALID, Reasons.VALIDATED);
  }

  @Test
  void wrongAmplitudeKeysFailAndAFixedSecretRecoversWithoutARestart() {
    scenario.setSecret(ExportFixtures.AMPLITUDE_SECRET, "secret-key", "not-the-secret");
    scenario.create(scenario.export("bad-amplitude", START));
    var c = scenario.awaitReason("bad-amplitude", ConditionType.CREDENTIALS_VALID, Reasons.AMPLITUDE_AUTH_FAILED);
    assertThat(c.message()).doesNotContain("not-the-secret");

    scenario.setSecret(ExportFixtures.AMPLITUDE_SECRET, "secret-key", ExportScenario.SECRET_KEY);
    scenario.awaitReason("bad-amplitude", ConditionType.CREDENTIALS_VALID, Reasons.VALIDATED);
    scenario.await("bad-amplitude", ConditionType.SCHEDULED, cond -> cond.isTrue());
  }

  @Test
  void exportsWithIdenticalCredentialsAndTargetShareOneTestUpload() {
    scenario.create(scenario.export("first", START));
    scenario.create(scenario.export("second", START));
    scenario.awaitReason("first", ConditionType.CREDENTIALS_VALID, Reasons.VALIDATED);
    scenario.awaitReason("second", ConditionType.CREDENTIALS_VALID, Reasons.VALIDATED);
    assertThat(testUploads()).as("one probe for two identical targets").isEqualTo(1);

    BigQueryExport other = scenario.export("other-dataset", START);
    DestinationSpec d = other.getSpec().destination();
    other.setSpec(withDestination(other, new DestinationSpec(d.projectId(), "other_dataset", d.location(),
        d.credentialsSecretRef(), true, d.endpoint())));
    scenario.create(other);
    scenario.awaitReason("other-dataset", ConditionType.CREDENTIALS_VALID, Reasons.VALIDATED);
    assertThat(testUploads()).as("a different dataset is probed on its own").isEqualTo(2);
  }

  @Test
  void anExportSharingAFinishedProbeIsScheduledAtOnceWithoutAValidatingRound() {
    scenario.create(scenario.export("first", START));
    scenario.awaitReason("first", ConditionType.CREDENTIALS_VALID, Reasons.VALIDATED);

    scenario.create(scenario.export("late", START));
    scenario.await("late", ConditionType.READY, c -> c.isTrue());
    var requests = scenario.kubernetes.requests().stream().filter(r -> r.byOperator()).toList();
    assertThat(requests).as("its CronJob was created unsuspended and never rewritten")
        .noneMatch(r -> r.method().equals("PUT") && r.path().contains("/cronjobs/late"))
        .anyMatch(r -> r.method().equals("POST") && r.path().endsWith("/cronjobs") && r.body().contains("\"late\"")
            && r.body().contains("\"suspend\":false"));
    assertThat(requests.stream().filter(r -> r.method().equals("PATCH") && r.path().contains("/late/status")))
        .as("one status write: Ready").hasSize(1);
    assertThat(testUploads()).isEqualTo(1);
  }

  private long testUploads() {
    return scenario.bigquery.jobs().stream().filter(j -> "LOAD".equals(j.type())).count();
  }

  private static io.bqexport.api.v1alpha1.BigQueryExportSpec withDestination(BigQueryExport e, DestinationSpec d) {
    var s = e.getSpec();
    return new io.bqexport.api.v1alpha1.BigQueryExportSpec(s.source(), d, s.data(), s.schedule(),
        s.availabilityDelay(), s.startFrom(), s.suspend(), s.historyLimit(), s.maxHoursPerRun(),
        s.freshnessThreshold(), s.validationInterval(), s.pod());
  }

  // A check that fails for a passing reason (Google or Amplitude briefly unavailable) is retried by the operator's
  // own requeue, without anyone touching the export, and the export is not reported Stalled meanwhile.
  @Test
  void bigQueryUnavailableDuringTheCheckIsRetriedAndNotStalled() {
    scenario.restartOperatorWithRetries(QUICK_RETRY);
    // Every attempt of the client's retry budget (6) answers 503 backendError.
    scenario.bigquery.faults().failNext("GET", ".*/datasets/" + ExportScenario.DATASET + "$", 6, 503,
        "backendError");
    scenario.create(scenario.export("flaky-google", START));

    assertRetriedWithoutStalling("flaky-google", Reasons.DESTINATION_UNAVAILABLE,
        () -> scenario.bigquery.faults().clear());
  }

  @Test
  void amplitudeUnavailableDuringTheCheckIsRetriedAndNotStalled() {
    scenario.restartOperatorWithRetries(QUICK_RETRY);
    // A proxy's 302 is SourceUnavailable at once, without the client's retries.
    scenario.amplitude.faults().next(1, StandInFault.status(302));
    scenario.create(scenario.export("flaky-amplitude", START));

    assertRetriedWithoutStalling("flaky-amplitude", Reasons.SOURCE_UNAVAILABLE,
        () -> scenario.amplitude.faults().clear());
  }

  @Test
  void anAnswerTheProbeCannotInterpretIsUnexpectedResponseRetriedAndNotStalled() {
    scenario.restartOperatorWithRetries(QUICK_RETRY);
    // A gateway in front of BigQuery answers the dataset GET with its own 200 body: the client cannot read a
    // Dataset from it and throws something that is no BigQueryException.
    scenario.bigquery.faults().answerNext("GET", ".*/datasets/" + ExportScenario.DATASET + "$", 1,
        new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode().put("kind", "gateway#status"));
    scenario.create(scenario.export("gateway", START));

    var failed = assertRetriedWithoutStalling("gateway", Reasons.UNEXPECTED_RESPONSE,
        () -> scenario.bigquery.faults().clear());
    assertThat(failed.message()).contains("failed unexpectedly", "retried");
  }

  @Test
  void aProbeHangingPastItsTimeoutIsValidationTimedOutRetriedAndNotStalled() {
    // Long enough for a whole normal probe on a loaded machine, far shorter than the hang.
    scenario.restartOperatorWithRetries(QUICK_RETRY.withProbeTimeout(Duration.ofSeconds(40)));
    // BigQuery accepts the connection and never answers (within the client's 120 s read timeout).
    scenario.bigquery.faults().delayNext("GET", ".*/datasets/" + ExportScenario.DATASET + "$", 1,
        Duration.ofMinutes(10));
    scenario.create(scenario.export("hung", START));

    var failed = assertRetriedWithoutStalling("hung", Reasons.VALIDATION_TIMED_OUT,
        () -> scenario.bigquery.faults().clear());
    assertThat(failed.message()).contains("longer than 40 s");
  }

  private io.bqexport.api.v1alpha1.Condition assertRetriedWithoutStalling(String name, String reason,
      Runnable serviceRecovers) {
    var failed = scenario.awaitReason(name, ConditionType.CREDENTIALS_VALID, reason);
    assertThat(failed.status()).isEqualTo("False");
    assertThat(failed.message()).contains("Checked again at");
    assertThat(scenario.condition(name, ConditionType.STALLED).orElseThrow().status())
        .as("a passing failure needs no person").isEqualTo("False");
    assertThat(scenario.condition(name, ConditionType.SCHEDULED).orElseThrow().reason())
        .isEqualTo(Reasons.CREDENTIALS_NOT_VALID);
    assertThat(cronJobSuspended(name)).as("the operator keeps the CronJob suspended meanwhile").isTrue();

    serviceRecovers.run();
    // The first retry is due 2 s (clock time) after the failure; the operator requeued itself for then, and finds
    // it due once the clock has moved. Nothing else changes.
    scenario.clock.advance(QUICK_RETRY.firstProbeRetry().plus(Duration.ofSeconds(1)));

    scenario.awaitReason(name, ConditionType.CREDENTIALS_VALID, Reasons.VALIDATED);
    scenario.await(name, ConditionType.SCHEDULED, c -> c.isTrue());
    assertThat(cronJobSuspended(name)).as("the operator unsuspends the CronJob it writes").isFalse();
    return failed;
  }

  private boolean cronJobSuspended(String name) {
    return scenario.kubernetes.client().batch().v1().cronjobs().inNamespace(ExportScenario.NAMESPACE).withName(name)
        .get().getSpec().getSuspend();
  }
}
