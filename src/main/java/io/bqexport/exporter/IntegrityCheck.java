package io.bqexport.exporter;

import io.bqexport.ExportWindow;
import io.bqexport.amplitude.AmplitudeException;
import io.bqexport.amplitude.HourLineCounter;
import io.bqexport.amplitude.WindowSource;
import io.bqexport.amplitude.WindowTooLargeException;
import com.google.cloud.bigquery.BigQueryException;
import io.bqexport.bigquery.BigQueryErrors;
import io.bqexport.bigquery.CommitResult;
import io.bqexport.bigquery.Committer;
import io.bqexport.bigquery.Ledger;
import io.bqexport.bigquery.LedgerEntry;
import io.bqexport.bigquery.LedgerHour;
import io.bqexport.bigquery.RowWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The integrity re-check (DESIGN section 3b): re-counts the lines of the due hours at the source and compares them
 * with the lines the ledger recorded at commit. Equal: the ledger records the verification, and nothing touches the
 * events table. Different: the hour is replaced through the commit transaction (generation + 1), the ledger row
 * records the count before and after. An hour the source now answers 404 for, or whose re-read fails for a reason of
 * its own (too large, corrupt, bad lines), is left unverified, marked as tried, and re-checked by a later run, after
 * the hours never tried ({@link IntegrityPlan}). Other failures
 * (credentials, BigQuery unavailable) stop the pass, as they stop an export; the outcome carries them, with what was
 * done before.
 */
final class IntegrityCheck {

  private static final Logger LOG = LoggerFactory.getLogger(IntegrityCheck.class);

  /**
   * What a pass did.
   *
   * @param verified hours whose ledger row now records the verification, repaired ones included
   * @param unresolved hours re-read but left unverified (the next run tries again)
   */
  record Outcome(long verified, List<RunSummary.Repaired> repaired, Instant verifiedThrough, long unresolved,
      ExportFailure failure) {

    static final Outcome NONE = new Outcome(0, List.of(), null, 0, null);

    /** A later pass over the same table: the counts add up; verifiedThrough is the later (current) one. */
    Outcome then(Outcome next) {
      Outcome sum = plus(next);
      return new Outcome(sum.verified, sum.repaired, next.verifiedThrough, sum.unresolved, sum.failure);
    }

    /** Hours re-read by the pass: what it spent of the budget. */
    long checked() {
      return verified + unresolved;
    }

    /** This pass followed by another table's: the counts add up; verifiedThrough stays this (the first) table's. */
    Outcome plus(Outcome next) {
      List<RunSummary.Repaired> all = new ArrayList<>(repaired);
      all.addAll(next.repaired);
      return new Outcome(verified + next.verified, all, verifiedThrough, unresolved + next.unresolved,
          failure != null ? failure : next.failure);
    }
  }

  private final IntegrityPlan plan;
  private final Ledger ledger;
  private final Committer committer;
  private final WindowSource source;
  private final Function<ExportWindow, RowWriter> rows;
  private final String table;
  /** False for the merged IDs' table: its repairs name it. */
  private final boolean eventsTable;
  private final String sourceId;

  IntegrityCheck(IntegrityPlan plan, Ledger ledger, Committer committer, WindowSource source,
      Function<ExportWindow, RowWriter> rows, String table, boolean eventsTable, String sourceId) {
    this.plan = plan;
    this.ledger = ledger;
    this.committer = committer;
    this.source = source;
    this.rows = rows;
    this.table = table;
    this.eventsTable = eventsTable;
    this.sourceId = sourceId;
  }

  /** Hours this check already re-read in this run: a later round does not read them again. */
  private final Set<Instant> tried = new HashSet<>();

