package io.bqexport.exporter;

import io.bqexport.ExportWindow;
import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.DatasetId;
import com.google.cloud.bigquery.TableId;
import io.bqexport.amplitude.AmplitudeException;
import io.bqexport.amplitude.AmplitudeExportClient;
import io.bqexport.amplitude.WindowTooLargeException;
import io.bqexport.bigquery.BigQueryErrors;
import io.bqexport.bigquery.CommitObserver;
import io.bqexport.bigquery.CommitResult;
import io.bqexport.bigquery.Committer;
import io.bqexport.bigquery.EventMapper;
import io.bqexport.bigquery.JobLabels;
import io.bqexport.bigquery.Ledger;
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
  private final AmplitudeExportClient source;
  private final BigQuery bigquery;
  private final Committer committer;
  private final DatasetId dataset;
  private final JobLabels labels;
  private final EventMapper mapper = new EventMapper();
  private final Set<String> schemaDrift = new TreeSet<>();
  private final List<CommitResult> commits = new ArrayList<>();
  private final Set<Instant> committedAtStart = new HashSet<>();
  private final Set<Instant> failingAtStart = new HashSet<>();
  private ExportFailure firstHourFailure;
  private Quarantine quarantine;
  private MappingCounts mappingCounts = MappingCounts.NONE;
  private IntegrityCheck.Outcome integrity = IntegrityCheck.Outcome.NONE;

  public ExportRun(ExporterConfig config, Options options, AmplitudeExportClient source, BigQuery bigquery,
      CommitObserver observer) {
    this.config = config;
    this.options = options;
    this.source = source;
    this.bigquery = bigquery;
    this.dataset = DatasetId.of(bigquery.getOptions().getProjectId(), config.destination().dataset());
    this.labels = config.export() == null ? JobLabels.NONE
        : new JobLabels(config.export().namespace(), config.export().name());
    TableId table = TableId.of(dataset.getProject(), dataset.getDataset(), config.eventsTable());
    this.committer = new Committer(bigquery, table, config.sourceId(), labels, Version.current(), observer,
        options.clock());
  }

  /** Tuning for tests and benchmarks. */
  public Committer committer() {
    return committer;
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
      if (config.data() != null && config.data().events() != null && !config.data().events().enabledOrDefault()) {
        return new RunSummary(RunSummary.SUCCEEDED, null, "data.events.enabled is false: nothing to export", 0,
            options.mode().name(), options.window() == null ? null : options.window().toString(), List.of(), 0, 0,
            0, null, 0, List.of(), startedAt.toString(), options.clock().instant().toString());
      }
      TableManager tables = new TableManager(bigquery, dataset);
      tables.ensureDataset(config.destination().location(), config.destination().createDatasetOrDefault());
      tables.ensureTables(config.eventsTable(), labels);
      Ledger ledger = new Ledger(bigquery, dataset, labels);
      quarantine = new Quarantine(bigquery, dataset, labels);
      planner = planner(ledger);
      committed.addAll(ledger.committedHours(config.eventsTable(), config.sourceId(), ledgerFrom(planner)));
      committedAtStart.addAll(committed);
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
    for (CommitResult c : commits) {
      c.entries().forEach(e -> committed.add(e.hour()));
    }
    quarantined = stillQuarantined(quarantined);
    Instant through = planner.exportedThrough(committed);
    return new RunSummary(reason == null ? RunSummary.SUCCEEDED : RunSummary.FAILED, reason, message, exitCode,
        options.mode().name(), options.window() == null ? null : options.window().toString(), committedRanges(),
        commits.stream().mapToLong(CommitResult::hours).sum(),
        commits.stream().mapToLong(CommitResult::rows).sum(),
        commits.stream().mapToLong(CommitResult::bytes).sum(),
        through == null ? null : through.toString(), planner.missingHours(committed, now),
        List.copyOf(schemaDrift), startedAt.toString(), options.clock().instant().toString(),
        mappingCounts.skippedLines(), mappingCounts.replacedSurrogates(), mappingCounts.valuesInExtra(),
        quarantined.stream().map(q -> new RunSummary.Quarantined(q.hour().toString(), q.reason(), q.message(),
            q.failures(), q.since().toString())).toList(),
        integrity.verified(), integrity.repaired(),
        integrity.verifiedThrough() == null ? null : integrity.verifiedThrough().toString(), 0, 0);
  }

  /**
   * The integrity re-check (DESIGN 3b), in a recurring run only and after its due hours are committed, so it never
   * delays them; a run that failed skips it (the caller throws first). A --window run (a backfill chunk, a
   * --window run-now) does not verify: it commits what it was asked for, its parallel chunks would re-read the same
   * hours and contend for the commit lock, and the next recurring run verifies whatever falls within lookback.
   */
  private IntegrityCheck.Outcome verify(Ledger ledger) {
    ExporterConfig.Integrity settings = config.integrityOrDefault();
    if (options.window() != null || !settings.enabledOrDefault()) {
      return IntegrityCheck.Outcome.NONE;
    }
    IntegrityCheck check = new IntegrityCheck(IntegrityPlan.of(settings), ledger, committer, source,
        window -> new WindowRowWriter(source, mapper, window, config.source().maxBadRecordsOrDefault(), schemaDrift),
        config.eventsTable(), config.sourceId());
    return check.run(options.clock().instant());
  }

  /**
   * The ledger after this run's commits: a concurrent run (a backfill chunk, another pod) may have committed hours of
   * the same windows, which this run then skipped. Reported as they are, so exportedThrough is not behind the
   * ledger; an unreadable ledger keeps what this run knows.
   */
  private Set<Instant> committedNow(Ledger ledger, ExportWindowPlanner planner) {
    try {
      return ledger.committedHours(config.eventsTable(), config.sourceId(), ledgerFrom(planner));
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
        committed.addAll(ledger.committedHours(config.eventsTable(), config.sourceId(), ledgerFrom(planner)));
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
      CommitResult result = commitWithRetries(window);
      commits.add(result);
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
    if (quarantine == null) {
      return atStart;
    }
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
  private CommitResult commitWithRetries(ExportWindow window) {
    for (int attempt = 1; ; attempt++) {
      WindowRowWriter rows = new WindowRowWriter(source, mapper, window,
          config.source().maxBadRecordsOrDefault(), schemaDrift);
      try {
        CommitResult result = committer.commit(window, rows, options.mode() == ExportMode.Replace);
        mappingCounts = mappingCounts.plus(rows.counts());
        return result;
      } catch (ExportFailure e) {
        if (e.reason() != FailureReason.DestinationUnavailable || attempt >= WINDOW_ATTEMPTS) {
          throw e;
        }
        LOG.warn("{} failed on a transient BigQuery error ({}); committing it again (attempt {} of {})", window,
            e.getMessage(), attempt + 1, WINDOW_ATTEMPTS);
      }
    }
  }

  static FailureReason sourceReason(AmplitudeException e) {
    try {
      return FailureReason.valueOf(e.reason());
    } catch (IllegalArgumentException unknown) {
      return FailureReason.SourceUnavailable;
    }
  }

  private List<String> committedRanges() {
    List<ExportWindow> windows = new ArrayList<>(commits.stream().filter(c -> c.hours() > 0)
        .map(CommitResult::window).toList());
    windows.sort((a, b) -> a.start().compareTo(b.start()));
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
    long hours = commits.stream().mapToLong(CommitResult::hours).sum();
    long rows = commits.stream().mapToLong(CommitResult::rows).sum();
    String text = "committed " + hours + " hour(s), " + rows + " row(s)" + verifiedText();
    if (mappingCounts.skippedLines() > 0) {
      text += "; skipped " + mappingCounts.skippedLines() + " bad line(s) (source.maxBadRecords)";
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
