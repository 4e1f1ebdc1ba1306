package io.bqexport.operator.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bqexport.api.v1alpha1.IntegrityStatus;
import io.bqexport.api.v1alpha1.RepairedHourStatus;
import io.bqexport.exporter.RunSummary;
import io.bqexport.operator.status.ConditionType;
import io.bqexport.testing.ExportScenario;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the operator makes of the integrity figures in run summaries: status.integrity accumulated once per run, one
 * HourRepaired Event per repaired hour (never again on later reconciles or after a restart), and the metrics. The
 * summaries are written as the exporter writes them, into the termination message of the runs' pods.
 */
class IntegrityStatusTest {
  private static final Instant NOW = Instant.parse("2026-11-28T10:10:00Z");
  private static final Instant START = Instant.parse("2026-11-28T05:00:00Z");
  private static final String NAME = "product-events";

  private ExportScenario scenario;

  @BeforeEach
  void start() {
    scenario = new ExportScenario(NOW);
    scenario.create(scenario.export(NAME, START));
    scenario.await(NAME, ConditionType.SCHEDULED, c -> c.isTrue());
  }

  @AfterEach
  void stop() {
    scenario.close();
  }

  @Test
  void repairsShowInStatusAsOneEventEachAndInTheMetricsOnce() {
    run("run-1", 5, "2026-11-27T15:00:00Z",
        new RunSummary.Repaired("2026-11-27T13:00:00Z", 1200, 1260, "2026-11-28T10:08:00Z"),
        new RunSummary.Repaired("2026-11-27T14:00:00Z", 800, 790, "2026-11-28T10:09:00Z"));

    IntegrityStatus integrity = awaitIntegrity(i -> i.hoursVerified() == 5);
    assertThat(integrity.verifiedThrough()).isEqualTo("2026-11-27T15:00:00Z");
    assertThat(integrity.hoursRepaired()).isEqualTo(2);
    assertThat(integrity.lastVerifiedAt()).isEqualTo(NOW.toString());
    assertThat(integrity.lastRepairs()).containsExactly(
        new RepairedHourStatus("2026-11-27T14:00:00Z", 800L, 790L, "2026-11-28T10:09:00Z"),
        new RepairedHourStatus("2026-11-27T13:00:00Z", 1200L, 1260L, "2026-11-28T10:08:00Z"));
    var record = scenario.get(NAME).getStatus().runs().stream().filter(r -> r.job().equals("run-1")).findFirst()
        .orElseThrow();
    assertThat(record.verifiedHours()).isEqualTo(5);
    assertThat(record.repairedHours()).isEqualTo(2);
    assertThat(record.pod()).startsWith("run-1-");

    await().untilAsserted(() -> assertThat(repairEvents()).hasSize(2));
    assertThat(repairEvents()).allSatisfy(e -> {
      assertThat(e.getType()).isEqualTo("Normal");
      assertThat(e.getCount()).isEqualTo(1);
      assertThat(e.getInvolvedObject().getName()).isEqualTo(NAME);
    }).extracting(Event::getMessage).containsExactlyInAnyOrder(
        "Hour 2026-11-27T13:00:00Z had 1,200 events at Amplitude when it was committed, 1,260 now (+60): replaced"
            + " by run run-1 at 2026-11-28T10:08:00Z.",
        "Hour 2026-11-27T14:00:00Z had 800 events at Amplitude when it was committed, 790 now (-10): replaced by"
            + " run run-1 at 2026-11-28T10:09:00Z.");
    await().untilAsserted(() -> {
      assertThat(metric("bqexport_hours_verified_total")).isEqualTo(5);
      assertThat(metric("bqexport_hours_repaired_total")).isEqualTo(2);
      // now 2026-11-28T10:10 minus verifiedThrough 2026-11-27T15:00
      assertThat(metric("bqexport_verification_lag_seconds")).isEqualTo(Duration.ofHours(19).plusMinutes(10)
          .toSeconds());
    });

    scenario.clock.advance(Duration.ofHours(1));
    run("run-2", 2, "2026-11-27T17:00:00Z",
        new RunSummary.Repaired("2026-11-27T16:00:00Z", 100, 130, "2026-11-28T11:09:00Z"));
    integrity = awaitIntegrity(i -> i.hoursVerified() == 7);
    assertThat(integrity.hoursRepaired()).isEqualTo(3);
    assertThat(integrity.verifiedThrough()).isEqualTo("2026-11-27T17:00:00Z");
    assertThat(integrity.lastRepairs()).extracting(RepairedHourStatus::hour)
        .containsExactly("2026-11-27T16:00:00Z", "2026-11-27T14:00:00Z", "2026-11-27T13:00:00Z");
    await().untilAsserted(() -> assertThat(repairEvents()).hasSize(3));
    assertThat(repairEvents()).allSatisfy(e -> assertThat(e.getCount()).as(e.getMessage()).isEqualTo(1));
    await().untilAsserted(() -> {
      assertThat(metric("bqexport_hours_verified_total")).isEqualTo(7);
      assertThat(metric("bqexport_hours_repaired_total")).isEqualTo(3);
      assertThat(metric("bqexport_verification_lag_seconds")).isEqualTo(Duration.ofHours(18).plusMinutes(10)
          .toSeconds());
    });
  }

