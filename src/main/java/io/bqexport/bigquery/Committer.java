package io.bqexport.bigquery;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryError;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.DatasetId;
import com.google.cloud.bigquery.FormatOptions;
import com.google.cloud.bigquery.Job;
import com.google.cloud.bigquery.JobId;
import com.google.cloud.bigquery.JobInfo;
import com.google.cloud.bigquery.JobStatus;
import com.google.cloud.bigquery.QueryParameterValue;
import com.google.cloud.bigquery.TableId;
import com.google.cloud.bigquery.WriteChannelConfiguration;
import io.bqexport.ExportWindow;
import io.bqexport.amplitude.Sleeper;
import io.bqexport.exporter.ExportFailure;
import io.bqexport.exporter.FailureReason;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits windows exactly once (DESIGN section 3). The hour is the unit of commit, the window only the unit of
 * transport: a window is loaded by one load job (any id) into an expiring staging table, then ONE transaction takes
 * the table's commit lock, inserts the staged rows of the hours this source has not committed yet (Replace: deletes
 * the hours' rows first), writes those hours' ledger rows, and commits. Whatever crashed before, running again is the
 * recovery: each hour is either committed (skipped) or not (committed now).
 */
public final class Committer {

  public static final int DEFAULT_CHUNK_SIZE = 8 * 1024 * 1024;
  private static final Logger LOG = LoggerFactory.getLogger(Committer.class);
  private static final int TRANSACTION_ATTEMPTS = 10;

  private final BigQuery bigquery;
  private final TableId target;
  private final String source;
  private final JobLabels labels;
  private final Ledger ledger;
  private final CommitLock lock;
  private final StagingTables staging;
  private final EventSchema schema;
  private final String filter;
  private final String exporterVersion;
  private final CommitObserver observer;
  private final Clock clock;
  private int chunkSize = DEFAULT_CHUNK_SIZE;
  private long backoffMillis = 250;
  private Sleeper sleeper = Sleeper.system();

  public Committer(BigQuery bigquery, TableId target, String source, JobLabels labels, String exporterVersion,
      CommitObserver observer, Clock clock) {
    this(bigquery, target, EventSchema.v1(), null, source, labels, exporterVersion, observer, clock);
  }

  /**
   * @param schema the target's schema (events, or merged IDs): its hour column keys the commit
   * @param filter the events filter recorded in the ledger rows of this committer's hours (canonical), or null
   */
  public Committer(BigQuery bigquery, TableId target, EventSchema schema, String filter, String source,
      JobLabels labels, String exporterVersion, CommitObserver observer, Clock clock) {
    this.bigquery = bigquery;
    this.schema = schema;
    this.filter = filter;
    this.target = target;
    this.source = source;
    this.labels = labels;
    DatasetId dataset = DatasetId.of(target.getProject(), target.getDataset());
    this.ledger = new Ledger(bigquery, dataset, labels);
    this.lock = new CommitLock(bigquery, dataset);
    this.staging = new StagingTables(bigquery, target, schema, clock);
    this.exporterVersion = exporterVersion;
    this.observer = observer;
    this.clock = clock;
  }

  /** Upload chunk size (a multiple of 256 KiB); memory per upload is about this much. */
  public Committer withChunkSize(int bytes) {
    this.chunkSize = bytes;
    return this;
  }

  /** First pause before retrying an aborted transaction (doubled each time, with jitter). */
  public Committer withBackoff(long millis) {
    this.backoffMillis = millis;
    return this;
  }

  /** How the pauses between job polls and between aborted attempts wait; tests record them instead. */
  public Committer withSleeper(Sleeper sleeper) {
    this.sleeper = sleeper;
    return this;
  }

  /**
   * Commits the window's hours that this source has not committed (FillGaps), or all of them (Replace). A Replace
   * never shrinks a committed hour to 0 rows: an hour without rows in the answer (a 404, or its files missing from a
   * wider window) is only committed if it is missing, whatever the window.
   */
  public CommitResult commit(ExportWindow window, RowWriter rows, boolean replace) {
    return commit(window, rows, replace, null);
  }

  /**
   * A repair by the integrity re-check: the source's count of the hour no longer matches the ledger.
   *
   * @param at when the re-check ran: the replaced hours are recorded as verified then
   * @param sourceLinesBefore what the ledger held before, kept beside the new count
   */
  public record Repair(Instant at, long sourceLinesBefore) {}

