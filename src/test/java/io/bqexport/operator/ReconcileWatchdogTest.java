package io.bqexport.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.testing.ExportFixtures;
import io.bqexport.testing.MutableClock;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReconcileWatchdogTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T10:00:00Z"));
  private final List<String> passedOn = new ArrayList<>();
  private final ReconcileWatchdog watchdog = new ReconcileWatchdog(new Metrics() {
    @Override
    public void reconciliationExecutionStarted(io.fabric8.kubernetes.api.model.HasMetadata r, Map<String, Object> m) {
      passedOn.add("started " + r.getMetadata().getName());
    }

    @Override
    public void reconciliationExecutionFinished(io.fabric8.kubernetes.api.model.HasMetadata r, Map<String, Object> m) {
      passedOn.add("finished " + r.getMetadata().getName());
    }
  }, clock, Duration.ofMinutes(10));

  @Test
  void aReconcileRunningLongerThanTheLimitIsStuckUntilItFinishes() {
    var export = ExportFixtures.export("ns", "slow", null);
    watchdog.reconciliationExecutionStarted(export, Map.of());
    clock.advance(Duration.ofMinutes(10));
    assertThat(watchdog.stuck()).as("at the limit").isEmpty();

    clock.advance(Duration.ofSeconds(1));
    assertThat(watchdog.stuck()).contains("BigQueryExport ns/slow");

    watchdog.reconciliationExecutionFinished(export, Map.of());
    assertThat(watchdog.stuck()).isEmpty();
    assertThat(passedOn).as("the real metrics still see every call").containsExactly("started slow", "finished slow");
  }

  @Test
  void manyShortReconcilesAreNeverStuck() {
    for (int i = 0; i < 100; i++) {
      var export = ExportFixtures.export("ns", "e" + i, null);
      watchdog.reconciliationExecutionStarted(export, Map.of());
      clock.advance(Duration.ofMinutes(1));
      watchdog.reconciliationExecutionFinished(export, Map.of());
    }
    assertThat(watchdog.stuck()).isEmpty();
  }
}
