package io.bqexport.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * IntegrityCheck's pure part: how the outcomes of its passes (two rounds of one table, or two tables) add up into the
 * summary's figures. The passes themselves run against the stand-ins in IntegrityRecheckTest.
 */
class IntegrityCheckTest {

  private static final Instant EVENTS_THROUGH = Instant.parse("2026-11-28T03:00:00Z");
  private static final Instant MERGE_IDS_THROUGH = Instant.parse("2026-11-28T05:00:00Z");
  private static final RunSummary.Repaired EVENTS_REPAIR = new RunSummary.Repaired("2026-11-28T00:00:00Z", 3, 4,
      "2026-11-28T07:00:00Z");
  private static final RunSummary.Repaired MERGE_IDS_REPAIR = new RunSummary.Repaired("2026-11-28T01:00:00Z", 5, 6,
      "2026-11-28T07:00:00Z", "merge_ids");

  /**
   * Counts and repairs add up; the failure is kept whichever pass had it (a merged-IDs re-check that lost BigQuery
   * fails the run); verifiedThrough stays the first table's (plus) or becomes the later round's (then).
   */
  @Test
  void outcomesAddUpAndKeepAFailureOfEitherPass() {
    ExportFailure unavailable = new ExportFailure(FailureReason.DestinationUnavailable, "BigQuery unavailable");
    IntegrityCheck.Outcome events = new IntegrityCheck.Outcome(2, List.of(EVENTS_REPAIR), EVENTS_THROUGH, 1, null);
    IntegrityCheck.Outcome mergeIds = new IntegrityCheck.Outcome(1, List.of(MERGE_IDS_REPAIR), MERGE_IDS_THROUGH, 2,
        unavailable);

    IntegrityCheck.Outcome both = events.plus(mergeIds);

    assertThat(both).isEqualTo(new IntegrityCheck.Outcome(3, List.of(EVENTS_REPAIR, MERGE_IDS_REPAIR),
        EVENTS_THROUGH, 3, unavailable));
    assertThat(both.checked()).isEqualTo(6);
    assertThat(mergeIds.plus(events).failure()).isSameAs(unavailable);
    assertThat(events.then(mergeIds)).isEqualTo(new IntegrityCheck.Outcome(3, List.of(EVENTS_REPAIR,
        MERGE_IDS_REPAIR), MERGE_IDS_THROUGH, 3, unavailable));
  }
}
