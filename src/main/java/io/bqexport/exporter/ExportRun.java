package io.bqexport.exporter;

import io.bqexport.ExportWindow;
import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.DatasetId;
import com.google.cloud.bigquery.TableId;
import io.bqexport.amplitude.AmplitudeException;
import io.bqexport.amplitude.AmplitudeExportClient;
import io.bqexport.amplitude.WindowSource;
import io.bqexport.amplitude.WindowTooLargeException;
import io.bqexport.bigquery.BigQueryErrors;
import io.bqexport.bigquery.CommitObserver;
import io.bqexport.bigquery.CommitResult;
import io.bqexport.bigquery.Committer;
import io.bqexport.bigquery.EventMapper;
import io.bqexport.bigquery.EventSchema;
import io.bqexport.bigquery.JobLabels;
import io.bqexport.bigquery.Ledger;
import io.bqexport.bigquery.MergeIdMapper;
import io.bqexport.bigquery.MergeIdSchema;
import io.bqexport.bigquery.Quarantine;
import io.bqexport.bigquery.QuarantinedHour;
import io.bqexport.bigquery.TableManager;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of the exporter: ensure the tables, read the ledger and the quarantine, plan windows, stream and commit
 * each window, and sum it up. Windows that Amplitude finds too large are halved down to one hour. A failure bound to
 * an hour's data (rejected rows, bad records, an hour too large) is recorded in the quarantine and the run goes on
 * with later hours; a window of several hours is halved first to find the hour. Any other failure stops the run;
 * hours committed before it stay committed.
 *
 * <p>With merged IDs (the storage source, data.mergeIds.enabled), each window is committed to the events table and
 * then to the Merge IDs table, each through its own commit and ledger rows; an hour counts as committed when both
 * tables have it, so a crash between the two commits leaves the hour due and the next run commits only the missing
 * table. The events filter applies to events only; it is recorded in the events' ledger rows (see {@link
 * EventTypeFilter} for what changing it does).
 */
public final class ExportRun {

  private static final Logger LOG = LoggerFactory.getLogger(ExportRun.class);
  private static final int WINDOW_ATTEMPTS = 3;

  /**
   * What the command line asked for. window null: a recurring run. retryQuarantined: a run-now, which retries the
   * quarantined hours too (a --window run always does, for the hours of its window).
   */
  public record Options(ExportWindow window, ExportMode mode, Clock clock, boolean retryQuarantined) {

    public Options(ExportWindow window, ExportMode mode, Clock clock) {
      this(window, mode, clock, false);
    }
  }

  private final ExporterConfig config;
  private final Options options;
  private final BigQuery bigquery;
  /** The tables this run fills, the events first; empty when data.events and data.mergeIds are both off. */
  private final List<TableExport> tables = new ArrayList<>();
  private final DatasetId dataset;
  private final JobLabels labels;
  private final Set<String> schemaDrift = new TreeSet<>();
  private final Set<Instant> failingAtStart = new HashSet<>();
  private ExportFailure firstHourFailure;
  private Quarantine quarantine;
  private MappingCounts mappingCounts = MappingCounts.NONE;
  private IntegrityCheck.Outcome integrity = IntegrityCheck.Outcome.NONE;

  /**
   * Where a run reads: events, and merged IDs (null unless the storage source exports them: {@link
   * ExporterClients#storageSources} makes one only when data.mergeIds.enabled, so a run exports merged IDs exactly
   * when it is given their source).
   */
  public record Sources(WindowSource events, WindowSource mergeIds) {}

  /** A run reading the Export API. */
  public ExportRun(ExporterConfig config, Options options, AmplitudeExportClient source, BigQuery bigquery,
      CommitObserver observer) {
    this(config, options, new Sources(source::open, null), bigquery, observer);
  }

