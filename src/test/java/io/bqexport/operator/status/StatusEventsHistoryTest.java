package io.bqexport.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.api.v1alpha1.Condition;
import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.testing.KubernetesStandIn;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What an analyst reading {@code kubectl describe} learns from the Events of an export, step by step, with the
 * condition sequences ExportStatusAssembler writes (a fixed Secret goes InvalidKeyJson, then Unknown/Validating
 * while the test upload runs, then Validated). Events are read back from the Kubernetes API stand-in.
 */
class StatusEventsHistoryTest {
  private static final String NS = "analyst";

  private KubernetesStandIn kubernetes;
  private StatusEvents events;
  private ConfigMap object;

  @BeforeEach
  void start() {
    kubernetes = new KubernetesStandIn().namespace(NS);
    events = new StatusEvents(new EventRecorder(kubernetes.client(), Clock.fixed(
        Instant.parse("2026-11-28T10:00:00Z"), ZoneOffset.UTC)));
    object = kubernetes.client().resource(new ConfigMapBuilder().withNewMetadata().withName("product-events")
        .withNamespace(NS).endMetadata().build()).create();
  }

  @AfterEach
  void stop() {
    kubernetes.close();
  }

  @Test
  void aFixedKeyIsToldEvenWhileTheDataIsStillStale() {
    List<Condition> broken = List.of(
        c(ConditionType.CREDENTIALS_VALID, "False", Reasons.INVALID_KEY_JSON),
        c(ConditionType.SCHEDULED, "False", Reasons.CREDENTIALS_NOT_VALID),
        c(ConditionType.DATA_FRESH, "False", Reasons.STALE),
        c(ConditionType.READY, "False", Reasons.INVALID_KEY_JSON));
    List<Condition> validating = List.of(
        c(ConditionType.CREDENTIALS_VALID, "Unknown", Reasons.VALIDATING),
        c(ConditionType.SCHEDULED, "False", Reasons.CREDENTIALS_NOT_VALID),
        c(ConditionType.DATA_FRESH, "False", Reasons.STALE),
        c(ConditionType.READY, "Unknown", Reasons.VALIDATING));
    List<Condition> fixed = List.of(
        c(ConditionType.CREDENTIALS_VALID, "True", Reasons.VALIDATED),
        c(ConditionType.SCHEDULED, "True", Reasons.SCHEDULED),
        c(ConditionType.DATA_FRESH, "False", Reasons.STALE),
        c(ConditionType.READY, "False", Reasons.STALE));
    events.recordTransitions(object, null, broken);
    events.recordTransitions(object, broken, validating);
    events.recordTransitions(object, validating, fixed);

    assertThat(reasons()).as("a recovery from InvalidKeyJson is a recovery from a failure, even when it passes"
        + " through Validating and Ready stays False for stale data").contains(Reasons.VALIDATED);
  }

  @Test
  void aFixedKeyOnTheWayToReadyIsToldByTheReadyEvent() {
    List<Condition> broken = List.of(
        c(ConditionType.CREDENTIALS_VALID, "False", Reasons.INVALID_KEY_JSON),
        c(ConditionType.READY, "False", Reasons.INVALID_KEY_JSON));
    List<Condition> validating = List.of(
        c(ConditionType.CREDENTIALS_VALID, "Unknown", Reasons.VALIDATING),
        c(ConditionType.READY, "Unknown", Reasons.VALIDATING));
    List<Condition> ready = List.of(
        c(ConditionType.CREDENTIALS_VALID, "True", Reasons.VALIDATED),
        c(ConditionType.SCHEDULED, "True", Reasons.SCHEDULED),
        c(ConditionType.DATA_FRESH, "True", Reasons.FRESH),
        c(ConditionType.READY, "True", Reasons.READY));
    events.recordTransitions(object, null, broken);
    events.recordTransitions(object, broken, validating);
    events.recordTransitions(object, validating, ready);

    assertThat(reasons()).containsExactlyInAnyOrder(Reasons.INVALID_KEY_JSON, Reasons.READY);
  }

  @Test
  void dataTurningFreshLaterIsTold() {
    List<Condition> stale = List.of(
        c(ConditionType.CREDENTIALS_VALID, "True", Reasons.VALIDATED),
        c(ConditionType.SCHEDULED, "True", Reasons.SCHEDULED),
        c(ConditionType.DATA_FRESH, "False", Reasons.STALE),
        c(ConditionType.READY, "False", Reasons.STALE));
    List<Condition> fresh = List.of(
        c(ConditionType.CREDENTIALS_VALID, "True", Reasons.VALIDATED),
        c(ConditionType.SCHEDULED, "True", Reasons.SCHEDULED),
        c(ConditionType.DATA_FRESH, "True", Reasons.FRESH),
        c(ConditionType.READY, "True", Reasons.READY));
    events.recordTransitions(object, null, stale);
    events.recordTransitions(object, stale, fresh);

    assertThat(reasons()).contains(Reasons.STALE, Reasons.FRESH, Reasons.READY);
  }

  @Test
  void credentialsFailingAgainAfterReadyAreToldAndTheirRecoveryToo() {
    List<Condition> ready = List.of(
        c(ConditionType.CREDENTIALS_VALID, "True", Reasons.VALIDATED),
        c(ConditionType.READY, "True", Reasons.READY));
    List<Condition> revoked = List.of(
        c(ConditionType.CREDENTIALS_VALID, "False", "AuthFailed"),
        c(ConditionType.READY, "False", "AuthFailed"));
    events.recordTransitions(object, null, ready);
    events.recordTransitions(object, ready, revoked);
    events.recordTransitions(object, revoked, ready); // a periodic re-check passes: no Validating in between

    assertThat(reasons()).contains("AuthFailed", Reasons.VALIDATED, Reasons.READY);
  }

  private List<String> reasons() {
    return kubernetes.client().v1().events().inNamespace(NS).list().getItems().stream().map(Event::getReason)
        .toList();
  }

  private static Condition c(String type, String status, String reason) {
    return new Condition(type, status, reason, type + " " + reason, "2026-11-28T10:00:00Z", 1L);
  }
}
