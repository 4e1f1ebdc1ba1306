package io.bqexport.bigquery;

import io.bqexport.Hashes;
import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryError;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.FieldValueList;
import com.google.cloud.bigquery.FormatOptions;
import com.google.cloud.bigquery.Job;
import com.google.cloud.bigquery.JobId;
import com.google.cloud.bigquery.JobInfo;
import com.google.cloud.bigquery.QueryParameterValue;
import com.google.cloud.bigquery.StandardTableDefinition;
import com.google.cloud.bigquery.TableId;
import com.google.cloud.bigquery.TableInfo;
import com.google.cloud.bigquery.TableResult;
import com.google.cloud.bigquery.WriteChannelConfiguration;
import io.bqexport.exporter.ExportFailure;
import io.bqexport.ExportWindow;
import io.bqexport.exporter.FailureReason;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits windows exactly once (DESIGN section 3). First commit: one load job with a deterministic id straight into
 * the events table, then the ledger rows. A rerun that finds the job id taken reads the job: done without error
 * means the rows are in, so only the missing ledger rows are written; failed means the next attempt number.
 * Replace: load into an expiring staging table, then one transaction swaps the window's rows and ledger rows
 * (generation + 1).
 */
public final class Committer {

  public static final int MAX_ATTEMPTS = 8;
  public static final int DEFAULT_CHUNK_SIZE = 8 * 1024 * 1024;
  private static final Logger LOG = LoggerFactory.getLogger(Committer.class);
  private static final Duration STAGING_TTL = Duration.ofHours(24);

  private final BigQuery bigquery;
  private final TableId target;
  private final Ledger ledger;
  private final EventSchema schema;
  private final String exporterVersion;
  private final CommitObserver observer;
  private final Clock clock;
  private int chunkSize = DEFAULT_CHUNK_SIZE;
  private Duration duplicateWait = Duration.ofSeconds(60);

  public Committer(BigQuery bigquery, TableId target, String exporterVersion, CommitObserver observer, Clock clock) {
    this.bigquery = bigquery;
    this.target = target;
    this.ledger = new Ledger(bigquery, com.google.cloud.bigquery.DatasetId.of(target.getProject(),
        target.getDataset()));
    this.schema = EventSchema.v1();
    this.exporterVersion = exporterVersion;
    this.observer = observer;
    this.clock = clock;
  }

  /** Upload chunk size (a multiple of 256 KiB); memory per upload is about this much. */
  public Committer withChunkSize(int bytes) {
    this.chunkSize = bytes;
    return this;
  }

  /** How long to wait for a job whose id is taken but that is not visible yet (an upload still in progress). */
  public Committer withDuplicateWait(Duration wait) {
    this.duplicateWait = wait;
    return this;
  }

  private enum Outcome { LOADED, ALREADY_LOADED, FAILED }

  private record Load(Outcome outcome, WindowStats stats, String jobId, String error) {}

