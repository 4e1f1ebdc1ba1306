package io.bqexport.operator.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.auth.ServiceAccountSigner;
import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.BigQueryExportSpec;
import io.bqexport.api.v1alpha1.BigQueryExportStatus;
import io.bqexport.api.v1alpha1.Condition;
import io.bqexport.api.v1alpha1.CredentialsStatus;
import io.bqexport.api.v1alpha1.DataSpec;
import io.bqexport.api.v1alpha1.Delivery;
import io.bqexport.api.v1alpha1.DestinationSpec;
import io.bqexport.api.v1alpha1.GcsLocation;
import io.bqexport.api.v1alpha1.GoogleCredentialsSpec;
import io.bqexport.api.v1alpha1.MergeIdsSpec;
import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.api.v1alpha1.SecretKeyRef;
import io.bqexport.api.v1alpha1.SourceSpec;
import io.bqexport.api.v1alpha1.StorageSourceSpec;
import io.bqexport.api.v1alpha1.WorkloadIdentitySpec;
import io.bqexport.bigquery.CredentialProbe;
import io.bqexport.bigquery.ServiceAccountKeyInfo;
import io.bqexport.operator.status.ConditionType;
import io.bqexport.testing.ExportFixtures;
import io.bqexport.testing.MutableClock;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * When an export's credentials are probed and what the reconciler is told meanwhile, without an operator: a probe
 * stand-in answers as told, a mutable clock decides validationInterval and the backoff, and the inbound event source
 * says when a probe ended.
 */
class CredentialValidationsTest {
  private static final Instant START = Instant.parse("2026-11-28T10:00:00Z");
  private static final Duration FIRST_RETRY = Duration.ofSeconds(30);
  private static final ServiceAccountKeyInfo KEY =
      new ServiceAccountKeyInfo("writer@proj.iam.gserviceaccount.com", "key-proj", "ab:cd");
  private static final ExportSecrets.Values VALUES = new ExportSecrets.Values("{\"key\":1}", "api", "secret");
  private static final ExportSecrets.Observation KEYLESS =
      new ExportSecrets.Observation(null, null, new ExportSecrets.Values(null, "api", "secret"), "amplitude-prod@1");

  private final MutableClock clock = new MutableClock(START);
  private final List<CredentialProbe.Target> probed = new CopyOnWriteArrayList<>();
  private final List<ResourceID> ended = new CopyOnWriteArrayList<>();
  /** What the probe answers; changed by tests. */
  private volatile Function<CredentialProbe.Target, CredentialProbe.Result> answer = t -> valid();
  private CredentialValidations validations;
  /** Holds the probe stand-in's answer, so that what a reconcile sees while a probe runs is not a race. */
  private volatile CountDownLatch gate = new CountDownLatch(0);

  private CredentialValidations.Outcome whileHeld(java.util.function.Supplier<CredentialValidations.Outcome> call) {
    gate = new CountDownLatch(1);
    try {
      return call.get();
    } finally {
      gate.countDown();
    }
  }

  private static CredentialProbe.Result valid() {
    return new CredentialProbe.Result(true, Reasons.VALIDATED, "The key can load.", KEY.clientEmail(), "proj");
  }

  private static CredentialProbe.Result denied() {
    return new CredentialProbe.Result(false, Reasons.PERMISSION_DENIED, "denied", KEY.clientEmail(), "proj");
  }

