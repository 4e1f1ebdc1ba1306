package io.bqexport.bigquery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What the integrity re-check reads from one ledger row. */
class LedgerHourTest {

  private static final Instant HOUR = Instant.parse("2026-11-28T05:00:00Z");

  @Test
  void theExpectedSourceLinesAreTheRecordedOnesBadAndFilteredLinesIncluded() {
    assertThat(new LedgerHour(HOUR, 90, 100L, 1, null).expectedSourceLines()).isEqualTo(100);
  }

  @Test
  void aRowFromBeforeSourceLinesWereRecordedExpectsItsRowCount() {
    assertThat(new LedgerHour(HOUR, 90, null, 1, null).expectedSourceLines()).isEqualTo(90);
  }

  @Test
  void anHourIsVerifiedOnceTheRecheckRecordedWhen() {
    assertThat(new LedgerHour(HOUR, 90, 90L, 1, null).verified()).isFalse();
    assertThat(new LedgerHour(HOUR, 90, 90L, 1, HOUR.plusSeconds(7200)).verified()).isTrue();
  }
}
