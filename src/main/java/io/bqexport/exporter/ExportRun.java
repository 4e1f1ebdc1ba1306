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
import io.bqexport.bigquery.Ledger;
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
 * One run of the exporter: ensure the tables, read the ledger, plan windows, stream and commit each window, and sum
 * it up. Windows that Amplitude finds too large are halved down to one hour. The first failure stops the run;
 * windows committed before it stay committed.
 */
public final class ExportRun {

  private static final Logger LOG = LoggerFactory.getLogger(ExportRun.class);
  private static final int WINDOW_ATTEMPTS = 3;

  /** What the command line asked for. window null: a recurring run. now: the (possibly simulated) clock. */
  public record Options(ExportWindow window, ExportMode mode, Clock clock) {}

  private final ExporterConfig config;
  private final Options options;
  private final AmplitudeExportClient source;
  private final BigQuery bigquery;
  private final Committer committer;
  private final EventMapper mapper = new EventMapper();
  private final ExportWindowPlanner planner;
  private final Set<String> schemaDrift = new TreeSet<>();
  private final List<CommitResult> commits = new ArrayList<>();
  private final Set<Instant> committedAtStart = new HashSet<>();
  private MappingCounts mappingCounts = MappingCounts.NONE;

  public ExportRun(ExporterConfig config, Options options, AmplitudeExportClient source, BigQuery bigquery,
      CommitObserver observer) {
    this.config = config;
    this.options = options;
    this.source = source;
    this.bigquery = bigquery;
    TableId table = TableId.of(bigquery.getOptions().getProjectId(), config.destination().dataset(),
        config.eventsTable());
    this.committer = new Committer(bigquery, table, Version.current(), observer, options.clock());
    this.planner = new ExportWindowPlanner(config.startFromInstant(), config.availabilityDelayDuration(),
        config.maxHoursPerRunOrDefault());
  }

  /** Tuning for tests and benchmarks. */
  public Committer committer() {
    return committer;
  }

  public RunSummary run() {
    Instant startedAt = options.clock().instant();
    Instant now = options.clock().instant();
    Set<Instant> committed = new HashSet<>();
    String reason = null;
    String message;
    int exitCode = ExitCode.SUCCESS.code();
    try {
      if (config.data() != null && config.data().events() != null && !config.data().events().enabledOrDefault()) {
        return new RunSummary(RunSummary.SUCCEEDED, null, "data.events.enabled is false: nothing to export", 0,
            options.mode().name(), options.window() == null ? null : options.window().toString(), List.of(), 0, 0,
            0, null, 0, List.of(), startedAt.toString(), options.clock().instant().toString());
      }
      DatasetId dataset = DatasetId.of(bigquery.getOptions().getProjectId(), config.destination().dataset());
      TableManager tables = new TableManager(bigquery, dataset);
      tables.ensureDataset(config.destination().location(), config.destination().createDatasetOrDefault());
      tables.ensureTables(config.eventsTable());
      Ledger ledger = tables.ledger();
      committed.addAll(ledger.committedHours(config.eventsTable(), ledgerFrom()));
      committedAtStart.addAll(committed);
      List<ExportWindow> windows = plan(committed, now);
      LOG.info("run of {}: {} window(s) planned", exportName(), windows.size());
      for (ExportWindow window : windows) {
        export(window);
      }
      message = succeededMessage(windows.isEmpty());
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
      committed.addAll(c.window().hourList());
    }
    Instant through = planner.exportedThrough(committed);
    return new RunSummary(reason == null ? RunSummary.SUCCEEDED : RunSummary.FAILED, reason, message, exitCode,
        options.mode().name(), options.window() == null ? null : options.window().toString(), committedRanges(),
        commits.stream().mapToLong(c -> c.window().hours()).sum(),
        commits.stream().mapToLong(CommitResult::rows).sum(),
        commits.stream().mapToLong(CommitResult::bytes).sum(),
        through == null ? null : through.toString(), planner.missingHours(committed, now),
        List.copyOf(schemaDrift), startedAt.toString(), options.clock().instant().toString(),
        mappingCounts.skippedLines(), mappingCounts.replacedSurrogates(), mappingCounts.valuesInExtra());
  }