  public ExportRun(ExporterConfig config, Options options, Sources sources, BigQuery bigquery,
      CommitObserver observer) {
    this.config = config;
    this.options = options;
    this.bigquery = bigquery;
    this.dataset = DatasetId.of(bigquery.getOptions().getProjectId(), config.destination().dataset());
    this.labels = config.export() == null ? JobLabels.NONE
        : new JobLabels(config.export().namespace(), config.export().name());
    if (eventsEnabled()) {
      EventTypeFilter filter = EventTypeFilter.of(config);
      tables.add(new TableExport(config.eventsTable(), sources.events(), new EventMapper(), filter,
          committer(config.eventsTable(), EventSchema.v1(), filter.canonical(), observer)));
    }
    if (sources.mergeIds() != null) {
      String table = config.data().mergeIds().tableOrDefault();
      tables.add(new TableExport(table, sources.mergeIds(), new MergeIdMapper()::map, EventTypeFilter.of(
          (ExporterConfig.EventFilter) null), committer(table, MergeIdSchema.v1(), null, observer)));
    }
  }

  private Committer committer(String table, EventSchema schema, String filter, CommitObserver observer) {
    return new Committer(bigquery, TableId.of(dataset.getProject(), dataset.getDataset(), table), schema, filter,
        config.sourceId(), labels, Version.current(), observer, options.clock());
  }

  private boolean eventsEnabled() {
    return config.data() == null || config.data().events() == null || config.data().events().enabledOrDefault();
  }

  /** Tuning for tests and benchmarks: the committer of every table. */
  public List<Committer> committers() {
    return tables.stream().map(t -> t.committer).toList();
  }

  /** The events table's committer (the first table's), for tuning in tests and benchmarks. */
  public Committer committer() {
    return tables.get(0).committer;
  }

  private TableExport mergeIds() {
    return tables.size() > 1 ? tables.get(1) : null;
  }

