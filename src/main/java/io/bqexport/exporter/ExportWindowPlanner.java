package io.bqexport.exporter;

import io.bqexport.ExportWindow;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Decides which windows a run exports: a pure function of the committed hours (the ledger), the clock and the
 * configuration. An hour H is due when {@code H + 1h + availabilityDelay <= now}.
 */
public final class ExportWindowPlanner {

  private final Instant startFrom;
  private final Duration availabilityDelay;
  private final int maxHoursPerRun;

  public ExportWindowPlanner(Instant startFrom, Duration availabilityDelay, int maxHoursPerRun) {
    if (!ExportWindow.isHourAligned(startFrom)) {
      throw new IllegalArgumentException("startFrom must be a whole hour: " + startFrom);
    }
    this.startFrom = startFrom;
    this.availabilityDelay = availabilityDelay;
    this.maxHoursPerRun = maxHoursPerRun;
  }

  /** The end (exclusive) of the due hours: every hour before it is due at {@code now}. */
  public Instant dueEnd(Instant now) {
    return now.minus(availabilityDelay).minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.HOURS)
        .plus(1, ChronoUnit.HOURS);
  }

  public boolean isDue(Instant hour, Instant now) {
    return !hour.plus(1, ChronoUnit.HOURS).plus(availabilityDelay).isAfter(now);
  }

  /**
   * A recurring run: the due hours since startFrom that are missing from the ledger, oldest first, at most
   * maxHoursPerRun of them, one window per hour.
   */
  public List<ExportWindow> planRecurring(Set<Instant> committedHours, Instant now) {
    List<ExportWindow> windows = new ArrayList<>();
    Instant end = dueEnd(now);
    for (Instant h = startFrom; h.isBefore(end) && windows.size() < maxHoursPerRun; h = h.plus(1, ChronoUnit.HOURS)) {
      if (!committedHours.contains(h)) {
        windows.add(ExportWindow.ofHour(h));
      }
    }
    return windows;
  }

  /**
   * An explicit window (a backfill chunk); hours that are not yet due are left out. FillGaps: one window per
   * contiguous run of hours missing from the ledger; Replace: the whole window. Any bounds are safe: the commit
   * transaction commits each hour at most once, whatever window carried it.
   */
  public List<ExportWindow> planWindow(ExportWindow requested, ExportMode mode, Set<Instant> committedHours,
      Instant now) {
    Instant end = min(requested.end(), dueEnd(now));
    List<ExportWindow> windows = new ArrayList<>();
    Instant runStart = null;
    for (Instant h = requested.start(); h.isBefore(end); h = h.plus(1, ChronoUnit.HOURS)) {
      boolean wanted = mode == ExportMode.Replace || !committedHours.contains(h);
      if (!wanted && runStart != null) {
        windows.add(new ExportWindow(runStart, h));
        runStart = null;
      } else if (wanted && runStart == null) {
        runStart = h;
      }
    }
    if (runStart != null && end.isAfter(runStart)) {
      windows.add(new ExportWindow(runStart, end));
    }
    return windows;
  }

  public Instant startFrom() {
    return startFrom;
  }

  /** Due hours since startFrom that are not in the ledger. */
  public long missingHours(Set<Instant> committedHours, Instant now) {
    Instant end = dueEnd(now);
    if (!end.isAfter(startFrom)) {
      return 0;
    }
    long due = Duration.between(startFrom, end).toHours();
    long committed = committedHours.stream().filter(h -> !h.isBefore(startFrom) && h.isBefore(end)).count();
    return due - committed;
  }

  /** The end of the contiguous committed range starting at startFrom; null when startFrom itself is missing. */
  public Instant exportedThrough(Set<Instant> committedHours) {
    Instant h = startFrom;
    while (committedHours.contains(h)) {
      h = h.plus(1, ChronoUnit.HOURS);
    }
    return h.equals(startFrom) ? null : h;
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }
}