  /** The windows this run would export, for --dry-run; reads the ledger when it exists, creates nothing. */
  public List<ExportWindow> plan() {
    Set<Instant> committed = new HashSet<>();
    DatasetId dataset = DatasetId.of(bigquery.getOptions().getProjectId(), config.destination().dataset());
    try {
      if (bigquery.getTable(TableId.of(dataset.getProject(), dataset.getDataset(), Ledger.TABLE)) != null) {
        committed.addAll(new Ledger(bigquery, dataset).committedHours(config.eventsTable(), ledgerFrom()));
      }
    } catch (BigQueryException e) {
      throw BigQueryErrors.translate(e, "reading the ledger");
    }
    return plan(committed, options.clock().instant());
  }

  private List<ExportWindow> plan(Set<Instant> committed, Instant now) {
    if (options.window() == null) {
      if (options.mode() == ExportMode.Replace) {
        throw new ExportFailure(FailureReason.ConfigInvalid, "--mode Replace needs --window START/END");
      }
      return planner.planRecurring(committed, now);
    }
    return planner.planWindow(options.window(), options.mode(), committed, now);
  }

  private Instant ledgerFrom() {
    Instant start = config.startFromInstant();
    return options.window() != null && options.window().start().isBefore(start) ? options.window().start() : start;
  }

  /** Commits a window, halving it while Amplitude finds it too large. */
  private void export(ExportWindow window) {
    try {
      commits.add(commitWithRetries(window));
    } catch (WindowTooLargeException e) {
      if (window.hours() == 1) {
        throw new ExportFailure(FailureReason.HourTooLarge, "Amplitude refuses to export the single hour " + window
            + " as too large (HTTP " + e.status() + "); this hour cannot be exported through the Export API. "
            + "Contact Amplitude support, or skip it by moving startFrom past it", e);
      }
      LOG.info("Amplitude finds {} too large; splitting it", window);
      for (ExportWindow half : window.split()) {
        export(half);
      }
    } catch (AmplitudeException e) {
      throw new ExportFailure(sourceReason(e), e.getMessage(), e);
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
        // Replace swaps hours that are committed; a missing hour gets a first commit like any other run's.
        CommitResult result = options.mode() == ExportMode.Replace && committedAtStart.containsAll(window.hourList())
            ? committer.replace(window, rows) : committer.commitNew(window, rows);
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

  private static FailureReason sourceReason(AmplitudeException e) {
    try {
      return FailureReason.valueOf(e.reason());
    } catch (IllegalArgumentException unknown) {
      return FailureReason.SourceUnavailable;
    }
  }

  private List<String> committedRanges() {
    List<ExportWindow> windows = new ArrayList<>(commits.stream().map(CommitResult::window).toList());
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

  private String succeededMessage(boolean nothingDue) {
    if (nothingDue) {
      return "nothing to export: every due hour is committed";
    }
    long hours = commits.stream().mapToLong(c -> c.window().hours()).sum();
    long rows = commits.stream().mapToLong(CommitResult::rows).sum();
    String text = "committed " + hours + " hour(s), " + rows + " row(s)";
    if (mappingCounts.skippedLines() > 0) {
      text += "; skipped " + mappingCounts.skippedLines() + " bad line(s) (source.maxBadRecords)";
    }
    if (!schemaDrift.isEmpty()) {
      text += "; new top-level keys went to the extra column: " + String.join(", ", schemaDrift);
    }
    return text;
  }

  private String exportName() {
    return config.export() == null ? "export" : config.export().namespace() + "/" + config.export().name();
  }
}