  public RunSummary run() {
    Instant startedAt = options.clock().instant();
    Instant now = options.clock().instant();
    Set<Instant> committed = new HashSet<>();
    ExportWindowPlanner planner = new ExportWindowPlanner(config.startFromInstant(),
        config.availabilityDelayDuration(), config.maxHoursPerRunOrDefault());
    List<QuarantinedHour> quarantined = List.of();
    String reason = null;
    String message;
    int exitCode = ExitCode.SUCCESS.code();
    try {
      if (tables.isEmpty()) {
        return new RunSummary(RunSummary.SUCCEEDED, null, "data.events.enabled is false: nothing to export", 0,
            options.mode().name(), options.window() == null ? null : options.window().toString(), List.of(), 0, 0,
            0, null, 0, List.of(), startedAt.toString(), options.clock().instant().toString());
      }
      TableManager manager = new TableManager(bigquery, dataset);
      manager.ensureDataset(config.destination().location(), config.destination().createDatasetOrDefault());
      manager.ensureTables(config.eventsTable(), labels);
      if (mergeIds() != null) {
        manager.ensureMergeIdTable(mergeIds().table, labels);
      }
      Ledger ledger = new Ledger(bigquery, dataset, labels);
      quarantine = new Quarantine(bigquery, dataset, labels);
      planner = planner(ledger);
      for (TableExport table : tables) {
        table.committedAtStart.addAll(ledger.committedHours(table.table, config.sourceId(), ledgerFrom(planner)));
      }
      committed.addAll(inEveryTable(tables.stream().map(t -> t.committedAtStart).toList()));
      quarantined = quarantine.hours(config.eventsTable(), config.sourceId());
      failingAtStart.addAll(quarantine.failing(config.eventsTable(), config.sourceId()));
      List<ExportWindow> windows = plan(planner, committed, quarantined, now);
      LOG.info("run of {}: {} window(s) planned", exportName(), windows.size());
      for (ExportWindow window : windows) {
        export(window);
      }
      if (!windows.isEmpty()) {
        committed.addAll(committedNow(ledger, planner));
      }
      if (firstHourFailure != null) {
        throw firstHourFailure;
      }
      integrity = verify(ledger);
      if (integrity.failure() != null) {
        throw integrity.failure();
      }
      message = succeededMessage(windows.isEmpty(), quarantined);
    } catch (ExportFailure e) {
      reason = e.reason().name();
      exitCode = e.reason().exitCode().code();
      message = e.getMessage();
      LOG.error("run failed ({}): {}", reason, message, e.getCause());
    } catch (BigQueryException e) {
      ExportFailure f = BigQueryErrors.translate(e, "talking to BigQuery");
      reason = f.reason().name();
      exitCode = f.reason().exitCode().code();
      message = f.getMessage();
      LOG.error("run failed ({}): {}", reason, message, e);
    } catch (RuntimeException e) {
      reason = FailureReason.InternalError.name();
      exitCode = ExitCode.INTERNAL_ERROR.code();
      message = "internal error (" + e.getClass().getSimpleName() + ": " + e.getMessage()
          + "); see the pod log, and report it if it persists";
      LOG.error("run failed with an internal error", e);
    }
    committed.addAll(inEveryTable(tables.stream().map(TableExport::committedSoFar).toList()));
    if (quarantine != null) { // else the run failed before it read the quarantine: none to report
      quarantined = stillQuarantined(quarantined);
    }
    Instant through = planner.exportedThrough(committed);
    TableExport events = tables.get(0);
    return new RunSummary(reason == null ? RunSummary.SUCCEEDED : RunSummary.FAILED, reason, message, exitCode,
        options.mode().name(), options.window() == null ? null : options.window().toString(), committedRanges(),
        events.hours(), events.rows(), events.bytes(),
        through == null ? null : through.toString(), planner.missingHours(committed, now),
        List.copyOf(schemaDrift), startedAt.toString(), options.clock().instant().toString(),
        mappingCounts.skippedLines(), mappingCounts.replacedSurrogates(), mappingCounts.valuesInExtra(),
        quarantined.stream().map(q -> new RunSummary.Quarantined(q.hour().toString(), q.reason(), q.message(),
            q.failures(), q.since().toString())).toList(),
        integrity.verified(), integrity.repaired(),
        integrity.verifiedThrough() == null ? null : integrity.verifiedThrough().toString(), events.filtered,
        mergeIds() == null ? 0 : mergeIds().rows());
  }

  /** The hours every table has: an hour is committed when its events and its merged IDs both are. */
  private static Set<Instant> inEveryTable(List<Set<Instant>> perTable) {
    Set<Instant> hours = new HashSet<>(perTable.get(0));
    perTable.forEach(hours::retainAll);
    return hours;
  }

  /**
   * The integrity re-check (DESIGN 3b), in a recurring run only and after its due hours are committed, so it never
   * delays them; a run that failed skips it (the caller throws first). A --window run (a backfill chunk, a
   * --window run-now) does not verify: it commits what it was asked for, its parallel chunks would re-read the same
   * hours and contend for the commit lock, and the next recurring run verifies whatever falls within lookback.
   * Every table is re-checked (merged IDs too: their files can arrive late like events) within one budget: first
   * the hours never tried, table by table, then those whose re-check failed before; verifiedThrough is the first
   * table's.
   */
  private IntegrityCheck.Outcome verify(Ledger ledger) {
    ExporterConfig.Integrity settings = config.integrityOrDefault();
    if (options.window() != null || !settings.enabledOrDefault()) {
      return IntegrityCheck.Outcome.NONE;
    }
    IntegrityPlan plan = IntegrityPlan.of(settings);
    List<IntegrityCheck> checks = tables.stream().map(table -> new IntegrityCheck(plan, ledger, table.committer,
        table.source, window -> new WindowRowWriter(table.source, table.mapper, table.filter, window, maxBadRecords(),
            maxBadRecordsField(), schemaDrift), table.table, eventsEnabled() && table == tables.get(0),
        config.sourceId())).toList();
    IntegrityCheck.Outcome[] outcomes = new IntegrityCheck.Outcome[checks.size()];
    Instant now = options.clock().instant();
    int budget = plan.budget();
    // Hours never tried in every table first, then retries: hours that keep failing in one table (a 404 for an hour
    // with rows) cannot take the budget from the next table's hours run after run.
    rounds:
    for (IntegrityPlan round : List.of(plan.neverTried(), plan)) {
      for (int i = 0; i < checks.size(); i++) {
        // budget is never negative (integrity.maxHoursPerRun >= 0; a pass re-reads at most its budget's hours)
        if (outcomes[i] != null && budget == 0) {
          continue;
        }
        IntegrityCheck.Outcome next = checks.get(i).run(now, round.withBudget(budget));
        outcomes[i] = outcomes[i] == null ? next : outcomes[i].then(next);
        budget -= (int) next.checked();
        if (next.failure() != null) {
          break rounds;
        }
      }
    }
    IntegrityCheck.Outcome outcome = null;
    for (IntegrityCheck.Outcome tableOutcome : outcomes) {
      if (tableOutcome != null) {
        outcome = outcome == null ? tableOutcome : outcome.plus(tableOutcome);
      }
    }
    return outcome;
  }

