package io.bqexport.operator.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.operator.status.ConditionType;
import io.bqexport.testing.ExportScenario;
import io.bqexport.testing.amplitude.StandInFault;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A credential check that fails for a passing reason (Google or Amplitude briefly unavailable) is retried by the
 * operator's own requeue, without anyone touching the export, and the export is not reported Stalled meanwhile.
 */
class TransientCredentialFailuresTest {
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
  void bigQueryUnavailableDuringTheCheckIsRetriedAndNotStalled() {
    // Every attempt of the client's retry budget (6) answers 503 backendError.
    scenario.bigquery.faults().failNext("GET", ".*/datasets/" + ExportScenario.DATASET + "$", 6, 503,
        "backendError");
    scenario.create(scenario.export("flaky-google", START));

    assertRetriedWithoutStalling("flaky-google", Reasons.DESTINATION_UNAVAILABLE,
        () -> scenario.bigquery.faults().clear());
  }

  @Test
  void amplitudeUnavailableDuringTheCheckIsRetriedAndNotStalled() {
    // A proxy's 302 is SourceUnavailable at once, without the client's retries.
    scenario.amplitude.faults().next(1, StandInFault.status(302));
    scenario.create(scenario.export("flaky-amplitude", START));

    assertRetriedWithoutStalling("flaky-amplitude", Reasons.SOURCE_UNAVAILABLE,
        () -> scenario.amplitude.faults().clear());
  }

  private void assertRetriedWithoutStalling(String name, String reason, Runnable serviceRecovers) {
    var failed = scenario.awaitReason(name, ConditionType.CREDENTIALS_VALID, reason);
    assertThat(failed.status()).isEqualTo("False");
    assertThat(failed.message()).contains("Checked again at");
    assertThat(scenario.condition(name, ConditionType.STALLED).orElseThrow().status())
        .as("a passing failure needs no person").isEqualTo("False");
    assertThat(scenario.condition(name, ConditionType.SCHEDULED).orElseThrow().status()).isEqualTo("False");

    serviceRecovers.run();
    // The first retry is due 30 s after the failure; the operator requeued itself for then. Nothing else changes.
    scenario.clock.advance(CredentialValidations.FIRST_RETRY.plus(Duration.ofSeconds(1)));

    scenario.awaitReason(name, ConditionType.CREDENTIALS_VALID, Reasons.VALIDATED);
    scenario.await(name, ConditionType.SCHEDULED, c -> c.isTrue());
  }
}