  @Test
  void anOperatorRestartCountsNoRunTwiceAndRepeatsNoEvent() {
    run("run-1", 3, "2026-11-27T15:00:00Z",
        new RunSummary.Repaired("2026-11-27T13:00:00Z", 1200, 1260, "2026-11-28T10:08:00Z"));
    awaitIntegrity(i -> i.hoursVerified() == 3);
    await().untilAsserted(() -> assertThat(repairEvents()).hasSize(1));

    scenario.stopOperator();
    scenario.startOperator();
    scenario.clock.advance(Duration.ofMinutes(5));
    // A later run without repairs: once the status shows it, the restarted operator has reconciled run-1 again.
    run("run-2", 1, "2026-11-27T16:00:00Z");
    IntegrityStatus integrity = awaitIntegrity(i -> i.hoursVerified() >= 4);
    assertThat(integrity.hoursVerified()).as("run-1 is not counted again").isEqualTo(4);
    assertThat(integrity.hoursRepaired()).isEqualTo(1);
    assertThat(integrity.lastRepairs()).hasSize(1);
    assertThat(integrity.lastVerifiedAt()).isEqualTo(NOW.plus(Duration.ofMinutes(5)).toString());
    assertThat(repairEvents()).singleElement().satisfies(e -> assertThat(e.getCount()).isEqualTo(1));
  }

  @Test
  void aRunWithoutIntegrityFiguresLeavesTheStatusWithoutIntegrity() {
    run("run-1", 0, null);
    await().untilAsserted(() -> assertThat(scenario.get(NAME).getStatus().runs()).isNotNull()
        .anySatisfy(r -> assertThat(r.verifiedHours()).isZero()));
    assertThat(scenario.get(NAME).getStatus().integrity()).isNull();
    assertThat(scrape()).doesNotContain("bqexport_verification_lag_seconds{")
        .contains("bqexport_hours_verified_total{");
  }

  /** A Job of the export's CronJob whose pod ends with this run summary. */
  private void run(String job, long verifiedHours, String verifiedThrough, RunSummary.Repaired... repaired) {
    Job created = scenario.jobs.startFrom(ExportScenario.NAMESPACE, NAME, job);
    Instant now = scenario.clock.instant();
    RunSummary summary = new RunSummary(RunSummary.SUCCEEDED, null, "committed 0 hour(s)", 0, "FillGaps", null,
        List.of(), 0, 0, 0, null, 0, List.of(), now.minusSeconds(60).toString(), now.toString(), 0, 0, 0,
        List.of(), verifiedHours, List.of(repaired), verifiedThrough, 0, 0);
    scenario.jobs.finishWithMessage(created, now, 0, summary.toJson());
  }

  private IntegrityStatus awaitIntegrity(java.util.function.Predicate<IntegrityStatus> until) {
    return io.bqexport.testing.Waits.until("status.integrity of " + NAME,
        () -> scenario.get(NAME).getStatus().integrity(), until, String::valueOf);
  }

  private List<Event> repairEvents() {
    return scenario.kubernetes.client().v1().events().inNamespace(ExportScenario.NAMESPACE).list().getItems()
        .stream().filter(e -> "HourRepaired".equals(e.getReason())).toList();
  }

  private long metric(String name) {
    String line = scrape().lines().filter(l -> l.startsWith(name + "{") && l.contains("export=\"" + NAME + "\""))
        .findFirst().orElseThrow(() -> new AssertionError(name + " is not on /metrics"));
    return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
  }

  private String scrape() {
    return scenario.operator().operator().registry().scrape();
  }
}
