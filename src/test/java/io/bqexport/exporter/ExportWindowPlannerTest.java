package io.bqexport.exporter;

import io.bqexport.ExportWindow;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ExportWindowPlannerTest {

  private static final Instant START = Instant.parse("2026-11-28T00:00:00Z");
  private final ExportWindowPlanner planner = new ExportWindowPlanner(START, Duration.ofHours(2), 24);

  private static Instant h(int hour) {
    return START.plus(Duration.ofHours(hour));
  }

  @Test
  void anHourIsDueOneHourPlusTheDelayAfterItStarts() {
    assertThat(planner.isDue(h(10), h(13))).isTrue();
    assertThat(planner.isDue(h(10), h(13).minusSeconds(1))).isFalse();
    assertThat(planner.planRecurring(Set.of(), h(13).minusSeconds(1))).hasSize(10);
    assertThat(planner.planRecurring(Set.of(), h(13))).hasSize(11);
  }

  @Test
  void nothingIsDueBeforeStartFromPlusTheDelay() {
    assertThat(planner.planRecurring(Set.of(), h(2).plusSeconds(3599))).isEmpty();
    assertThat(planner.missingHours(Set.of(), h(1))).isZero();
    assertThat(planner.exportedThrough(Set.of())).isNull();
  }

  @Test
  void plansMissingHoursOldestFirstOneWindowEach() {
    Set<Instant> committed = Set.of(h(0), h(1), h(3));
    List<ExportWindow> windows = planner.planRecurring(committed, h(8));
    assertThat(windows).containsExactly(ExportWindow.ofHour(h(2)), ExportWindow.ofHour(h(4)), ExportWindow.ofHour(h(5)));
    assertThat(planner.missingHours(committed, h(8))).isEqualTo(3);
    assertThat(planner.exportedThrough(committed)).isEqualTo(h(2));
  }

  /** Hours committed before startFrom (a backfill) or not yet due (a --window run) are not subtracted. */
  @Test
  void missingHoursCountOnlyTheDueHoursSinceStartFrom() {
    ExportWindowPlanner later = new ExportWindowPlanner(h(10), Duration.ofHours(2), 24);
    Set<Instant> committed = Set.of(h(3), h(9), h(11), h(15), h(16));

    assertThat(later.missingHours(committed, h(18))).as("due: 10..15, committed of them: 11 and 15").isEqualTo(4);
  }

  @Test
  void capsCatchUpAtMaxHoursPerRun() {
    ExportWindowPlanner small = new ExportWindowPlanner(START, Duration.ofHours(2), 5);
    List<ExportWindow> windows = small.planRecurring(Set.of(), h(100));
    assertThat(windows).hasSize(5);
    assertThat(windows.get(0).start()).isEqualTo(h(0));
    assertThat(small.missingHours(Set.of(), h(100))).isEqualTo(98);
  }

  @Test
  void fillGapsWindowBeforeStartFromYieldsOneWindowPerContiguousMissingRun() {
    ExportWindowPlanner history = new ExportWindowPlanner(h(50), Duration.ofHours(2), 24);
    Set<Instant> committed = new HashSet<>(List.of(h(2), h(3), h(6)));
    ExportWindow requested = new ExportWindow(h(0), h(10));
    assertThat(history.planWindow(requested, ExportMode.FillGaps, committed, h(100))).containsExactly(
        new ExportWindow(h(0), h(2)), new ExportWindow(h(4), h(6)), new ExportWindow(h(7), h(10)));
  }

  @Test
  void fillGapsWindowKeepsItsBoundsAcrossStartFrom() {
    ExportWindowPlanner planner = new ExportWindowPlanner(h(3), Duration.ofHours(2), 24);
    ExportWindow requested = new ExportWindow(h(0), h(6));
    // Windows need not be canonical: the commit transaction commits each hour once, whatever window carried it.
    assertThat(planner.planWindow(requested, ExportMode.FillGaps, Set.of(h(1)), h(100))).containsExactly(
        new ExportWindow(h(0), h(1)), new ExportWindow(h(2), h(6)));
  }

  @Test
  void replaceWindowIsTheWholeDueWindow() {
    ExportWindowPlanner history = new ExportWindowPlanner(h(50), Duration.ofHours(2), 24);
    ExportWindow requested = new ExportWindow(h(0), h(10));
    Set<Instant> all = new HashSet<>(requested.hourList());
    assertThat(history.planWindow(requested, ExportMode.Replace, all, h(100))).containsExactly(requested);
    assertThat(history.planWindow(requested, ExportMode.Replace, all, h(8)))
        .containsExactly(new ExportWindow(h(0), h(6)));
    assertThat(history.planWindow(requested, ExportMode.Replace, Set.of(h(1), h(2)), h(100)))
        .containsExactly(requested);
    assertThat(history.planWindow(requested, ExportMode.FillGaps, Set.of(), h(2))).isEmpty();
  }

  @Test
  void windowsSplitInHalvesAtHourBoundaries() {
    assertThat(new ExportWindow(h(0), h(5)).split())
        .containsExactly(new ExportWindow(h(0), h(2)), new ExportWindow(h(2), h(5)));
    assertThat(ExportWindow.parse("2026-11-28T10:00:00Z/2026-11-28T13:00:00Z").hours()).isEqualTo(3);
  }

  @Test
  void thePlannerStartsFromItsStartFrom() {
    assertThat(planner.startFrom()).isEqualTo(START);
  }
}