  /** One pass by {@code round} (a budget, never-tried hours or all), skipping the hours tried by earlier rounds. */
  Outcome run(Instant now, IntegrityPlan round) {
    List<LedgerHour> before = ledger.hoursFrom(table, sourceId, plan.from(now));
    List<LedgerHour> due = round.due(before.stream().filter(h -> !tried.contains(h.hour())).toList(), now);
    if (due.isEmpty()) { // nothing to re-read: the ledger as read is the ledger after the pass
      return new Outcome(0, List.of(), plan.verifiedThrough(before, now), 0, null);
    }
    due.forEach(h -> tried.add(h.hour()));
    long verified = 0;
    long unresolved = 0;
    List<RunSummary.Repaired> repaired = new ArrayList<>();
    ExportFailure failure = null;
    for (LedgerHour hour : due) {
      try {
        Result result = check(hour, now);
        if (!result.verified()) {
          ledger.recordRecheckFailed(table, sourceId, hour.hour(), hour.generation(), now);
        }
        if (result.repaired() != null) {
          repaired.add(result.repaired());
        }
        verified += result.verified() ? 1 : 0;
        unresolved += result.verified() ? 0 : 1;
      } catch (ExportFailure e) {
        failure = e;
        break;
      } catch (BigQueryException e) {
        failure = BigQueryErrors.translate(e, "re-checking " + hour.hour());
        break;
      }
    }
    LOG.info("integrity re-check: {} hour(s) verified, {} repaired, {} left for the next run", verified,
        repaired.size(), unresolved);
    return new Outcome(verified, repaired, plan.verifiedThrough(after(before, now), now), unresolved, failure);
  }

  /** The ledger after the pass (a concurrent run may have verified or repaired hours too); unreadable: before. */
  private List<LedgerHour> after(List<LedgerHour> before, Instant now) {
    try {
      return ledger.hoursFrom(table, sourceId, plan.from(now));
    } catch (ExportFailure | BigQueryException e) {
      LOG.warn("could not re-read the ledger after the re-check ({})", e.getMessage());
      return before;
    }
  }

  private record Result(boolean verified, RunSummary.Repaired repaired) {}

  private Result check(LedgerHour hour, Instant now) {
    long expected = hour.expectedSourceLines();
    try {
      HourLineCounter.Count count = HourLineCounter.count(source, hour.hour());
      if (count.lines() == expected) {
        ledger.recordVerified(table, sourceId, hour.hour(), hour.generation(), count.lines(), now);
        return new Result(true, null);
      }
      if (count.lines() == 0 && hour.rowCount() > 0) {
        LOG.warn("{}: Amplitude now has no data for the hour, which has {} committed row(s); an hour is never "
            + "shrunk to 0 rows on a 404, so it stays unverified", hour.hour(), hour.rowCount());
        return new Result(false, null);
      }
      LOG.info("{}: the source has {} line(s), the ledger {}; replacing the hour", hour.hour(), count.lines(),
          expected);
      ExportWindow window = ExportWindow.ofHour(hour.hour());
      CommitResult result = committer.commit(window, rows.apply(window), true, new Committer.Repair(now, expected));
      if (!result.replaced() || result.entries().isEmpty()) {
        return new Result(false, null);
      }
      LedgerEntry entry = result.entries().get(0);
      long after = entry.sourceLines() == null ? entry.rowCount() : entry.sourceLines();
      return new Result(true, new RunSummary.Repaired(hour.hour().toString(), expected, after, now.toString(),
          eventsTable ? null : table));
    } catch (WindowTooLargeException e) {
      LOG.warn("{}: Amplitude refuses the hour as too large (HTTP {}); it stays unverified", hour.hour(), e.status());
      return new Result(false, null);
    } catch (AmplitudeException e) {
      ExportFailure failure = new ExportFailure(ExportRun.sourceReason(e), e.getMessage(), e);
      if (!failure.reason().hourSpecific()) {
        throw failure;
      }
      return unresolved(hour, failure);
    } catch (ExportFailure e) {
      if (!e.reason().hourSpecific()) {
        throw e;
      }
      return unresolved(hour, e);
    }
  }

  private static Result unresolved(LedgerHour hour, ExportFailure failure) {
    LOG.warn("{}: the re-check failed ({}: {}); it stays unverified", hour.hour(), failure.reason(),
        failure.getMessage());
    return new Result(false, null);
  }
}
