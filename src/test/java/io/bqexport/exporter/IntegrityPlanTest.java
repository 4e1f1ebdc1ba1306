package io.bqexport.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.bigquery.LedgerHour;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which hours the re-check reads, and how far the verified prefix reaches: a pure function of ledger and time. */
class IntegrityPlanTest {
  private static final Instant H0 = Instant.parse("2026-11-20T00:00:00Z");
  private final IntegrityPlan plan = new IntegrityPlan(Duration.ofHours(24), Duration.ofDays(7), 3);

  private static Instant hour(int h) {
    return H0.plus(Duration.ofHours(h));
  }

  private static LedgerHour unverified(int h) {
    return new LedgerHour(hour(h), 10, 10L, 1, null);
  }

  private static LedgerHour verified(int h) {
    return new LedgerHour(hour(h), 10, 10L, 1, hour(h + 30));
  }

  @Test
  void anHourIsDueOnceRecheckAfterHasPassedSinceItsEnd() {
    List<LedgerHour> ledger = List.of(unverified(0));

    assertThat(plan.due(ledger, hour(25).minusSeconds(1))).isEmpty();
    assertThat(plan.due(ledger, hour(25))).containsExactly(unverified(0));
  }

  @Test
  void oldestUnverifiedFirstWithinLookbackAndBudget() {
    Instant now = hour(24 * 7 + 40);
    List<LedgerHour> ledger = List.of(unverified(24 * 7 + 10), verified(39), unverified(38), unverified(41),
        unverified(40), unverified(42), unverified(43));

    assertThat(plan.from(now)).isEqualTo(hour(40));
    assertThat(plan.due(ledger, now)).extracting(LedgerHour::hour).containsExactly(hour(40), hour(41), hour(42));
    assertThat(new IntegrityPlan(Duration.ofHours(24), Duration.ofDays(7), 0).due(ledger, now)).isEmpty();
  }

  @Test
  void hoursNeverTriedComeBeforeFailedOnesAndFailedOnesLeastRecentFirst() {
    Instant now = hour(100);
    LedgerHour failedLate = new LedgerHour(hour(10), 10, 10L, 1, null, hour(99));
    LedgerHour failedEarly = new LedgerHour(hour(11), 10, 10L, 1, null, hour(98));
    List<LedgerHour> ledger = List.of(failedLate, failedEarly, unverified(20), unverified(15));

    assertThat(plan.due(ledger, now)).containsExactly(unverified(15), unverified(20), failedEarly);
    assertThat(plan.withBudget(4).due(ledger, now)).containsExactly(unverified(15), unverified(20), failedEarly,
        failedLate);
    assertThat(plan.withBudget(4).neverTried().due(ledger, now)).as("a run's first round")
        .containsExactly(unverified(15), unverified(20));
  }

  /** Why the config refuses lookback < recheckAfter + 1h: an hour leaves lookback before it is due. */
  @Test
  void aLookbackEqualToRecheckAfterNeverHasADueHour() {
    IntegrityPlan dead = new IntegrityPlan(Duration.ofHours(24), Duration.ofHours(24), 100);
    IntegrityPlan least = new IntegrityPlan(Duration.ofHours(24), Duration.ofHours(25), 100);
    List<LedgerHour> ledger = java.util.stream.IntStream.range(0, 100).mapToObj(IntegrityPlanTest::unverified)
        .toList();
    for (int minutes = 0; minutes < 100 * 60; minutes += 15) {
      Instant now = H0.plus(Duration.ofMinutes(minutes));
      assertThat(dead.due(ledger, now)).as("at %s", now).isEmpty();
    }
    assertThat(least.due(ledger, hour(50))).extracting(LedgerHour::hour).containsExactly(hour(25));
  }

  @Test
  void verifiedThroughIsTheEndOfTheVerifiedRunFromTheFirstHourWithinLookback() {
    Instant now = hour(100);
    assertThat(plan.verifiedThrough(List.of(verified(10), verified(11), unverified(12), verified(13)), now))
        .isEqualTo(hour(12));
    assertThat(plan.verifiedThrough(List.of(verified(10), verified(11), verified(13)), now))
        .as("a missing hour ends it").isEqualTo(hour(12));
    assertThat(plan.verifiedThrough(List.of(unverified(10), verified(11)), now)).isNull();
    assertThat(plan.verifiedThrough(List.of(), now)).isNull();
    assertThat(plan.verifiedThrough(List.of(verified(11), unverified(10)), now))
        .as("the first hour by time, whatever the order of the rows").isNull();
    assertThat(plan.verifiedThrough(List.of(unverified(0), verified(200), verified(201)), hour(24 * 7 + 200)))
        .as("hours before lookback do not count").isEqualTo(hour(202));
  }

  @Test
  void legacyRowsCompareTheirRowCount() {
    assertThat(new LedgerHour(hour(0), 7, null, 1, null).expectedSourceLines()).isEqualTo(7);
    assertThat(new LedgerHour(hour(0), 7, 9L, 1, null).expectedSourceLines()).isEqualTo(9);
  }

  @Test
  void aPlanIsMadeFromTheConfigsIntegritySettings() {
    assertThat(IntegrityPlan.of(new ExporterConfig.Integrity(null, "PT12H", "P3D", 5)))
        .isEqualTo(new IntegrityPlan(Duration.ofHours(12), Duration.ofDays(3), 5));
  }
}