  /**
   * The ledger after this run's commits: a concurrent run (a backfill chunk, another pod) may have committed hours of
   * the same windows, which this run then skipped. Reported as they are, so exportedThrough is not behind the
   * ledger; an unreadable ledger keeps what this run knows.
   */
  private Set<Instant> committedNow(Ledger ledger, ExportWindowPlanner planner) {
    try {
      List<Set<Instant>> perTable = new ArrayList<>();
      for (TableExport table : tables) {
        perTable.add(ledger.committedHours(table.table, config.sourceId(), ledgerFrom(planner)));
      }
      return inEveryTable(perTable);
    } catch (ExportFailure | BigQueryException e) {
      LOG.warn("could not re-read the ledger after the run ({}); reporting the hours this run knows", e.getMessage());
      return Set.of();
    }
  }

  /** The windows this run would export, for --dry-run; reads the ledger when it exists, creates nothing. */
  public List<ExportWindow> plan() {
    Set<Instant> committed = new HashSet<>();
    ExportWindowPlanner planner = new ExportWindowPlanner(config.startFromInstant(),
        config.availabilityDelayDuration(), config.maxHoursPerRunOrDefault());
    List<QuarantinedHour> quarantined = List.of();
    try {
      if (bigquery.getTable(TableId.of(dataset.getProject(), dataset.getDataset(), Ledger.TABLE)) != null) {
        Ledger ledger = new Ledger(bigquery, dataset, labels);
        planner = planner(ledger);
        committed.addAll(committedNow(ledger, planner));
      }
      if (bigquery.getTable(TableId.of(dataset.getProject(), dataset.getDataset(), Quarantine.TABLE)) != null) {
        quarantined = new Quarantine(bigquery, dataset, labels).hours(config.eventsTable(), config.sourceId());
      }
    } catch (BigQueryException e) {
      throw BigQueryErrors.translate(e, "reading the ledger");
    }
    return plan(planner, committed, quarantined, options.clock().instant());
  }

  /**
   * startFrom, or, when it only defaulted to the creation hour, the ledger's first hour of this source if that is
   * earlier: a re-created export resumes where its ledger starts, with no silent gap.
   */
  private ExportWindowPlanner planner(Ledger ledger) {
    Instant start = config.startFromInstant();
    if (config.resumeFromLedgerOrDefault()) {
      Instant first = ledger.firstHour(config.eventsTable(), config.sourceId());
      if (first != null && first.isBefore(start)) {
        LOG.info("the ledger has hours of this source from {}: starting there instead of {}", first, start);
        start = first;
      }
    }
    return new ExportWindowPlanner(start, config.availabilityDelayDuration(), config.maxHoursPerRunOrDefault());
  }

