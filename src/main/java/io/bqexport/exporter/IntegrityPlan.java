package io.bqexport.exporter;

import io.bqexport.bigquery.LedgerHour;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;

/**
 * Which committed hours the integrity re-check reads, a pure function of the ledger rows and the time. An hour is
 * due when it is not verified, within {@code lookback} (it starts at or after the hour of {@code now - lookback}),
 * and {@code recheckAfter} has passed since it ended. At most {@code budget} hours per run: hours never tried
 * first, oldest first, then those whose re-check failed, least recently tried first, so hours that never verify (a
 * 404 for an hour with rows) do not take the whole budget for the rest of lookback.
 */
public record IntegrityPlan(Duration recheckAfter, Duration lookback, int budget, boolean retries) {

  private static final Duration HOUR = Duration.ofHours(1);

  /** A plan over every unverified hour, those whose re-check failed before included. */
  public IntegrityPlan(Duration recheckAfter, Duration lookback, int budget) {
    this(recheckAfter, lookback, budget, true);
  }

  /** The same plan over the hours never tried only (a run's first round, in every table, before any retry). */
  public IntegrityPlan neverTried() {
    return new IntegrityPlan(recheckAfter, lookback, budget, false);
  }

  public static IntegrityPlan of(ExporterConfig.Integrity integrity) {
    return new IntegrityPlan(integrity.recheckAfterOrDefault(), integrity.lookbackOrDefault(),
        integrity.maxHoursPerRunOrDefault());
  }

  /** The same plan with another budget (what is left of it after an earlier table's pass); never negative. */
  public IntegrityPlan withBudget(int hours) {
    return new IntegrityPlan(recheckAfter, lookback, Math.max(0, hours), retries);
  }

  /** The first hour within lookback. */
  public Instant from(Instant now) {
    return now.minus(lookback).truncatedTo(ChronoUnit.HOURS);
  }

  private static final Comparator<LedgerHour> ORDER = Comparator
      .comparing(LedgerHour::recheckFailedAt, Comparator.nullsFirst(Comparator.naturalOrder()))
      .thenComparing(LedgerHour::hour);

  /** The hours to re-check now, never tried (oldest first) before failed ones (least recent first), at most the budget. */
  public List<LedgerHour> due(List<LedgerHour> ledger, Instant now) {
    Instant from = from(now);
    return ledger.stream()
        .filter(h -> !h.verified() && !h.hour().isBefore(from) && (retries || h.recheckFailedAt() == null))
        .filter(h -> !h.hour().plus(HOUR).plus(recheckAfter).isAfter(now))
        .sorted(ORDER)
        .limit(budget)
        .toList();
  }

  /**
   * The end of the longest run of consecutive verified hours that starts at the ledger's earliest hour within
   * lookback: every hour from that first hour up to the returned instant (exclusive) is committed and verified. Null
   * when the ledger has no hour within lookback, or its first one is not verified. A missing hour ends the run as an
   * unverified one does.
   */
  public Instant verifiedThrough(List<LedgerHour> ledger, Instant now) {
    Instant from = from(now);
    List<LedgerHour> hours = ledger.stream().filter(h -> !h.hour().isBefore(from))
        .sorted((a, b) -> a.hour().compareTo(b.hour())).toList();
    Instant through = null;
    for (LedgerHour h : hours) {
      if (!h.verified() || through != null && !h.hour().equals(through)) {
        break;
      }
      through = h.hour().plus(HOUR);
    }
    return through;
  }
}