  /** First commit of a window whose hours are not in the ledger. */
  public CommitResult commitNew(ExportWindow window, RowWriter rows) {
    long generation = 1;
    List<String> failures = new ArrayList<>();
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      String id = LoadJobIds.of("load", target, window, generation, attempt);
      Load load = load(id, target, JobInfo.WriteDisposition.WRITE_APPEND, window, rows);
      switch (load.outcome()) {
        case LOADED -> {
          observer.reached(CommitStep.AFTER_LOAD, window);
          List<LedgerEntry> entries = entries(window, generation, load.jobId(), load.stats());
          ledger.recordIfAbsent(entries);
          LOG.info("committed {}: {} rows, job {}", window, load.stats().rows(), load.jobId());
          return new CommitResult(window, entries, load.jobId(), false);
        }
        case ALREADY_LOADED -> {
          List<LedgerEntry> entries = recoveredEntries(window, generation, id, countRows(target, window));
          ledger.recordIfAbsent(entries);
          LOG.info("{} was already loaded by job {}; wrote its missing ledger rows", window, id);
          return new CommitResult(window, entries, id, true);
        }
        case FAILED -> failures.add(id + ": " + load.error());
      }
    }
    throw new ExportFailure(FailureReason.LoadFailed, "all " + MAX_ATTEMPTS + " load attempts of " + window
        + " failed (" + failures.get(failures.size() - 1) + "); check the job errors in the BigQuery console");
  }

  /** Replaces a window: its rows and ledger rows are swapped in one transaction, with generation + 1. */
  public CommitResult replace(ExportWindow window, RowWriter rows) {
    Map<Instant, LedgerEntry> previous = ledger.entries(target.getTable(), window);
    long generation = 1 + previous.values().stream().mapToLong(LedgerEntry::generation).max().orElse(0);
    TableId staging = TableId.of(target.getProject(), target.getDataset(),
        stagingTableName(target.getTable(), window, generation));
    List<String> failures = new ArrayList<>();
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      String id = LoadJobIds.of("stage", target, window, generation, attempt);
      // A staging table loaded by an earlier run is reused only if its job succeeded and it has not expired.
      Load load = inspect(jobId(id), Duration.ZERO);
      if (load == null) {
        createStagingIfAbsent(staging);
        load = load(id, staging, JobInfo.WriteDisposition.WRITE_TRUNCATE, window, rows);
      }
      List<LedgerEntry> entries;
      if (load.outcome() == Outcome.LOADED) {
        entries = entries(window, generation, load.jobId(), load.stats());
      } else if (load.outcome() == Outcome.ALREADY_LOADED && bigquery.getTable(staging) != null) {
        entries = recoveredEntries(window, generation, id, countRows(staging, window));
      } else {
        failures.add(id + ": " + (load.error() == null ? "staging table expired" : load.error()));
        continue;
      }
      observer.reached(CommitStep.BEFORE_TRANSACTION, window);
      swap(window, staging, entries, previous);
      observer.reached(CommitStep.AFTER_TRANSACTION, window);
      try {
        bigquery.delete(staging);
      } catch (BigQueryException e) {
        LOG.warn("could not drop staging table {} ({}); it expires by itself", staging.getTable(), e.getMessage());
      }
      LOG.info("replaced {} with generation {}: {} rows", window, generation,
          entries.stream().mapToLong(LedgerEntry::rowCount).sum());
      return new CommitResult(window, entries, id, load.outcome() == Outcome.ALREADY_LOADED);
    }
    throw new ExportFailure(FailureReason.LoadFailed, "all " + MAX_ATTEMPTS + " staging loads of " + window
        + " failed (" + failures.get(failures.size() - 1) + ")");
  }

  /** The staging table of a Replace; it expires by itself after 24 h if it is not dropped. */
  public static String stagingTableName(String table, ExportWindow window, long generation) {
    return "_bqexport_staging_" + table + "_" + Hashes.sha256Hex(window + "|" + generation, 16);
  }

  /** One load attempt: finds out whether the id was used before, else uploads. */
  private Load load(String id, TableId table, JobInfo.WriteDisposition disposition, ExportWindow window,
      RowWriter rows) {
    JobId jobId = jobId(id);
    Load previous = inspect(jobId, Duration.ZERO);
    if (previous != null) {
      return previous;
    }
    observer.reached(CommitStep.BEFORE_LOAD, window);
    WriteChannelConfiguration configuration = WriteChannelConfiguration.newBuilder(table)
        .setFormatOptions(FormatOptions.json())
        .setWriteDisposition(disposition)
        .setCreateDisposition(JobInfo.CreateDisposition.CREATE_NEVER)
        .setMaxBadRecords(0)
        .setIgnoreUnknownValues(false)
        .build();
    LoadUpload upload = new LoadUpload(bigquery, jobId, configuration, chunkSize, observer, window);
    try {
      WindowStats stats = rows.writeRows(upload);
      Job job = upload.finish();
      if (job == null) {
        if (disposition == JobInfo.WriteDisposition.WRITE_TRUNCATE) {
          truncate(table); // an empty replacement still has to replace
        }
        return new Load(Outcome.LOADED, stats, null, null);
      }
      job = job.waitFor();
      if (job == null) {
        throw new ExportFailure(FailureReason.LoadFailed, "load job " + id + " disappeared while " + window
            + " was loading; the next run retries");
      }
      BigQueryError error = job.getStatus().getError();
      if (error != null) {
        throw new ExportFailure(FailureReason.LoadFailed, "BigQuery rejected the rows of " + window + " (job " + id
            + ": " + error.getMessage() + "); nothing was committed, the next run retries with a new job id");
      }
      return new Load(Outcome.LOADED, stats, id, null);
    } catch (BigQueryException e) {
      if (e.getCode() == 409) {
        LOG.info("load job id {} is taken; reading that job", id);
        Load taken = inspect(jobId, duplicateWait);
        return taken != null ? taken : new Load(Outcome.FAILED, null, id, "the id is taken by an unfinished upload");
      }
      throw BigQueryErrors.translate(e, "loading " + window + " into " + table.getTable());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while loading " + window, e);
    }
  }

  /** The outcome of an existing job, waiting up to {@code wait} for it to appear; null when there is none. */
  private Load inspect(JobId jobId, Duration wait) {
    Instant deadline = clock.instant().plus(wait);
    long pause = 100;
    try {
      while (true) {
        Job job = bigquery.getJob(jobId);
        if (job != null) {
          job = job.isDone() ? job : job.waitFor();
          BigQueryError error = job == null ? null : job.getStatus().getError();
          if (job != null && error == null) {
            return new Load(Outcome.ALREADY_LOADED, null, jobId.getJob(), null);
          }
          return new Load(Outcome.FAILED, null, jobId.getJob(), error == null ? "job vanished" : error.getMessage());
        }
        if (!clock.instant().isBefore(deadline)) {
          return null;
        }
        Thread.sleep(pause);
        pause = Math.min(pause * 2, 2000);
      }
    } catch (BigQueryException e) {
      throw BigQueryErrors.translate(e, "reading load job " + jobId.getJob());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading job " + jobId.getJob(), e);
    }
  }

  private JobId jobId(String id) {
    return JobId.newBuilder().setProject(target.getProject()).setJob(id)
        .setLocation(bigquery.getOptions().getLocation()).build();
  }

  /** Ledger rows from the streamed statistics. */
  private List<LedgerEntry> entries(ExportWindow window, long generation, String jobId, WindowStats stats) {
    Instant now = clock.instant();
    List<LedgerEntry> entries = new ArrayList<>();
    for (Instant hour : window.hourList()) {
      WindowStats.Hour h = stats.hour(hour);
      entries.add(new LedgerEntry(target.getTable(), hour, window.start(), window.end(), h.rows(), h.bytes(),
          h.sourceFiles(), jobId, generation, now, exporterVersion, h.minEventTime(), h.maxEventTime()));
    }
    return entries;
  }

  /** Ledger rows counted from a table (recovery): bytes and source files are unknown. */
  private List<LedgerEntry> recoveredEntries(ExportWindow window, long generation, String jobId,
      Map<Instant, HourCount> counts) {
    Instant now = clock.instant();
    List<LedgerEntry> entries = new ArrayList<>();
    for (Instant hour : window.hourList()) {
      HourCount c = counts.getOrDefault(hour, new HourCount(0, null, null));
      entries.add(new LedgerEntry(target.getTable(), hour, window.start(), window.end(), c.rows(), null, null,
          jobId, generation, now, exporterVersion, c.minEventTime(), c.maxEventTime()));
    }
    return entries;
  }

  private record HourCount(long rows, Instant minEventTime, Instant maxEventTime) {}

  private Map<Instant, HourCount> countRows(TableId table, ExportWindow window) {
    String hourColumn = Sql.column(schema.hourColumn());
    TableResult result = Sql.query(bigquery, "SELECT " + hourColumn + " AS `hour`, COUNT(*) AS `row_count`,"
            + " MIN(`event_time`) AS `min_event_time`, MAX(`event_time`) AS `max_event_time` FROM " + Sql.name(table)
            + " WHERE " + hourColumn + " >= @window_start AND " + hourColumn + " < @window_end GROUP BY "
            + hourColumn,
        Map.of("window_start", Sql.timestamp(window.start()), "window_end", Sql.timestamp(window.end())),
        "counting the rows of " + window);
    Map<Instant, HourCount> counts = new HashMap<>();
    for (FieldValueList row : result.iterateAll()) {
      counts.put(Sql.instant(row.get("hour")), new HourCount(row.get("row_count").getLongValue(),
          Sql.instant(row.get("min_event_time")), Sql.instant(row.get("max_event_time"))));
    }
    return counts;
  }

  private void createStagingIfAbsent(TableId staging) {
    try {
      if (bigquery.getTable(staging) == null) {
        bigquery.create(TableInfo.newBuilder(staging, StandardTableDefinition.of(schema.toBigQuerySchema()))
            .setExpirationTime(clock.instant().plus(STAGING_TTL).toEpochMilli())
            .setDescription("bqexport staging for a Replace; expires by itself").build());
      }
    } catch (BigQueryException e) {
      if (e.getCode() != 409) {
        throw BigQueryErrors.translate(e, "creating staging table " + staging.getTable());
      }
    }
  }

  private void truncate(TableId table) {
    Sql.query(bigquery, "DELETE FROM " + Sql.name(table) + " WHERE TRUE", Map.of(), "emptying " + table.getTable());
  }

  /**
   * One transaction: delete the window's rows (pruned to the event_time partitions its old and new rows occupy),
   * insert the staged rows, replace the ledger rows.
   */
  private void swap(ExportWindow window, TableId staging, List<LedgerEntry> entries,
      Map<Instant, LedgerEntry> previous) {
    Map<String, QueryParameterValue> params = new LinkedHashMap<>();
    params.put("window_start", Sql.timestamp(window.start()));
    params.put("window_end", Sql.timestamp(window.end()));
    String hourColumn = Sql.column(schema.hourColumn());
    String partitionFilter = partitionFilter(window, entries, previous, params);
    String columns = Sql.columns(schema.columns().stream().map(EventSchema.Column::name).toList(), "");
    List<String> statements = new ArrayList<>();
    statements.add("BEGIN TRANSACTION");
    statements.add("DELETE FROM " + Sql.name(target) + " WHERE " + hourColumn + " >= @window_start AND "
        + hourColumn + " < @window_end" + partitionFilter);
    statements.add("INSERT INTO " + Sql.name(target) + " (" + columns + ") SELECT " + columns + " FROM "
        + Sql.name(staging));
    statements.addAll(ledger.replaceStatements(target.getTable(), window, entries, params));
    statements.add("COMMIT TRANSACTION");
    Sql.query(bigquery, String.join(";\n", statements) + ";", params, "replacing " + window);
  }

  /** The event_time partitions to scan, from the ledger's ranges; none (a full scan) when a range is unknown. */
  private static String partitionFilter(ExportWindow window, List<LedgerEntry> entries,
      Map<Instant, LedgerEntry> previous, Map<String, QueryParameterValue> params) {
    Instant min = null;
    Instant max = null;
    List<LedgerEntry> all = new ArrayList<>(entries);
    for (Instant hour : window.hourList()) {
      LedgerEntry old = previous.get(hour);
      if (old == null || (old.rowCount() > 0 && old.minEventTime() == null)) {
        return ""; // rows of this hour may exist without a known range (e.g. loaded but never recorded)
      }
      all.add(old);
    }
    for (LedgerEntry e : all) {
      if (e.minEventTime() != null) {
        min = min == null || e.minEventTime().isBefore(min) ? e.minEventTime() : min;
      }
      if (e.maxEventTime() != null) {
        max = max == null || e.maxEventTime().isAfter(max) ? e.maxEventTime() : max;
      }
    }
    if (min == null) {
      return " AND `event_time` IS NULL";
    }
    params.put("min_date", QueryParameterValue.date(min.atOffset(ZoneOffset.UTC).toLocalDate().toString()));
    params.put("max_date", QueryParameterValue.date(max.atOffset(ZoneOffset.UTC).toLocalDate().toString()));
    return " AND (`event_time` IS NULL OR DATE(`event_time`) BETWEEN @min_date AND @max_date)";
  }
}