  private List<ExportWindow> plan(ExportWindowPlanner planner, Set<Instant> committed,
      List<QuarantinedHour> quarantined, Instant now) {
    if (options.window() == null) {
      if (options.mode() == ExportMode.Replace) {
        throw new ExportFailure(FailureReason.ConfigInvalid, "--mode Replace needs --window START/END");
      }
      Set<Instant> skipped = new HashSet<>(committed);
      if (!options.retryQuarantined()) {
        quarantined.forEach(q -> skipped.add(q.hour()));
      }
      return planner.planRecurring(skipped, now);
    }
    return planner.planWindow(options.window(), options.mode(), committed, now);
  }

  private Instant ledgerFrom(ExportWindowPlanner planner) {
    Instant start = planner.startFrom();
    return options.window() != null && options.window().start().isBefore(start) ? options.window().start() : start;
  }

  /**
   * Commits a window, halving it while Amplitude finds it too large, and halving it down to the hour when the
   * failure is bound to the data, so one bad hour never holds back the others.
   */
  private void export(ExportWindow window) {
    try {
      for (TableExport table : tables) {
        if (options.mode() == ExportMode.Replace || !table.hasAll(window)) {
          table.commits.add(commitWithRetries(window, table));
        }
      }
      if (window.hourList().stream().anyMatch(failingAtStart::contains)) {
        quarantine.clear(config.eventsTable(), config.sourceId(), window.start(), window.end());
      }
    } catch (WindowTooLargeException e) {
      if (window.hours() == 1) {
        hourFailed(window, new ExportFailure(FailureReason.HourTooLarge, "Amplitude refuses to export the single "
            + "hour " + window + " as too large (HTTP " + e.status() + "); this hour cannot be exported through the "
            + "Export API. Contact Amplitude support; after " + Quarantine.THRESHOLD + " runs it is quarantined and "
            + "later hours go on", e));
        return;
      }
      LOG.info("Amplitude finds {} too large; splitting it", window);
      for (ExportWindow half : window.split()) {
        export(half);
      }
    } catch (AmplitudeException e) {
      ExportFailure failure = new ExportFailure(sourceReason(e), e.getMessage(), e);
      if (!failure.reason().hourSpecific()) {
        throw failure;
      }
      hourSpecificFailure(window, failure);
    } catch (ExportFailure e) {
      if (!e.reason().hourSpecific()) {
        throw e;
      }
      hourSpecificFailure(window, e);
    }
  }

  private void hourSpecificFailure(ExportWindow window, ExportFailure failure) {
    if (window.hours() > 1) {
      LOG.info("{} failed ({}); halving it to find the hour", window, failure.reason());
      for (ExportWindow half : window.split()) {
        export(half);
      }
      return;
    }
    hourFailed(window, failure);
  }

  /** Records a permanent failure of one hour; the run goes on with later hours and reports it at the end. */
  private void hourFailed(ExportWindow hour, ExportFailure failure) {
    LOG.warn("{} failed ({}): {}; going on with later hours", hour, failure.reason(), failure.getMessage());
    quarantine.recordFailure(config.eventsTable(), config.sourceId(), hour.hourList(), failure.reason().name(),
        failure.getMessage(), options.clock().instant());
    if (firstHourFailure == null) {
      firstHourFailure = failure;
    }
  }

  /** The quarantine after this run: hours committed now are out, hours that reached the threshold now are in. */
  private List<QuarantinedHour> stillQuarantined(List<QuarantinedHour> atStart) {
    try {
      return quarantine.hours(config.eventsTable(), config.sourceId());
    } catch (ExportFailure e) {
      LOG.warn("could not read the quarantine for the summary: {}", e.getMessage());
      return atStart;
    }
  }

