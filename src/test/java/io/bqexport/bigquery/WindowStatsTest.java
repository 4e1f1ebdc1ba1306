package io.bqexport.bigquery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The per-hour statistics a window's rows leave behind. They become the hour's ledger row: its row and byte counts,
 * its source files, and its event-time range, which a Replace's DELETE prunes partitions by.
 */
class WindowStatsTest {

  private static final Instant H0 = Instant.parse("2026-11-28T00:00:00Z");
  private static final Instant H1 = H0.plus(Duration.ofHours(1));
  private static final Instant H2 = H0.plus(Duration.ofHours(2));

  private static MappedEvent event(Instant hour, Instant eventTime) {
    return new MappedEvent(new byte[0], hour, eventTime, Set.of(), 0, 0);
  }

  private static Instant at(Instant hour, int minutes) {
    return hour.plus(Duration.ofMinutes(minutes));
  }

  @Test
  void anHoursRowsAndBytesAddUpAndTheWindowTotalsSpanItsHours() {
    WindowStats stats = new WindowStats();
    stats.add(event(H0, at(H0, 1)), 100, "a");
    stats.add(event(H0, at(H0, 2)), 250, "a");
    stats.add(event(H1, at(H1, 3)), 40, "b");

    assertThat(stats.hour(H0).rows()).isEqualTo(2);
    assertThat(stats.hour(H0).bytes()).isEqualTo(350);
    assertThat(stats.hour(H1).rows()).isEqualTo(1);
    assertThat(stats.hour(H1).bytes()).isEqualTo(40);
    assertThat(stats.rows()).isEqualTo(3);
    assertThat(stats.bytes()).isEqualTo(390);
  }

  @Test
  void anHourWithoutRowsIsEmpty() {
    WindowStats stats = new WindowStats();
    stats.add(event(H0, at(H0, 1)), 100, "a");

    WindowStats.Hour empty = stats.hour(H1);
    assertThat(empty.rows()).isZero();
    assertThat(empty.bytes()).isZero();
    assertThat(empty.sourceFiles()).isZero();
    assertThat(empty.minEventTime()).isNull();
    assertThat(empty.maxEventTime()).isNull();
  }

  @Test
  void theEventTimeRangeIsTheEarliestAndLatestWhateverTheOrderOfTheRows() {
    WindowStats stats = new WindowStats();
    // Neither first nor last in stream order is an extreme: each bound must be compared, not just kept or replaced.
    stats.add(event(H0, at(H0, 30)), 1, "a");
    stats.add(event(H0, at(H0, 5)), 1, "a");
    stats.add(event(H0, at(H0, 50)), 1, "a");
    stats.add(event(H0, at(H0, 20)), 1, "a");

    assertThat(stats.hour(H0).minEventTime()).isEqualTo(at(H0, 5));
    assertThat(stats.hour(H0).maxEventTime()).isEqualTo(at(H0, 50));
  }

  @Test
  void aRowWithoutEventTimeCountsButLeavesTheRangeAlone() {
    WindowStats stats = new WindowStats();
    stats.add(event(H0, null), 10, "a");
    assertThat(stats.hour(H0).minEventTime()).isNull();
    assertThat(stats.hour(H0).maxEventTime()).isNull();

    stats.add(event(H0, at(H0, 7)), 10, "a");
    stats.add(event(H0, null), 10, "a");

    assertThat(stats.hour(H0).rows()).isEqualTo(3);
    assertThat(stats.hour(H0).minEventTime()).isEqualTo(at(H0, 7));
    assertThat(stats.hour(H0).maxEventTime()).isEqualTo(at(H0, 7));
  }

  @Test
  void sourceFilesAreTheDistinctNamedFilesAndAnUnknownFileIsNotOne() {
    WindowStats stats = new WindowStats();
    stats.add(event(H0, at(H0, 1)), 1, "part-1.json.gz");
    stats.add(event(H0, at(H0, 2)), 1, "part-2.json.gz");
    stats.add(event(H0, at(H0, 3)), 1, "part-1.json.gz");
    stats.add(event(H1, at(H1, 1)), 1, null); // rows whose file is not known (recovered from a table)

    assertThat(stats.hour(H0).sourceFiles()).isEqualTo(2);
    assertThat(stats.hour(H1).sourceFiles()).isZero();
    assertThat(stats.hour(H1).rows()).isEqualTo(1);
  }

  @Test
  void aSourceNotFoundLeavesEveryHourWithoutData() {
    WindowStats stats = new WindowStats();
    assertThat(stats.sourceNotFound()).isFalse();

    stats.markSourceNotFound();

    assertThat(stats.sourceNotFound()).isTrue();
    assertThat(stats.withoutData(H0)).isTrue();
    assertThat(stats.withoutData(H2)).isTrue();
  }

  @Test
  void someHoursWithoutDataAreOnlyThoseHoursAndAllOfThemAreTheWholeSourceNotFound() {
    WindowStats stats = new WindowStats();
    List<Instant> window = List.of(H0, H1, H2);

    stats.markHoursWithoutData(Set.of(H1), window);
    assertThat(stats.sourceNotFound()).as("one hour of three").isFalse();
    assertThat(stats.withoutData(H1)).isTrue();
    assertThat(stats.withoutData(H0)).isFalse();

    stats.markHoursWithoutData(Set.of(H0, H2), window);
    assertThat(stats.sourceNotFound()).as("the hours add up to the whole window").isTrue();
  }

  @Test
  void hoursWithoutDataOfAWindowWithoutHoursAreNotASourceNotFound() {
    WindowStats stats = new WindowStats();

    stats.markHoursWithoutData(Set.of(H0), List.of());

    assertThat(stats.sourceNotFound()).isFalse();
    assertThat(stats.withoutData(H0)).isTrue();
  }

  @Test
  void sourceLinesCountEveryLineOfTheHourRowsOrNot() {
    WindowStats stats = new WindowStats();
    stats.addSourceLine(H0);
    stats.addSourceLine(H0);
    stats.add(event(H0, at(H0, 1)), 1, "a");

    assertThat(stats.hour(H0).sourceLines()).isEqualTo(2);
    assertThat(stats.hour(H0).rows()).isEqualTo(1);
    assertThat(stats.hour(H1).sourceLines()).isZero();
  }
}