  /**
   * Like {@link #commit(ExportWindow, RowWriter, boolean)}; with a {@code repair}, the ledger rows the commit writes
   * record the verification and the count before.
   */
  public CommitResult commit(ExportWindow window, RowWriter rows, boolean replace, Repair repair) {
    String commitId = "bqexport_" + UUID.randomUUID().toString().replace("-", "");
    TableId stage = staging.create(window);
    try {
      observer.reached(CommitStep.BEFORE_LOAD, window);
      WindowStats stats = load(commitId, stage, window, rows);
      observer.reached(CommitStep.AFTER_LOAD, window);
      List<LedgerEntry> entries = entries(window, commitId, stats, repair);
      boolean replacing = replace && !stats.sourceNotFound() && entries.stream().anyMatch(e -> e.rowCount() > 0);
      transaction(window, stage, entries, replacing);
      observer.reached(CommitStep.AFTER_TRANSACTION, window);
      staging.drop(stage);
      List<LedgerEntry> written = ledger.committedBy(target.getTable(), commitId, window.start());
      LOG.info("{} {}: {} hour(s), {} rows committed ({})", replacing ? "replaced" : "committed", window,
          written.size(), written.stream().mapToLong(LedgerEntry::rowCount).sum(), commitId);
      return new CommitResult(window, written, commitId, replacing);
    } catch (RuntimeException e) {
      // An interrupted commit (the pod stopping) still drops its staging table: the drop's HTTP call runs with the
      // interrupt cleared, and the interrupt is restored for the caller, which must stop rather than retry.
      boolean interrupted = Thread.interrupted();
      staging.drop(stage); // a crash (an Error) leaves it behind; it expires by itself
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      throw e;
    }
  }