  /**
   * The commit protocol is idempotent, so a window whose upload or query broke on a transient BigQuery error (a
   * dropped connection, a 5xx after the client's own retries) is simply committed again, a bounded number of times.
   */
  private CommitResult commitWithRetries(ExportWindow window, TableExport table) {
    for (int attempt = 1; ; attempt++) {
      WindowRowWriter rows = new WindowRowWriter(table.source, table.mapper, table.filter, window,
          maxBadRecords(), maxBadRecordsField(), schemaDrift);
      try {
        CommitResult result = table.committer.commit(window, rows, options.mode() == ExportMode.Replace);
        mappingCounts = mappingCounts.plus(rows.counts());
        table.filtered += rows.filtered();
        return result;
      } catch (ExportFailure e) {
        if (e.reason() != FailureReason.DestinationUnavailable || attempt >= WINDOW_ATTEMPTS) {
          throw e;
        }
        // Names the attempt that failed (not the next one): no arithmetic only a log line would show.
        LOG.warn("{}: attempt {} of {} failed on a transient BigQuery error ({}); committing it again", window,
            attempt, WINDOW_ATTEMPTS, e.getMessage());
      }
    }
  }

  private String maxBadRecordsField() {
    return config.storage() != null ? "storage.maxBadRecords" : "source.maxBadRecords";
  }

  private int maxBadRecords() {
    if (config.storage() != null) {
      return config.storage().maxBadRecords() == null ? 0 : config.storage().maxBadRecords();
    }
    return config.source().maxBadRecordsOrDefault();
  }

  static FailureReason sourceReason(AmplitudeException e) {
    try {
      return FailureReason.valueOf(e.reason());
    } catch (IllegalArgumentException unknown) {
      return FailureReason.SourceUnavailable;
    }
  }

  /**
   * The events table's committed windows as ranges, adjacent windows joined. The commits are already in time order:
   * both plans walk the hours forward (ExportWindowPlanner) and a split exports its earlier half first.
   */
  private List<String> committedRanges() {
    List<ExportWindow> windows = tables.get(0).commits.stream().filter(c -> c.hours() > 0)
        .map(CommitResult::window).toList();
    List<String> ranges = new ArrayList<>();
    Instant start = null;
    Instant end = null;
    for (ExportWindow w : windows) {
      if (start != null && w.start().equals(end)) {
        end = w.end();
        continue;
      }
      if (start != null) {
        ranges.add(start + "/" + end);
      }
      start = w.start();
      end = w.end();
    }
    if (start != null) {
      ranges.add(start + "/" + end);
    }
    return ranges;
  }

  private String succeededMessage(boolean nothingDue, List<QuarantinedHour> quarantined) {
    String skipped = quarantined.isEmpty() || options.retryQuarantined() ? ""
        : "; " + quarantined.size() + " quarantined hour(s) skipped (see status.quarantinedHours; a backfill or "
        + "run-now retries them)";
    if (nothingDue) {
      return "nothing to export: every due hour is committed" + verifiedText() + skipped;
    }
    String text = "committed " + tables.get(0).hours() + " hour(s), " + tables.get(0).rows() + " row(s)";
    if (mergeIds() != null) {
      text += " and " + mergeIds().rows() + " merged ID row(s)";
    }
    text += verifiedText();
    if (tables.get(0).filtered > 0) {
      text += "; the events filter dropped " + tables.get(0).filtered + " event(s)";
    }
    if (mappingCounts.skippedLines() > 0) {
      text += "; skipped " + mappingCounts.skippedLines() + " bad line(s) (" + maxBadRecordsField() + ")";
    }
    if (!schemaDrift.isEmpty()) {
      text += "; new top-level keys went to the extra column: " + String.join(", ", schemaDrift);
    }
    return text + skipped;
  }

  private String verifiedText() {
    if (integrity.verified() == 0 && integrity.unresolved() == 0) {
      return "";
    }
    return "; integrity re-check: verified " + integrity.verified() + " hour(s), repaired "
        + integrity.repaired().size() + (integrity.unresolved() == 0 ? ""
        : ", " + integrity.unresolved() + " left unverified for the next run (see the log)");
  }

  private String exportName() {
    return config.export() == null ? "export" : config.export().namespace() + "/" + config.export().name();
  }
}
