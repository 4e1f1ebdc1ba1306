package io.bqexport.operator.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FreshnessTest {
  private static final Instant START = Instant.parse("2026-11-28T05:00:00Z");

  @Test
  void aNewExportWhoseFirstHourIsNotDueYetIsFresh() {
    Freshness f = Freshness.of(START, null, "2h", "2h", Instant.parse("2026-11-28T07:59:00Z"));
    assertThat(f.fresh()).isTrue();
    assertThat(f.missingHours()).isZero();
    assertThat(f.reevaluateAt()).isEqualTo(Instant.parse("2026-11-28T08:00:00Z")); // hour 05 is due at 08:00
  }

  @Test
  void lagIsTheLatestDueHourMinusExportedThrough() {
    Freshness f = Freshness.of(START, Instant.parse("2026-11-28T08:00:00Z"), "2h", "2h",
        Instant.parse("2026-11-28T13:10:00Z"));
    assertThat(f.dueThrough()).isEqualTo(Instant.parse("2026-11-28T11:00:00Z"));
    assertThat(f.lag()).isEqualTo(Duration.ofHours(3));
    assertThat(f.missingHours()).isEqualTo(3);
    assertThat(f.fresh()).isFalse();
  }

  @Test
  void withinTheThresholdIsFreshAndTheNextCheckIsWhenTheNextHourFallsDue() {
    Freshness f = Freshness.of(START, Instant.parse("2026-11-28T10:00:00Z"), "2h", "2h",
        Instant.parse("2026-11-28T13:10:00Z"));
    assertThat(f.fresh()).isTrue();
    assertThat(f.lag()).isEqualTo(Duration.ofHours(1));
    assertThat(f.reevaluateAt()).isEqualTo(Instant.parse("2026-11-28T14:00:00Z"));
  }

  @Test
  void nothingExportedYetCountsFromStartFrom() {
    Freshness f = Freshness.of(START, null, "90m", "1h", Instant.parse("2026-11-28T09:40:00Z"));
    assertThat(f.dueThrough()).isEqualTo(Instant.parse("2026-11-28T08:00:00Z"));
    assertThat(f.missingHours()).isEqualTo(3);
    assertThat(f.fresh()).isFalse();
  }

  @Test
  void aLagExactlyAtTheThresholdIsStillFresh() {
    // due through 11:00, exported through 09:00: a lag of 2h against a threshold of 2h is fresh (<=, not <)
    Freshness f = Freshness.of(START, Instant.parse("2026-11-28T09:00:00Z"), "2h", "2h",
        Instant.parse("2026-11-28T13:10:00Z"));
    assertThat(f.lag()).isEqualTo(Duration.ofHours(2));
    assertThat(f.fresh()).isTrue();
    assertThat(f.missingHours()).isEqualTo(2);
  }

  @Test
  void exportedThroughTheLatestDueHourHasNoLag() {
    Freshness f = Freshness.of(START, Instant.parse("2026-11-28T11:00:00Z"), "2h", "1h",
        Instant.parse("2026-11-28T13:00:00Z"));
    assertThat(f.dueThrough()).isEqualTo(Instant.parse("2026-11-28T11:00:00Z"));
    assertThat(f.lag()).isZero();
    assertThat(f.missingHours()).isZero();
    assertThat(f.fresh()).isTrue();
    assertThat(f.reevaluateAt()).isEqualTo(Instant.parse("2026-11-28T14:00:00Z"));
  }

  @Test
  void anExportedThroughBeforeStartFromCountsFromStartFrom() {
    Freshness f = Freshness.of(START, Instant.parse("2026-11-28T01:00:00Z"), "2h", "1h",
        Instant.parse("2026-11-28T09:00:00Z"));
    assertThat(f.lag()).isEqualTo(Duration.ofHours(2)); // 05:00 to 07:00, not 01:00 to 07:00
    assertThat(f.fresh()).isFalse();
  }
}
