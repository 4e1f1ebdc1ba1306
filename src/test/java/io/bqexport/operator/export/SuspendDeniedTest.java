package io.bqexport.operator.export;

import static io.bqexport.testing.ExportSpecs.withSchedule;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.operator.status.ConditionType;
import io.bqexport.testing.ExportScenario;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** An invalid spec whose CronJob cannot be suspended does not claim that it was. */
class SuspendDeniedTest {
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
  void aDeniedSuspendOfAnInvalidSpecsCronJobIsReportedAsStillRunning() {
    scenario.create(scenario.export("frozen", START));
    scenario.await("frozen", ConditionType.READY, c -> c.isTrue());
    scenario.kubernetes.denyByWebhook("PATCH", ".*/namespaces/analytics/cronjobs/frozen.*", "policy.example.com",
        "CronJobs may not be suspended");

    scenario.patchSpec("frozen", withSchedule(scenario.get("frozen").getSpec(), "61 * * * *"));
    scenario.awaitReason("frozen", ConditionType.STALLED, Reasons.INVALID_SCHEDULE);
    var scheduled = scenario.await("frozen", ConditionType.SCHEDULED,
        c -> Reasons.APPLY_FAILED.equals(c.reason()));
    assertThat(cronJob("frozen").getSpec().getSuspend()).as("the webhook kept it running").isFalse();
    assertThat(scheduled.status()).isEqualTo("True");
    assertThat(scheduled.message()).contains("still runs the last valid spec", "CronJobs may not be suspended");

    scenario.kubernetes.allowAll(); // the retry suspends it
    await().atMost(Duration.ofMinutes(2)).until(() -> cronJob("frozen").getSpec().getSuspend());
    scenario.awaitReason("frozen", ConditionType.SCHEDULED, Reasons.SPEC_INVALID);
  }

  private CronJob cronJob(String name) {
    return scenario.kubernetes.client().batch().v1().cronjobs().inNamespace(ExportScenario.NAMESPACE)
        .withName(name).get();
  }
}
