package io.bqexport.cli;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.storage.Storage;
import io.bqexport.amplitude.AmplitudeExportClient;
import io.bqexport.bigquery.CommitObserver;
import io.bqexport.exporter.ChunkPlan;
import io.bqexport.exporter.ExitCode;
import io.bqexport.exporter.ExportFailure;
import io.bqexport.exporter.ExportMode;
import io.bqexport.exporter.ExportRun;
import io.bqexport.ExportWindow;
import io.bqexport.exporter.ExporterClients;
import io.bqexport.exporter.GoogleCredentialsSource;
import io.bqexport.exporter.ExporterConfig;
import io.bqexport.exporter.ExporterConfigReader;
import io.bqexport.exporter.FailureReason;
import io.bqexport.exporter.RunSummary;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bqexport export}: the job that CronJob and backfill pods run. */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Exports Amplitude hours into BigQuery exactly once, then writes a JSON run summary to stdout and to the "
            + "config's terminationMessagePath.",
        "Exit codes: 0 success, 1 internal error, 2 config error, 3 credential error (Amplitude or Google), "
            + "4 source error, 5 destination error."})
public final class ExportCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(ExportCommand.class);

  @Spec
  CommandSpec spec;

  @Option(names = "--config", required = true, paramLabel = "FILE",
      description = "Exporter config JSON (the ConfigMap the operator writes); schema in the README.")
  Path config;

  @Option(names = "--window", paramLabel = "START/END",
      description = "Export this window instead of the due hours since startFrom: ISO instants, whole hours, "
          + "half-open, e.g. 2026-11-28T10:00:00Z/2026-11-28T13:00:00Z.")
  String window;

  @Option(names = "--chunks", paramLabel = "START/END/HOURS",
      description = "Backfill pods: the whole range cut into chunks of HOURS; this pod exports the chunk numbered "
          + "--chunk-index (0-based), e.g. 2025-01-01T00:00:00Z/2025-02-01T00:00:00Z/24. Excludes --window.")
  String chunks;

  @Option(names = "--chunk-index", paramLabel = "N", defaultValue = "${env:JOB_COMPLETION_INDEX}",
      description = "Which chunk of --chunks to export; default: $JOB_COMPLETION_INDEX, which Kubernetes sets in "
          + "the pods of an Indexed Job.")
  String chunkIndex;

  @Option(names = "--mode", paramLabel = "MODE", defaultValue = "FillGaps",
      description = "FillGaps (default): only hours missing from the ledger. Replace: re-export and replace every "
          + "hour of --window (generation + 1).")
  ExportMode mode;

  @Option(names = "--retry-quarantined", description = "Also retry the quarantined hours (a run-now does this; "
      + "a --window run always retries the hours of its window).")
  boolean retryQuarantined;

  @Option(names = "--dry-run", description = "Print the planned windows and touch nothing (reads the ledger).")
  boolean dryRun;

  @Option(names = "--now", paramLabel = "INSTANT",
      description = "Simulated current time (ISO instant) for planning; for tests and demos.")
  String now;

  private CommitObserver observer = CommitObserver.NONE;

  /** For tests: observe (or crash at) the steps of the commit protocol. */
  public ExportCommand withObserver(CommitObserver observer) {
    this.observer = observer;
    return this;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    ExporterConfig cfg = null;
    Clock clock;
    try {
      clock = clock();
    } catch (ExportFailure e) {
      return finish(failed(e.reason(), e.getMessage(), Clock.systemUTC()), null, out);
    }
    Instant startedAt = clock.instant();
    try {
      cfg = ExporterConfigReader.read(config);
      ExportRun.Options options = new ExportRun.Options(parseWindow(), mode, clock, retryQuarantined);
      if (cfg.storage() != null) {
        BigQuery bigquery = ExporterClients.bigquery(cfg.destination(), GoogleCredentialsSource.DEFAULT);
        Storage storage = ExporterClients.storage(cfg, GoogleCredentialsSource.DEFAULT);
        try {
          return runOrPlan(new ExportRun(cfg, options, ExporterClients.storageSources(cfg, storage), bigquery,
              observer), cfg, out);
        } finally {
          closeQuietly(storage);
        }
      }
      try (AmplitudeExportClient amplitude = ExporterClients.amplitude(cfg.source())) {
        BigQuery bigquery = ExporterClients.bigquery(cfg.destination(), GoogleCredentialsSource.DEFAULT);
        return runOrPlan(new ExportRun(cfg, options, amplitude, bigquery, observer), cfg, out);
      }
    } catch (ExportFailure e) {
      return finish(failed(e.reason(), e.getMessage(), startedAt, clock), cfg, out);
    } catch (RuntimeException e) {
      LOG.error("internal error", e);
      return finish(failed(FailureReason.InternalError, "internal error (" + e.getClass().getSimpleName() + ": "
          + e.getMessage() + "); see the pod log", startedAt, clock), cfg, out);
    }
  }

  private static void closeQuietly(Storage storage) {
    try {
      storage.close();
    } catch (Exception e) {
      LOG.debug("closing the Cloud Storage client: {}", e.toString());
    }
  }

  private int runOrPlan(ExportRun run, ExporterConfig cfg, PrintWriter out) {
    if (dryRun) {
      List<ExportWindow> windows = run.plan();
      out.println("{\"dryRun\":true,\"windows\":" + windows.stream().map(w -> "\"" + w + "\"").toList() + "}");
      out.flush();
      return ExitCode.SUCCESS.code();
    }
    return finish(run.run(), cfg, out);
  }

  private ExportWindow parseWindow() {
    if (chunks != null) {
      window = chunkWindow().toString(); // the summary names the chunk's own window
    }
    if (window == null) {
      return null;
    }
    try {
      return ExportWindow.parse(window);
    } catch (IllegalArgumentException | DateTimeParseException e) {
      throw new ExportFailure(FailureReason.ConfigInvalid, "--window: " + e.getMessage());
    }
  }

  private ExportWindow chunkWindow() {
    if (window != null) {
      throw new ExportFailure(FailureReason.ConfigInvalid, "--chunks and --window exclude each other; give one");
    }
    if (chunkIndex == null || chunkIndex.isBlank()) {
      throw new ExportFailure(FailureReason.ConfigInvalid, "--chunks needs --chunk-index N or the environment "
          + "variable JOB_COMPLETION_INDEX (set by Kubernetes in an Indexed Job)");
    }
    try {
      return ChunkPlan.parse(chunks).window(Integer.parseInt(chunkIndex.trim()));
    } catch (IllegalArgumentException e) {
      throw new ExportFailure(FailureReason.ConfigInvalid, "--chunks " + chunks + " --chunk-index " + chunkIndex
          + ": " + e.getMessage());
    }
  }

  private Clock clock() {
    if (now == null) {
      return Clock.systemUTC();
    }
    try {
      return Clock.fixed(Instant.parse(now), ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      throw new ExportFailure(FailureReason.ConfigInvalid, "--now must be an ISO instant such as "
          + "2026-11-28T15:05:00Z, got '" + now + "'");
    }
  }

  private RunSummary failed(FailureReason reason, String message, Clock clock) {
    return failed(reason, message, clock.instant(), clock);
  }

  private RunSummary failed(FailureReason reason, String message, Instant startedAt, Clock clock) {
    return new RunSummary(RunSummary.FAILED, reason.name(), message, reason.exitCode().code(), mode.name(), window,
        List.of(), 0, 0, 0, null, 0, List.of(), startedAt.toString(), clock.instant().toString());
  }

  private int finish(RunSummary summary, ExporterConfig cfg, PrintWriter out) {
    String json = summary.toJson();
    out.println(json); // the log line: one JSON object on stdout

    out.flush();
    Path path = Path.of(cfg == null ? ExporterConfig.DEFAULT_TERMINATION_MESSAGE_PATH
        : cfg.terminationMessagePathOrDefault());
    try {
      Files.writeString(path, json, StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      LOG.warn("could not write the run summary to {} ({}); it is in the log", path, e.toString());
    }
    return summary.exitCode();
  }
}