  /** Streams the rows into the staging table by one load job and reads the job's outcome from its status. */
  private WindowStats load(String jobId, TableId stage, ExportWindow window, RowWriter rows) {
    JobId id = JobId.newBuilder().setProject(target.getProject()).setJob(jobId)
        .setLocation(bigquery.getOptions().getLocation()).build();
    WriteChannelConfiguration configuration = WriteChannelConfiguration.newBuilder(stage)
        .setFormatOptions(FormatOptions.json())
        .setWriteDisposition(JobInfo.WriteDisposition.WRITE_APPEND)
        .setCreateDisposition(JobInfo.CreateDisposition.CREATE_NEVER)
        .setMaxBadRecords(0)
        .setIgnoreUnknownValues(false)
        .setLabels(labels.of("stage-load", window.start()))
        .build();
    LoadUpload upload = new LoadUpload(bigquery, id, configuration, chunkSize, observer, window);
    String action = "loading " + window + " into staging";
    try {
      WindowStats stats = rows.writeRows(upload);
      Job job = upload.finish();
      if (job != null) {
        awaitSuccess(id, action);
      }
      return stats;
    } catch (BigQueryException e) {
      throw JobFailures.of(e, action);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Polls the job until DONE; a job that ended with an errorResult is classified by it. */
  private void awaitSuccess(JobId id, String action) {
    long pause = 50;
    while (true) {
      Job job = bigquery.getJob(id);
      if (job == null) {
        throw new ExportFailure(FailureReason.DestinationUnavailable, "load job " + id.getJob() + " vanished while "
            + action + "; nothing was committed, the next run retries");
      }
      if (job.getStatus().getState() == JobStatus.State.DONE) {
        BigQueryError error = job.getStatus().getError();
        if (error != null) {
          throw JobFailures.ofLoad(error, job.getStatus().getExecutionErrors(), id.getJob(), action);
        }
        return;
      }
      pause(pause);
      pause = Math.min(pause * 2, 2000);
    }
  }

  /** The commit transaction, retried with jittered backoff while a concurrent commit aborts it. */
  private void transaction(ExportWindow window, TableId stage, List<LedgerEntry> entries, boolean replacing) {
    Map<String, QueryParameterValue> params = new LinkedHashMap<>();
    String script = script(window, stage, entries, replacing, params);
    for (int attempt = 1; ; attempt++) {
      observer.reached(CommitStep.BEFORE_TRANSACTION, window);
      try {
        Sql.query(bigquery, script, params, labels.of(replacing ? "replace" : "commit", window.start()),
            "committing " + window);
        return;
      } catch (ExportFailure e) {
        if (e.reason() != FailureReason.TransactionAborted || attempt >= TRANSACTION_ATTEMPTS) {
          throw e;
        }
        long ceiling = backoffMillis << Math.min(attempt - 1, 5);
        LOG.info("the commit of {} was aborted by a concurrent commit; retrying (attempt {})", window, attempt + 1);
        pause(ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1));
      }
    }
  }

  /**
   * BEGIN; take the lock; [Replace: delete the hours' rows of this source, by hour, NULL event_time included];
   * insert the staged rows of the hours to commit; write their ledger rows; COMMIT.
   */
  private String script(ExportWindow window, TableId stage, List<LedgerEntry> entries, boolean replacing,
      Map<String, QueryParameterValue> params) {
    params.put("table", QueryParameterValue.string(target.getTable()));
    params.put("source", QueryParameterValue.string(source));
    params.put("window_start", Sql.timestamp(window.start()));
    params.put("window_end", Sql.timestamp(window.end()));
    String hour = Sql.column(schema.hourColumn());
    String sourceColumn = Sql.column(EventSchema.SOURCE_COLUMN);
    List<String> names = schema.columns().stream().map(EventSchema.Column::name).toList();
    String columns = Sql.columns(names, "");
    String selected = String.join(", ", names.stream()
        .map(c -> c.equals(EventSchema.SOURCE_COLUMN) ? "@source AS " + sourceColumn : Sql.column(c)).toList());
    String inWindow = hour + " >= @window_start AND " + hour + " < @window_end";
    List<String> statements = new ArrayList<>();
    statements.add("BEGIN TRANSACTION");
    statements.add(lock.takeStatement());
    if (replacing) {
      // Only hours with rows are replaced: an hour whose files are missing from this answer keeps its rows, as a
      // one-hour Replace answered 404 would; it is only committed (empty) if it is missing.
      List<LedgerEntry> replaced = entries.stream().filter(e -> e.rowCount() > 0).toList();
      List<LedgerEntry> empty = entries.stream().filter(e -> e.rowCount() == 0).toList();
      List<String> replacedHours = new ArrayList<>();
      for (LedgerEntry e : replaced) {
        String name = "replaced_hour_" + replacedHours.size();
        params.put(name, Sql.timestamp(e.hour()));
        replacedHours.add("@" + name);
      }
      statements.add("DELETE FROM " + Sql.name(target) + " WHERE " + hour + " IN (" + String.join(", ",
          replacedHours) + ") AND (" + sourceColumn + " = @source OR " + sourceColumn + " IS NULL)");
      statements.add("INSERT INTO " + Sql.name(target) + " (" + columns + ") SELECT "
          + selected + " FROM " + Sql.name(stage) + " WHERE " + inWindow);
      statements.add(ledger.upsert(replaced, params));
      if (!empty.isEmpty()) {
        statements.add(ledger.insertMissing(empty, params));
      }
    } else {
      statements.add("INSERT INTO " + Sql.name(target) + " (" + columns + ") SELECT "
          + selected + " FROM " + Sql.name(stage) + " WHERE " + inWindow + " AND " + hour + " NOT IN (SELECT `hour`"
          + " FROM " + ledger.sqlName() + " WHERE " + Ledger.THIS_SOURCE + ")");
      statements.add(ledger.insertMissing(entries, params));
    }
    statements.add("COMMIT TRANSACTION");
    return String.join(";\n", statements) + ";";
  }

  /** Ledger rows of every hour of the window (0-row hours too), from the streamed statistics. */
  private List<LedgerEntry> entries(ExportWindow window, String commitId, WindowStats stats, Repair repair) {
    Instant now = clock.instant();
    List<LedgerEntry> entries = new ArrayList<>();
    for (Instant hour : window.hourList()) {
      WindowStats.Hour h = stats.hour(hour);
      Boolean verified = repair != null ? Boolean.TRUE : stats.withoutData(hour) ? Boolean.FALSE : null;
      entries.add(new LedgerEntry(target.getTable(), source, hour, window.start(), window.end(), h.rows(),
          h.bytes(), h.sourceFiles(), commitId, 1, now, exporterVersion, h.minEventTime(), h.maxEventTime(),
          verified, h.sourceLines(), repair == null ? null : repair.at(),
          repair == null ? null : repair.sourceLinesBefore(), filter));
    }
    return entries;
  }

  private void pause(long millis) {
    try {
      sleeper.sleep(Duration.ofMillis(millis));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while committing", e);
    }
  }
}