  private CredentialValidations validations(Duration timeout, AmbientCredentials ambient) {
    validations = new CredentialValidations(target -> {
      probed.add(target);
      try {
        gate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return answer.apply(target);
    }, clock, timeout, FIRST_RETRY, ambient);
    validations.eventSource().setEventHandler(event -> ended.add(event.getRelatedCustomResourceID()));
    validations.eventSource().start();
    return validations;
  }

  private CredentialValidations validations() {
    return validations(Duration.ofMinutes(3), () -> {
      throw new IOException("no metadata server in this test");
    });
  }

  @AfterEach
  void close() {
    if (validations != null) {
      validations.close();
    }
  }

  private static BigQueryExport export(String uid) {
    BigQueryExport export = ExportFixtures.export("team-a", "export-" + uid, "5 * * * *");
    export.getMetadata().setUid(uid);
    export.getMetadata().setGeneration(2L);
    return export;
  }

  private static ExportSecrets.Observation secrets(String versions) {
    return new ExportSecrets.Observation(null, KEY, VALUES, versions);
  }

  private static final ExportSecrets.Observation SECRETS = secrets("bq-writer@1,amplitude-prod@1");

  /** The first call starts a probe; waits until it ended, and returns what the reconcile after it sees. */
  private CredentialValidations.Outcome probedOnce(BigQueryExport export, ExportSecrets.Observation secrets,
      boolean force) {
    int events = ended.size();
    validations.current(export, secrets, force);
    awaitEnded(events + 1);
    return validations.current(export, secrets, false);
  }

  private void awaitEnded(int events) {
    await("the probe's end event").atMost(Duration.ofMinutes(2)).until(() -> ended.size() >= events);
  }

  @Test
  void aFirstProbeIsInFlightThenItsResultHoldsForTheValidationInterval() {
    validations();
    BigQueryExport export = export("a");
    assertThat(whileHeld(() -> validations.current(export, SECRETS, false)))
        .isEqualTo(new CredentialValidations.Outcome(null, null, true, null, false));
    awaitEnded(1);
    assertThat(ended).containsExactly(ResourceID.fromResource(export));

    clock.advance(Duration.ofHours(1));
    var outcome = validations.current(export, SECRETS, false);
    assertThat(outcome).isEqualTo(new CredentialValidations.Outcome(valid(), START, false,
        START.plus(Duration.ofHours(12)), false));

    clock.set(START.plus(Duration.ofHours(12)).minusMillis(1));
    assertThat(validations.current(export, SECRETS, false).inFlight()).isFalse();
    assertThat(probed).hasSize(1);

    clock.set(START.plus(Duration.ofHours(12)));
    assertThat(validations.current(export, SECRETS, false)).as("due again: the old result stays while it runs")
        .isEqualTo(new CredentialValidations.Outcome(valid(), START, true, null, false));
    awaitEnded(2);
    assertThat(probed).hasSize(2);
    assertThat(validations.current(export, SECRETS, false)).isEqualTo(new CredentialValidations.Outcome(valid(),
        START.plus(Duration.ofHours(12)), false, START.plus(Duration.ofHours(24)), false));
  }

  @Test
  void theTargetCarriesTheSpecsDestinationTablesAndKey() {
    validations();
    BigQueryExport export = export("a");
    var spec = export.getSpec();
    export.setSpec(new BigQueryExportSpec(spec.source(), new DestinationSpec("dest-proj", "events_ds", "EU",
        spec.destination().credentialsSecretRef(), true, "http://bq.local:9050"), spec.data(), spec.schedule(),
        null, null, null, null, null, null, "30m", null, null));
    var outcome = probedOnce(export, SECRETS, false);

    CredentialProbe.Target target = probed.get(0);
    assertThat(target.keyJson()).isEqualTo("{\"key\":1}");
    assertThat(target.key()).isEqualTo(KEY);
    assertThat(target.ambient()).isNull();
    assertThat(target.projectId()).isEqualTo("dest-proj");
    assertThat(target.dataset()).isEqualTo("events_ds");
    assertThat(target.location()).isEqualTo("EU");
    assertThat(target.endpoint()).isEqualTo("http://bq.local:9050");
    assertThat(target.createDataset()).isTrue();
    assertThat(target.eventsTable()).isEqualTo(spec.data().events().table());
    assertThat(target.mergeIdsTable()).as("merged IDs are off").isNull();
    assertThat(target.source()).isNotNull();
    assertThat(outcome.retryAt()).as("validationInterval 30m").isEqualTo(START.plus(Duration.ofMinutes(30)));
  }

  @Test
  void theMergeIdsTableIsProbedOnlyWhenMergedIdsAreExportedDirectly() {
    validations();
    BigQueryExport transfer = storageExport("a", Delivery.TransferService, false);
    probedOnce(transfer, SECRETS, false);
    assertThat(probed.get(0).mergeIdsTable()).as("the Transfer Service loads them").isNull();

    // The same source, destination and data delivered directly is another probe: it must create that table.
    BigQueryExport direct = storageExport("b", Delivery.Direct, false);
    probedOnce(direct, SECRETS, false);
    assertThat(probed).hasSize(2);
    assertThat(probed.get(1).mergeIdsTable()).isEqualTo("merged");
    assertThat(probed.get(1).ambient()).as("the destination uses a key").isNull();

    // So is a change of the delivery of one export.
    clock.advance(Duration.ofMinutes(2));
    assertThat(validations.current(storageExport("b", Delivery.TransferService, false), SECRETS, false)
        .changePending()).isTrue();
  }

  private static BigQueryExport storageExport(String uid, Delivery delivery, boolean storageKeyless) {
    BigQueryExport export = export(uid);
    var spec = export.getSpec();
    var credentials = storageKeyless ? new GoogleCredentialsSpec(null, new WorkloadIdentitySpec())
        : new GoogleCredentialsSpec(new SecretKeyRef("storage-reader", null), null);
    var storage = new StorageSourceSpec(new GcsLocation("amp-bucket", "prod"), "123", "9", null,
        "http://gcs.local:4443", credentials, null);
    export.setSpec(new BigQueryExportSpec(new SourceSpec(null, storage), spec.destination(),
        new DataSpec(null, new MergeIdsSpec(true, "merged")), spec.schedule(), null, null, null, null, null, null,
        null, null, null, delivery, null));
    return export;
  }

  @Test
  void aFailedProbeIsRetriedWithABackoffThatDoublesAndAChangeStartsOverAtTheFirstRetry() {
    validations();
    answer = t -> denied();
    BigQueryExport export = export("a");
    var first = probedOnce(export, SECRETS, false);
    assertThat(first).isEqualTo(new CredentialValidations.Outcome(denied(), START, false,
        START.plus(FIRST_RETRY), false));
    clock.set(first.retryAt().minusMillis(1));
    assertThat(validations.current(export, SECRETS, false)).isEqualTo(first);

    clock.set(first.retryAt());
    var second = probedOnce(export, SECRETS, false);
    assertThat(second.retryAt()).isEqualTo(first.retryAt().plus(FIRST_RETRY.multipliedBy(2)));
    clock.set(second.retryAt());
    var third = probedOnce(export, SECRETS, false);
    assertThat(third.retryAt()).isEqualTo(second.retryAt().plus(FIRST_RETRY.multipliedBy(4)));
    assertThat(probed).hasSize(3);

    // A rotated Secret is new input: its failure waits the first retry again.
    clock.advance(Duration.ofSeconds(1));
    var rotated = secrets("bq-writer@2,amplitude-prod@1");
    var changed = probedOnce(export, rotated, false);
    assertThat(changed.retryAt()).isEqualTo(clock.instant().plus(FIRST_RETRY));

    // And once it succeeds, the count starts over too.
    answer = t -> valid();
    clock.set(changed.retryAt());
    var fixed = probedOnce(export, rotated, false);
    assertThat(fixed.result().ok()).isTrue();
    answer = t -> denied();
    clock.set(fixed.retryAt());
    assertThat(probedOnce(export, rotated, false).retryAt()).isEqualTo(clock.instant().plus(FIRST_RETRY));
  }

  @Test
  void theBackoffDoublesFromTheFirstRetryUpToFifteenMinutes() {
    Duration first = Duration.ofSeconds(30);
    assertThat(CredentialValidations.backoff(0, first)).isEqualTo(Duration.ofSeconds(30));
    assertThat(CredentialValidations.backoff(1, first)).isEqualTo(Duration.ofSeconds(30));
    assertThat(CredentialValidations.backoff(2, first)).isEqualTo(Duration.ofMinutes(1));
    assertThat(CredentialValidations.backoff(5, first)).isEqualTo(Duration.ofMinutes(8));
    assertThat(CredentialValidations.backoff(6, first)).isEqualTo(Duration.ofMinutes(15));
    assertThat(CredentialValidations.backoff(11, Duration.ofMillis(1))).isEqualTo(Duration.ofMillis(1024));
    assertThat(CredentialValidations.backoff(12, Duration.ofMillis(1))).as("the doubling stops at 2^10")
        .isEqualTo(Duration.ofMillis(1024));
    assertThat(CredentialValidations.backoff(4, Duration.ofMinutes(15).dividedBy(8)))
        .as("exactly the cap").isEqualTo(Duration.ofMinutes(15));
  }

  @Test
  void aChangedSpecOrSecretIsProbedAtOnceAndTheOldResultSaysNothingAboutIt() {
    validations();
    BigQueryExport export = export("a");
    probedOnce(export, SECRETS, false);
    clock.advance(Duration.ofMinutes(5));

    var rotated = secrets("bq-writer@2,amplitude-prod@1");
    assertThat(validations.current(export, rotated, false))
        .isEqualTo(new CredentialValidations.Outcome(valid(), START, true, null, true));
    awaitEnded(2);
    assertThat(validations.current(export, rotated, false).changePending()).isFalse();

    clock.advance(Duration.ofMinutes(5));
    export.setSpec(io.bqexport.testing.ExportSpecs.withDataset(export.getSpec(), "other_ds"));
    assertThat(validations.current(export, rotated, false).changePending()).isTrue();
    awaitEnded(3);
    assertThat(probed).extracting(CredentialProbe.Target::dataset).containsExactly("amplitude", "amplitude",
        "other_ds");
  }

  @Test
  void aChangeWhileAProbeRunsStartsAnotherAndTheResultOfTheOldInputsStaysInDoubt() throws Exception {
    validations();
    CountDownLatch release = new CountDownLatch(1);
    Function<CredentialProbe.Target, CredentialProbe.Result> blocked = t -> {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return valid();
    };
    BigQueryExport export = export("a");
    answer = t -> valid();
    probedOnce(export, SECRETS, false);
    assertThat(validations.current(export, SECRETS, false).inFlight()).isFalse();
    answer = blocked;

    clock.set(START.plus(Duration.ofHours(12)));
    assertThat(validations.current(export, SECRETS, false).inFlight()).isTrue();
    var rotated = secrets("bq-writer@2,amplitude-prod@1");
    assertThat(validations.current(export, rotated, false)).as("still the first probe's result, now in doubt")
        .isEqualTo(new CredentialValidations.Outcome(valid(), START, true, null, true));
    assertThat(validations.current(export, SECRETS, false).changePending())
        .as("the result is about these inputs").isFalse();
    release.countDown();
  }

  @Test
  void aSpecChangedWhileAProbeRunsIsProbedItselfAndSettlesOnItsOwnResult() {
    validations();
    BigQueryExport export = export("a");
    CountDownLatch release = new CountDownLatch(1);
    answer = t -> {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return valid();
    };
    validations.current(export, SECRETS, false);
    export.setSpec(io.bqexport.testing.ExportSpecs.withDataset(export.getSpec(), "other_ds"));
    assertThat(validations.current(export, SECRETS, false).inFlight()).isTrue();
    await("a probe of the changed spec").atMost(Duration.ofMinutes(2)).until(() -> probed.size() == 2);
    assertThat(probed.get(1).dataset()).isEqualTo("other_ds");
    release.countDown();
    awaitEnded(1);
    await("the changed spec's result").atMost(Duration.ofMinutes(2))
        .until(() -> !validations.current(export, SECRETS, false).inFlight());
    assertThat(validations.current(export, SECRETS, false).changePending()).isFalse();
    assertThat(probed).hasSize(2);
  }

  @Test
  void closingInterruptsARunningProbe() {
    validations();
    CountDownLatch never = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    answer = t -> {
      try {
        never.await();
      } catch (InterruptedException e) {
        interrupted.countDown();
      }
      return valid();
    };
    validations.current(export("a"), SECRETS, false);
    await("the probe running").atMost(Duration.ofMinutes(2)).until(() -> probed.size() == 1);
    validations.close();
    await("the probe interrupted").atMost(Duration.ofMinutes(2)).until(() -> interrupted.getCount() == 0);
  }

  @Test
  void aForcedProbeRunsBeforeTheIntervalEnds() {
    validations();
    BigQueryExport export = export("a");
    probedOnce(export, SECRETS, false);
    clock.advance(Duration.ofMinutes(10));
    assertThat(validations.current(export, SECRETS, true))
        .isEqualTo(new CredentialValidations.Outcome(valid(), START, true, null, false));
    awaitEnded(2);
    assertThat(probed).hasSize(2);
    assertThat(validations.current(export, SECRETS, false).finishedAt()).isEqualTo(clock.instant());
  }

  @Test
  void identicalExportsShareARunningProbeAndASuccessForAMinute() {
    validations();
    answer = t -> valid();
    BigQueryExport a = export("a");
    BigQueryExport b = export("b");
    probedOnce(a, SECRETS, false);

    clock.advance(Duration.ofSeconds(59));
    Instant now = clock.instant();
    assertThat(validations.current(b, SECRETS, false)).as("a's success, settled at once without a probe of its own")
        .isEqualTo(new CredentialValidations.Outcome(valid(), now, false, now.plus(Duration.ofHours(12)), false));
    assertThat(probed).hasSize(1);

    BigQueryExport c = export("c");
    clock.set(START.plus(Duration.ofMinutes(1)));
    assertThat(whileHeld(() -> validations.current(c, SECRETS, false)).inFlight())
        .as("a minute after a's probe started").isTrue();
    awaitEnded(3);
    assertThat(probed).hasSize(2);

    BigQueryExport d = export("d");
    clock.advance(Duration.ofSeconds(1));
    assertThat(whileHeld(() -> validations.current(d, SECRETS, true)).inFlight())
        .as("forced: never a finished result").isTrue();
    awaitEnded(4);
    assertThat(probed).hasSize(3);

    BigQueryExport e = export("e");
    var otherKey = new ExportSecrets.Observation(null, KEY,
        new ExportSecrets.Values("{\"key\":2}", "api", "secret"), "bq-writer@1,amplitude-prod@1");
    assertThat(whileHeld(() -> validations.current(e, otherKey, false)).inFlight())
        .as("other values, another probe").isTrue();
    awaitEnded(5);
    assertThat(probed).hasSize(4);
  }

  @Test
  void aFailureIsNotSharedOnceItEnded() {
    validations();
    answer = t -> denied();
    probedOnce(export("a"), SECRETS, false);
    assertThat(whileHeld(() -> validations.current(export("b"), SECRETS, false)).inFlight()).isTrue();
    awaitEnded(2);
    assertThat(probed).hasSize(2);
  }

  @Test
  void aProbeStillRunningIsSharedByAnIdenticalExport() {
    validations();
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger calls = new AtomicInteger();
    answer = t -> {
      calls.incrementAndGet();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return valid();
    };
    validations.current(export("a"), SECRETS, false);
    clock.advance(Duration.ofMinutes(5));
    validations.current(export("b"), SECRETS, true);
    release.countDown();
    awaitEnded(2);
    assertThat(calls).hasValue(1);
    assertThat(validations.current(export("b"), SECRETS, false).result()).isEqualTo(valid());
  }

  @Test
  void aForgottenExportIsProbedAgain() {
    validations();
    BigQueryExport export = export("a");
    probedOnce(export, SECRETS, false);
    clock.advance(Duration.ofMinutes(2));
    assertThat(validations.current(export, SECRETS, false).inFlight()).isFalse();
    validations.forget(export);
    assertThat(whileHeld(() -> validations.current(export, SECRETS, false)).inFlight()).isTrue();
    awaitEnded(2);
    assertThat(probed).hasSize(2);
  }

  @Test
  void aProbeThatOutlivesItsTimeoutIsReportedTimedOutAndRetried() {
    validations(Duration.ofSeconds(1), () -> null);
    CountDownLatch never = new CountDownLatch(1);
    answer = t -> {
      try {
        never.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return valid();
    };
    var outcome = probedOnce(export("a"), SECRETS, false);
    assertThat(outcome.result()).isEqualTo(new CredentialProbe.Result(false, Reasons.VALIDATION_TIMED_OUT,
        "Validating the credentials took longer than 1 s from its start; Google or Amplitude may be slow or"
            + " unreachable from the cluster. It is retried.", KEY.clientEmail(), null));
    assertThat(outcome.retryAt()).isEqualTo(START.plus(FIRST_RETRY));
  }

  @Test
  void aProbeThatThrowsIsAnUnexpectedResponseNamingTheError() {
    validations();
    answer = t -> {
      throw new IllegalStateException("secret detail that must not be shown");
    };
    var outcome = probedOnce(export("a"), SECRETS, false);
    assertThat(outcome.result()).isEqualTo(new CredentialProbe.Result(false, Reasons.UNEXPECTED_RESPONSE,
        "Validating the credentials failed unexpectedly (IllegalStateException); it is retried.",
        KEY.clientEmail(), null));
  }

  @Test
  void withoutAKeyAFailedProbeNamesNoAccount() {
    validations(Duration.ofMinutes(3), TokenCredentials::new);
    answer = t -> {
      throw new IllegalStateException("boom");
    };
    BigQueryExport export = keylessExport("a");
    var outcome = probedOnce(export, KEYLESS, false);
    assertThat(outcome.result().reason()).isEqualTo(Reasons.UNEXPECTED_RESPONSE);
    assertThat(outcome.result().serviceAccount()).isNull();
  }

  private static BigQueryExport keylessExport(String uid) {
    BigQueryExport export = export(uid);
    var spec = export.getSpec();
    export.setSpec(new BigQueryExportSpec(spec.source(), new DestinationSpec("wi-proj", "amplitude", null, null,
        null, null, new GoogleCredentialsSpec(null, new WorkloadIdentitySpec())), spec.data(), spec.schedule(),
        null, null, null, null, null, null, null, null, null));
    return export;
  }

  @Test
  void workloadIdentityWithoutAGoogleTokenFailsBeforeAnyCallNamingTheFix() {
    validations();
    var outcome = probedOnce(keylessExport("a"),
        KEYLESS, false);
    assertThat(probed).as("no call to BigQuery").isEmpty();
    assertThat(outcome.result().ok()).isFalse();
    assertThat(outcome.result().reason()).isEqualTo(Reasons.WORKLOAD_IDENTITY_UNAVAILABLE);
    assertThat(outcome.result().message()).startsWith("The export uses workloadIdentity, but the operator's pod got"
        + " no Google token from Application Default Credentials (IOException).")
        .contains("iam.gke.io/gcp-service-account", "roles/iam.workloadIdentityUser", "It is retried.");
    assertThat(outcome.result().serviceAccount()).isNull();
    assertThat(outcome.result().projectId()).isEqualTo("wi-proj");
  }

  @Test
  void workloadIdentityProbesWithTheOperatorsOwnIdentity() {
    GoogleCredentials own = new SignerCredentials("operator@proj.iam.gserviceaccount.com");
    validations(Duration.ofMinutes(3), () -> own);
    probedOnce(keylessExport("a"), KEYLESS, false);
    CredentialProbe.Target target = probed.get(0);
    assertThat(target.ambient()).isSameAs(own);
    assertThat(target.ambientAccount()).isEqualTo("operator@proj.iam.gserviceaccount.com");
    assertThat(target.keyJson()).isNull();
    assertThat(target.projectId()).isEqualTo("wi-proj");
  }

  @Test
  void anIdentityThatIsNoSignerIsNamedAsTheOperators() {
    GoogleCredentials own = new TokenCredentials();
    validations(Duration.ofMinutes(3), () -> own);
    probedOnce(keylessExport("a"), KEYLESS, false);
    assertThat(probed.get(0).ambientAccount()).isEqualTo("the operator's identity");
  }

  @Test
  void aKeylessStorageSourceNeedsTheOperatorsTokenToo() {
    validations();
    var outcome = probedOnce(storageExport("a", Delivery.Direct, true), SECRETS, false);
    assertThat(outcome.result().reason()).isEqualTo(Reasons.WORKLOAD_IDENTITY_UNAVAILABLE);
    assertThat(probed).isEmpty();
  }

  @Test
  void aKeylessStorageSourceKeepsTheDestinationsKey() {
    validations(Duration.ofMinutes(3), TokenCredentials::new);
    probedOnce(storageExport("a", Delivery.Direct, true), SECRETS, false);
    assertThat(probed.get(0).ambient()).as("the destination uses its key").isNull();
    assertThat(probed.get(0).keyJson()).isEqualTo("{\"key\":1}");
  }

  @Test
  void anIdentityThatYieldsNoTokenIsUnavailable() {
    validations(Duration.ofMinutes(3), () -> new GoogleCredentials() {
      @Override
      public AccessToken refreshAccessToken() throws IOException {
        throw new IOException("the metadata server refused");
      }
    });
    var outcome = probedOnce(keylessExport("a"), KEYLESS, false);
    assertThat(outcome.result().reason()).isEqualTo(Reasons.WORKLOAD_IDENTITY_UNAVAILABLE);
    assertThat(probed).isEmpty();
  }

  @Test
  void aKeyedStorageSourceIsReadWithItsKeyEvenWhenTheDestinationIsKeyless() {
    validations(Duration.ofMinutes(3), TokenCredentials::new);
    answer = t -> {
      try {
        return new CredentialProbe.Result(true, Reasons.VALIDATED, t.source().verify(), null, null);
      } catch (io.bqexport.amplitude.AmplitudeException e) {
        return new CredentialProbe.Result(false, e.reason(), e.getMessage(), null, null);
      }
    };
    BigQueryExport export = storageExport("a", Delivery.Direct, false);
    export.setSpec(new BigQueryExportSpec(export.getSpec().source(), keylessExport("a").getSpec().destination(),
        null, null, null, null, null, null, null, null, null, null, null));
    var outcome = probedOnce(export, new ExportSecrets.Observation(null, null,
        new ExportSecrets.Values(null, null, null, "{not json"), "storage-reader@1"), false);
    assertThat(probed.get(0).ambient()).as("the destination's Workload Identity").isNotNull();
    assertThat(outcome.result().reason()).as("the storage key, not the operator's identity, reads the bucket")
        .isEqualTo(Reasons.STORAGE_AUTH_FAILED);
  }

  /** Credentials whose refresh yields a token without a server. */
  private static class TokenCredentials extends GoogleCredentials {
    @Override
    public AccessToken refreshAccessToken() {
      return new AccessToken("token", Date.from(START.plus(Duration.ofDays(3650))));
    }
  }

  private static final class SignerCredentials extends TokenCredentials implements ServiceAccountSigner {
    private final String account;

    SignerCredentials(String account) {
      this.account = account;
    }

    @Override
    public String getAccount() {
      return account;
    }

    @Override
    public byte[] sign(byte[] toSign) {
      throw new UnsupportedOperationException("not needed");
    }
  }

  // After an operator restart: the status may stand in for a probe.

  private static BigQueryExport validatedInStatus(String validatedAt, String versions, long observedGeneration,
      String conditionStatus) {
    BigQueryExport export = export("a");
    export.setStatus(new BigQueryExportStatus(observedGeneration, List.of(
        new Condition(ConditionType.READY, "True", "Ready", "ready", null, 2L),
        new Condition(ConditionType.CREDENTIALS_VALID, conditionStatus, Reasons.VALIDATED,
            "The key of writer@proj can load into proj.amplitude.", null, 2L)),
        new CredentialsStatus("writer@proj.iam.gserviceaccount.com", "proj", "ab:cd", validatedAt, versions),
        null, null, null, null, null, null, null, null, null));
    return export;
  }

  @Test
  void aValidationRecordedInTheStatusHoldsAfterARestart() {
    validations();
    BigQueryExport export = validatedInStatus("2026-11-28T09:00:00Z", SECRETS.versions(), 2L, "True");
    var validatedAt = Instant.parse("2026-11-28T09:00:00Z");
    var expected = new CredentialValidations.Outcome(new CredentialProbe.Result(true, Reasons.VALIDATED,
        "The key of writer@proj can load into proj.amplitude.", "writer@proj.iam.gserviceaccount.com", "proj"),
        validatedAt, false, validatedAt.plus(Duration.ofHours(12)), false);
    assertThat(validations.current(export, SECRETS, false)).isEqualTo(expected);
    clock.advance(Duration.ofHours(1));
    assertThat(validations.current(export, SECRETS, false)).as("kept in memory").isEqualTo(expected);
    assertThat(probed).isEmpty();

    clock.set(validatedAt.plus(Duration.ofHours(12)));
    assertThat(validations.current(export, SECRETS, false).inFlight()).isTrue();
    awaitEnded(1);
    assertThat(probed).hasSize(1);
  }

  @Test
  void aStatusOfOtherSecretsAnotherGenerationAFailureOrAnUnreadableTimeIsProbedAgain() {
    var stale = List.of(
        validatedInStatus("2026-11-28T09:00:00Z", "bq-writer@0,amplitude-prod@1", 2L, "True"),
        validatedInStatus("2026-11-28T09:00:00Z", SECRETS.versions(), 1L, "True"),
        validatedInStatus("2026-11-28T09:00:00Z", SECRETS.versions(), 2L, "False"),
        validatedInStatus("yesterday", SECRETS.versions(), 2L, "True"),
        validatedInStatus(null, SECRETS.versions(), 2L, "True"),
        validatedInStatus("2026-11-27T22:00:00Z", SECRETS.versions(), 2L, "True"));
    for (BigQueryExport export : stale) {
      validations();
      int before = ended.size();
      assertThat(whileHeld(() -> validations.current(export, SECRETS, false)).inFlight())
          .as(export.getStatus().toString()).isTrue();
      awaitEnded(before + 1);
      validations.close();
    }
    validations();
    BigQueryExport noConditions = validatedInStatus("2026-11-28T09:00:00Z", SECRETS.versions(), 2L, "True");
    noConditions.setStatus(new BigQueryExportStatus(2L, null, noConditions.getStatus().credentials(), null, null,
        null, null, null, null, null, null, null));
    assertThat(whileHeld(() -> validations.current(noConditions, SECRETS, false)).inFlight()).isTrue();
    clock.advance(Duration.ofMinutes(2)); // past the minute noConditions' identical probe may be shared
    BigQueryExport noCredentials = validatedInStatus("2026-11-28T09:00:00Z", SECRETS.versions(), 2L, "True");
    noCredentials.getMetadata().setUid("other");
    noCredentials.setStatus(new BigQueryExportStatus(2L, noCredentials.getStatus().conditions(), null, null, null,
        null, null, null, null, null, null, null));
    assertThat(whileHeld(() -> validations.current(noCredentials, SECRETS, false)).inFlight()).isTrue();
  }
}
