package io.bqexport.bigquery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.DatasetId;
import com.google.cloud.bigquery.JobId;
import com.google.cloud.bigquery.QueryJobConfiguration;
import com.google.cloud.bigquery.TableId;
import io.bqexport.ExportWindow;
import io.bqexport.exporter.ExportFailure;
import io.bqexport.exporter.FailureReason;
import io.bqexport.testing.MutableClock;
import io.bqexport.testing.amplitude.AmplitudeEventGenerator;
import io.bqexport.testing.bigquery.BigQueryEmulator;
import io.bqexport.testing.bigquery.JobSummary;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The commit protocol of one Committer straight against the emulator (real client, real sockets), with the faults
 * that drive its failure paths: a load job that ends in error, a load job still running when the upload ends, a
 * transaction aborted by a concurrent one (once, and every time). Each test checks the invariants: the rows in the
 * table, the ledger rows, and no staging table left behind. Seconds a class, unlike the end-to-end crash tests.
 */
class CommitterTest {

  private static final String PROJECT = "acme-analytics";
  private static final String DATASET = "amplitude";
  private static final String SOURCE = "amplitude:default/product-events";
  private static final Instant H0 = Instant.parse("2026-11-28T00:00:00Z");
  private static final Instant H1 = H0.plus(Duration.ofHours(1));
  private static final ExportWindow HOURS_0_2 = new ExportWindow(H0, H0.plus(Duration.ofHours(2)));

  private final AmplitudeEventGenerator generator = new AmplitudeEventGenerator(7, 187520);
  private final MutableClock clock = new MutableClock(H0.plus(Duration.ofHours(30)));
  private final List<CommitStep> steps = new CopyOnWriteArrayList<>();
  private BigQueryEmulator emulator;
  private BigQuery bigquery;

  @BeforeEach
  void start() {
    emulator = BigQueryEmulator.start(clock);
    emulator.createDataset(PROJECT, DATASET);
    bigquery = emulator.client(PROJECT);
    new TableManager(bigquery, DatasetId.of(PROJECT, DATASET)).ensureTables("events");
  }

  @AfterEach
  void stop() {
    emulator.close();
  }

  private Committer committer() {
    return new Committer(bigquery, TableId.of(PROJECT, DATASET, "events"), SOURCE, JobLabels.NONE, "test",
        (step, window) -> steps.add(step), clock).withBackoff(1);
  }

  /** Events [from, to) of each hour, mapped as the exporter maps them; an hour absent from the map has none. */
  private RowWriter events(ExportWindow window, Map<Instant, long[]> perHour) {
    return out -> {
      WindowStats stats = new WindowStats();
      EventMapper mapper = new EventMapper();
      for (Map.Entry<Instant, long[]> hour : perHour.entrySet()) {
        for (Iterator<String> lines = generator.lines(hour.getKey(), hour.getValue()[0], hour.getValue()[1]);
            lines.hasNext(); ) {
          MappedEvent event;
          try {
            event = mapper.map(lines.next(), window);
          } catch (MalformedEventException e) {
            throw new AssertionError(e);
          }
          out.write(event.row());
          out.write('\n');
          stats.add(event, event.row().length + 1, "file-" + hour.getKey());
          stats.addSourceLine(event.hour());
        }
      }
      return stats;
    };
  }

  private Set<String> uuids(Instant hour, long from, long to) {
    Set<String> uuids = new TreeSet<>();
    LongStream.range(from, to).forEach(i -> uuids.add(generator.uuid(hour, i)));
    return uuids;
  }

  private Set<String> uuidsInTable() {
    Set<String> uuids = new TreeSet<>();
    emulator.query(PROJECT, "SELECT uuid FROM `" + PROJECT + "." + DATASET + ".events`")
        .forEach(row -> uuids.add((String) row.get("uuid")));
    return uuids;
  }

  private long rowsInTable() {
    return emulator.rowCount(PROJECT, DATASET, "events");
  }

  /** The ledger as "hour rows generation verified", one string per row, by hour. */
  private List<String> ledger() {
    List<String> rows = new ArrayList<>();
    emulator.query(PROJECT, "SELECT hour, row_count, generation, verified, source FROM `" + PROJECT + "." + DATASET
        + "._bqexport_ledger` ORDER BY hour").forEach(r -> {
          assertThat(r.get("source")).isEqualTo(SOURCE);
          rows.add(r.get("hour") + " " + r.get("row_count") + " " + r.get("generation") + " " + r.get("verified"));
        });
    return rows;
  }

  /** A ledger row of an hour committed from an answer with data, not re-checked yet: verified is NULL. */
  private static String ledgerRow(Instant hour, long rows, long generation) {
    return ledgerRow(hour, rows, generation, null);
  }

  private static String ledgerRow(Instant hour, long rows, long generation, Boolean verified) {
    return hour + " " + rows + " " + generation + " " + verified;
  }

  /** The bqexport-step label of every query job: a commit's transaction is "commit", a Replace's "replace". */
  private List<String> querySteps() {
    return emulator.jobs().stream().filter(j -> j.type().equals("QUERY"))
        .map(j -> bigquery.getJob(JobId.of(PROJECT, j.jobId())).getConfiguration())
        .map(c -> ((QueryJobConfiguration) c).getLabels().get("bqexport-step")).toList();
  }

  private List<String> stagingTables() {
    List<String> names = new ArrayList<>();
    bigquery.listTables(DatasetId.of(PROJECT, DATASET)).iterateAll()
        .forEach(t -> names.add(t.getTableId().getTable()));
    return names.stream().filter(n -> n.startsWith("_bqexport_stage_")).toList();
  }

  private List<JobSummary> abortedCommits() {
    return emulator.jobs().stream().filter(j -> j.errorMessage() != null
        && j.errorMessage().contains("Transaction is aborted due to concurrent update")).toList();
  }

  @Test
  void aFillGapsCommitWritesTheRowsAndOneLedgerRowPerHourAndDropsItsStagingTable() {
    CommitResult result = committer().commit(HOURS_0_2, events(HOURS_0_2, Map.of(H0, new long[] {0, 7})), false);

    assertThat(uuidsInTable()).isEqualTo(uuids(H0, 0, 7));
    assertThat(rowsInTable()).isEqualTo(7);
    assertThat(ledger()).containsExactly(ledgerRow(H0, 7, 1), ledgerRow(H1, 0, 1));
    assertThat(result.replaced()).isFalse();
    assertThat(result.entries()).extracting(LedgerEntry::hour, LedgerEntry::rowCount)
        .containsExactly(tuple(H0, 7L), tuple(H1, 0L));
    assertThat(result.entries()).allSatisfy(e -> assertThat(e.jobId()).isEqualTo(result.jobId()));
    assertThat(stagingTables()).as("the staging table is dropped after the commit").isEmpty();
    assertThat(steps).containsExactly(CommitStep.BEFORE_LOAD, CommitStep.AFTER_LOAD,
        CommitStep.BEFORE_TRANSACTION, CommitStep.AFTER_TRANSACTION);
    assertThat(querySteps()).contains("commit").doesNotContain("replace");
  }

  @Test
  void aCommittedHoursLedgerRowCarriesItsRowsEventTimeRangeSourceFilesAndBytes() {
    // Hour 0's ten events come from two files (even and odd events); hour 1 has none. The range is what a later
    // Replace's DELETE prunes partitions by, so it must be the range of the rows the table really holds.
    long[] bytes = new long[1];
    RowWriter twoFiles = out -> {
      WindowStats stats = new WindowStats();
      EventMapper mapper = new EventMapper();
      Iterator<String> lines = generator.lines(H0, 0, 10);
      for (int i = 0; lines.hasNext(); i++) {
        MappedEvent event;
        try {
          event = mapper.map(lines.next(), HOURS_0_2);
        } catch (MalformedEventException e) {
          throw new AssertionError(e);
        }
        out.write(event.row());
        out.write('\n');
        bytes[0] += event.row().length + 1;
        stats.add(event, event.row().length + 1, "part-" + i % 2 + ".json.gz");
        stats.addSourceLine(event.hour());
      }
      return stats;
    };

    committer().commit(HOURS_0_2, twoFiles, false);

    Map<String, Object> inTable = emulator.query(PROJECT, "SELECT MIN(event_time) AS lo, MAX(event_time) AS hi FROM `"
        + PROJECT + "." + DATASET + ".events`").get(0);
    assertThat(inTable.get("lo")).as("the generator's events are not all at one instant")
        .isNotEqualTo(inTable.get("hi"));
    List<Map<String, Object>> ledger = emulator.query(PROJECT, "SELECT hour, min_event_time, max_event_time,"
        + " source_files, byte_count FROM `" + PROJECT + "." + DATASET + "._bqexport_ledger` ORDER BY hour");
    assertThat(ledger).hasSize(2);
    assertThat(ledger.get(0).get("min_event_time")).isEqualTo(inTable.get("lo"));
    assertThat(ledger.get(0).get("max_event_time")).isEqualTo(inTable.get("hi"));
    assertThat(ledger.get(0).get("source_files")).isEqualTo(2L);
    assertThat(ledger.get(0).get("byte_count")).as("the NDJSON bytes uploaded, newlines included")
        .isEqualTo(bytes[0]);
    assertThat(ledger.get(1)).as("an hour without rows has no range, files or bytes")
        .containsEntry("min_event_time", null).containsEntry("max_event_time", null)
        .containsEntry("source_files", 0L).containsEntry("byte_count", 0L);
  }

  /**
   * NDJSON of exactly one 256 KiB upload chunk: the client flushes the whole chunk and its close() then sends
   * nothing, so without care the upload is never completed, no load job exists, and the transaction would commit
   * the hour's ledger row (2,048 rows) over an empty staging table.
   */
  @Test
  void aWindowWhoseRowsAreExactlyOneUploadChunkCommitsEveryRow() {
    int rowBytes = 128;
    int rows = 256 * 1024 / rowBytes;
    RowWriter exactlyOneChunk = out -> {
      WindowStats stats = new WindowStats();
      for (int i = 0; i < rows; i++) {
        String start = "{\"uuid\":\"" + String.format("u%06d", i) + "\",\"bqexport_hour\":\""
            + EventMapper.OUTPUT_TIME.format(H0) + "\",\"event_type\":\"";
        byte[] row = (start + "x".repeat(rowBytes - start.length() - 3) + "\"}").getBytes(StandardCharsets.UTF_8);
        out.write(row);
        out.write('\n');
        assertThat(row.length + 1).isEqualTo(rowBytes);
        stats.add(new MappedEvent(row, H0, null, Set.of(), 0, 0), rowBytes, "file");
      }
      return stats;
    };

    committer().withChunkSize(256 * 1024).commit(HOURS_0_2, exactlyOneChunk, false);

    assertThat(emulator.jobs()).filteredOn(j -> j.type().equals("LOAD")).as("the upload created its load job")
        .hasSize(1);
    assertThat(rowsInTable()).isEqualTo(rows);
    assertThat(ledger()).containsExactly(ledgerRow(H0, rows, 1), ledgerRow(H1, 0, 1));
  }

  @Test
  void committingCommittedHoursAgainWritesNothing() {
    committer().commit(HOURS_0_2, events(HOURS_0_2, Map.of(H0, new long[] {0, 5}, H1, new long[] {0, 3})), false);

    CommitResult again = committer().commit(HOURS_0_2,
        events(HOURS_0_2, Map.of(H0, new long[] {0, 5}, H1, new long[] {0, 3})), false);

    assertThat(again.entries()).as("the hours were committed before: this commit wrote no ledger row").isEmpty();
    assertThat(rowsInTable()).isEqualTo(8);
    assertThat(uuidsInTable()).hasSize(8);
    assertThat(ledger()).containsExactly(ledgerRow(H0, 5, 1), ledgerRow(H1, 3, 1));
  }

  @Test
  void aLoadJobThatEndsInErrorCommitsNothingAndLeavesNoStagingTable() {
    RowWriter rowsWithAnUnknownColumn = out -> {
      WindowStats stats = events(HOURS_0_2, Map.of(H0, new long[] {0, 3})).writeRows(out);
      out.write("{\"uuid\": \"x\", \"no_such_column\": 1}\n".getBytes(StandardCharsets.UTF_8));
      return stats;
    };

    assertThatThrownBy(() -> committer().commit(HOURS_0_2, rowsWithAnUnknownColumn, false))
        .isInstanceOfSatisfying(ExportFailure.class,
            e -> assertThat(e.reason()).isEqualTo(FailureReason.LoadRejected))
        .hasMessageContaining("No such field: no_such_column");

    assertThat(emulator.jobs()).filteredOn(j -> j.type().equals("LOAD"))
        .singleElement().satisfies(j -> assertThat(j.state()).isEqualTo("DONE"));
    assertThat(rowsInTable()).isZero();
    assertThat(ledger()).isEmpty();
    assertThat(stagingTables()).as("a failed commit drops its staging table too").isEmpty();
    assertThat(steps).containsExactly(CommitStep.BEFORE_LOAD);
  }

  @Test
  void theTransactionWaitsForALoadJobStillRunningAfterTheUpload() {
    emulator.faults().jobsRunFor(Duration.ofMillis(500));

    committer().commit(HOURS_0_2, events(HOURS_0_2, Map.of(H0, new long[] {0, 6})), false);

    assertThat(uuidsInTable()).as("the transaction read the staging table after the load was DONE")
        .isEqualTo(uuids(H0, 0, 6));
    assertThat(ledger()).containsExactly(ledgerRow(H0, 6, 1), ledgerRow(H1, 0, 1));
  }

  @Test
  void aRunningLoadJobIsPolledWithPausesDoublingFrom50MsUpTo2s() {
    List<Duration> pauses = new CopyOnWriteArrayList<>();
    emulator.faults().reportRunning("bqexport_[0-9a-f]+", 7); // the load job's id is the commit id

    committer().withSleeper(pauses::add).commit(HOURS_0_2, events(HOURS_0_2, Map.of(H0, new long[] {0, 3})), false);

    assertThat(uuidsInTable()).isEqualTo(uuids(H0, 0, 3));
    assertThat(pauses).extracting(Duration::toMillis).startsWith(50L, 100L, 200L, 400L, 800L, 1600L, 2000L)
        .as("then at most 2 s apart").allMatch(ms -> ms <= 2000);
  }

  @Test
  void aCommitInterruptedWhileItWaitsDropsItsStagingTableAndKeepsTheInterrupt() {
    emulator.faults().reportRunning("bqexport_[0-9a-f]+", 3);
    Committer interrupted = committer().withSleeper(d -> {
      throw new InterruptedException("stopping");
    });
    try {
      assertThatThrownBy(() -> interrupted.commit(HOURS_0_2, events(HOURS_0_2, Map.of(H0, new long[] {0, 3})), false))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("interrupted while committing");
      assertThat(Thread.currentThread().isInterrupted()).as("the caller sees the interrupt").isTrue();
    } finally {
      Thread.interrupted();
    }
    assertThat(stagingTables()).as("dropped although the thread was interrupted").isEmpty();
    assertThat(rowsInTable()).isZero();
    assertThat(ledger()).isEmpty();
  }

  @Test
  void aReplaceSwapsTheRowsOfHoursWithRowsAndKeepsAnHourTheNewAnswerHasNone() {
    committer().commit(HOURS_0_2, events(HOURS_0_2, Map.of(H0, new long[] {0, 4}, H1, new long[] {0, 3})), false);

    CommitResult replaced = committer().commit(HOURS_0_2, events(HOURS_0_2, Map.of(H0, new long[] {10, 12})),
        true);

    assertThat(replaced.replaced()).isTrue();
    Set<String> expected = new TreeSet<>(uuids(H0, 10, 12));
    expected.addAll(uuids(H1, 0, 3));
    assertThat(uuidsInTable()).as("hour 0 replaced, hour 1 (no rows in the new answer) kept").isEqualTo(expected);
    assertThat(rowsInTable()).isEqualTo(5);
    assertThat(ledger()).containsExactly(ledgerRow(H0, 2, 2), ledgerRow(H1, 3, 1));
  }

  @Test
  void aReplaceOfHoursNeverCommittedAlsoRecordsTheEmptyOnes() {
    CommitResult result = committer().commit(HOURS_0_2, events(HOURS_0_2, Map.of(H0, new long[] {0, 4})), true);

    assertThat(result.replaced()).isTrue();
    assertThat(uuidsInTable()).isEqualTo(uuids(H0, 0, 4));
    assertThat(ledger()).as("the empty hour is committed as missing, with 0 rows")
        .containsExactly(ledgerRow(H0, 4, 1), ledgerRow(H1, 0, 1));
    assertThat(querySteps()).contains("replace").doesNotContain("commit");
  }

  @Test
  void anAnswerWithoutDataIsCommittedUnverifiedAndARepairRecordsItsHoursAsVerified() {
    RowWriter sourceNotFound = out -> {
      WindowStats stats = new WindowStats();
      stats.markSourceNotFound(); // the source answered 404 for the window
      return stats;
    };
    committer().commit(HOURS_0_2, sourceNotFound, false);

    assertThat(ledger()).containsExactly(ledgerRow(H0, 0, 1, false), ledgerRow(H1, 0, 1, false));

    Instant recheckedAt = clock.instant();
    committer().commit(HOURS_0_2, events(HOURS_0_2, Map.of(H0, new long[] {0, 4})), true,
        new Committer.Repair(recheckedAt, 0));

    assertThat(uuidsInTable()).isEqualTo(uuids(H0, 0, 4));
    assertThat(ledger()).as("the repaired hour is verified; the hour still without rows keeps its row")
        .containsExactly(ledgerRow(H0, 4, 2, true), ledgerRow(H1, 0, 1, false));
    assertThat(emulator.query(PROJECT, "SELECT verified_at, source_lines, source_lines_before_repair FROM `"
        + PROJECT + "." + DATASET + "._bqexport_ledger` WHERE hour = TIMESTAMP '" + H0 + "'"))
        .singleElement().satisfies(r -> {
          assertThat(String.valueOf(r.get("verified_at"))).isEqualTo(recheckedAt.toString());
          assertThat(r.get("source_lines")).isEqualTo(4L);
          assertThat(r.get("source_lines_before_repair")).isEqualTo(0L);
        });
  }

  @Test
  void aReplaceBySourceRemovesOnlyItsOwnRowsAndLedgerRowsOfTheHourAnotherSourceSharesTheTableWith() {
    // README: two exports (two Amplitude projects) into one table each have their own hours; a Replace deletes only
    // its own source's rows. Until now only ExactlyOnceMatrixTest (minutes, in no mutation list) held this.
    String other = "amplitude:default/second-project";
    Committer second = new Committer(bigquery, TableId.of(PROJECT, DATASET, "events"), other, JobLabels.NONE, "test",
        (step, window) -> { }, clock).withBackoff(1);
    ExportWindow hour = ExportWindow.ofHour(H0);
    committer().commit(hour, events(hour, Map.of(H0, new long[] {0, 4})), false);
    second.commit(hour, events(hour, Map.of(H0, new long[] {100, 103})), false);

    second.commit(hour, events(hour, Map.of(H0, new long[] {200, 202})), true);

    Set<String> expected = new TreeSet<>(uuids(H0, 0, 4));
    expected.addAll(uuids(H0, 200, 202));
    assertThat(uuidsInTable()).as("the first source's 4 rows kept, the second's 3 replaced by 2").isEqualTo(expected);
    List<String> ledger = new ArrayList<>();
    emulator.query(PROJECT, "SELECT source, row_count, generation FROM `" + PROJECT + "." + DATASET
        + "._bqexport_ledger` ORDER BY source").forEach(r -> ledger.add(r.get("source") + " " + r.get("row_count")
            + " " + r.get("generation")));
    assertThat(ledger).containsExactly(SOURCE + " 4 1", other + " 2 2");
  }

  @Test
  void aVerificationOfAnOlderGenerationLeavesAnHourReplacedMeanwhileUnverifiedWithItsOwnCounts() {
    // The integrity re-check counted generation 1 at the source; before it records that, a Replace (a backfill)
    // commits generation 2 with other rows. Recording "verified, 4 lines" on generation 2 would vouch for rows the
    // count never saw, and the re-check would never look at that hour again.
    committer().commit(ExportWindow.ofHour(H0), events(ExportWindow.ofHour(H0), Map.of(H0, new long[] {0, 4})),
        false);
    committer().commit(ExportWindow.ofHour(H0), events(ExportWindow.ofHour(H0), Map.of(H0, new long[] {10, 12})),
        true);

    new Ledger(bigquery, DatasetId.of(PROJECT, DATASET)).recordVerified("events", SOURCE, H0, 1, 4,
        clock.instant());

    assertThat(ledger()).containsExactly(ledgerRow(H0, 2, 2));
    assertThat(emulator.query(PROJECT, "SELECT verified_at, source_lines FROM `" + PROJECT + "." + DATASET
        + "._bqexport_ledger`")).singleElement().satisfies(r -> {
          assertThat(r.get("verified_at")).isNull();
          assertThat(r.get("source_lines")).as("the Replace's own count").isEqualTo(2L);
        });
  }

  @Test
  void aReplaceWhoseAnswerHasNoRowsAtAllReplacesNothing() {
    committer().commit(ExportWindow.ofHour(H0), events(ExportWindow.ofHour(H0), Map.of(H0, new long[] {0, 4})),
        false);

    CommitResult result = committer().commit(HOURS_0_2, events(HOURS_0_2, Map.of()), true);

    assertThat(result.replaced()).as("no hour had rows: a commit of the missing hours, not a Replace").isFalse();
    assertThat(uuidsInTable()).isEqualTo(uuids(H0, 0, 4));
    assertThat(ledger()).containsExactly(ledgerRow(H0, 4, 1), ledgerRow(H1, 0, 1));
  }

  /**
   * Another transaction that has taken the commit lock and holds it, as a concurrent exporter mid-commit: the
   * committer's UPDATE of the lock row is then aborted ("Transaction is aborted due to concurrent update"), as in
   * BigQuery.
   */
  private final class LockHolder {
    private final CountDownLatch release = new CountDownLatch(1);
    private final CompletableFuture<Void> transaction;

    LockHolder() {
      CountDownLatch held = new CountDownLatch(1);
      AtomicBoolean first = new AtomicBoolean(true);
      emulator.faults().onStatement("^UPDATE .*_bqexport_lock", statement -> {
        if (first.compareAndSet(true, false)) {
          held.countDown();
          await(release);
        }
      });
      transaction = CompletableFuture.runAsync(() -> {
        try {
          bigquery.query(QueryJobConfiguration.of("BEGIN TRANSACTION;\nUPDATE `" + PROJECT + "." + DATASET
              + "._bqexport_lock` SET `commits` = `commits` + 1 WHERE `table_name` = 'events';\n"
              + "COMMIT TRANSACTION;"));
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      });
      await(held);
    }

    void release() {
      release.countDown();
      transaction.join();
    }
  }

  /**
   * A committer whose transaction attempts are counted and whose pauses are recorded, not slept (first backoff
   * 100 ms); the holder lets go before attempt {@code releaseAt}.
   */
  private Committer committerReleasingAt(LockHolder holder, int releaseAt, List<Integer> attempts,
      List<Duration> pauses) {
    return committerReleasingAt(holder, releaseAt, attempts, pauses, 100);
  }

  private Committer committerReleasingAt(LockHolder holder, int releaseAt, List<Integer> attempts,
      List<Duration> pauses, long firstBackoff) {
    return new Committer(bigquery, TableId.of(PROJECT, DATASET, "events"), SOURCE, JobLabels.NONE, "test",
        (step, window) -> {
          steps.add(step);
          if (step == CommitStep.BEFORE_TRANSACTION) {
            attempts.add(attempts.size() + 1);
            if (attempts.size() == 1) {
              pauses.clear(); // those were the load job's polls
            }
            if (attempts.size() == releaseAt) {
              holder.release();
            }
          }
        }, clock).withBackoff(firstBackoff).withSleeper(pauses::add);
  }

  /** Pause k (k = 1, 2, ...) after an aborted attempt: jittered within [c/2, c], c = 100 ms doubled up to 32 times. */
  private static void assertAbortBackoff(List<Duration> pauses) {
    assertAbortBackoff(pauses, 100);
  }

  private static void assertAbortBackoff(List<Duration> pauses, long firstBackoff) {
    for (int k = 1; k <= pauses.size(); k++) {
      long ceiling = firstBackoff << Math.min(k - 1, 5);
      assertThat(pauses.get(k - 1).toMillis()).as("pause %d", k).isBetween(ceiling / 2, ceiling);
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      assertThat(latch.await(2, TimeUnit.MINUTES)).as("latch released within 2 minutes").isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aTransactionAbortedByAConcurrentCommitIsRetriedAndCommitsOnce() {
    List<Integer> attempts = new CopyOnWriteArrayList<>();
    List<Duration> pauses = new CopyOnWriteArrayList<>();
    LockHolder holder = new LockHolder();

    CommitResult result = committerReleasingAt(holder, 2, attempts, pauses).commit(HOURS_0_2,
        events(HOURS_0_2, Map.of(H0, new long[] {0, 5})), false);

    assertThat(attempts).as("aborted once, committed by the second attempt").containsExactly(1, 2);
    assertThat(pauses).hasSize(1);
    assertAbortBackoff(pauses);
    assertThat(abortedCommits()).hasSize(1);
    assertThat(result.entries()).hasSize(2);
    assertThat(uuidsInTable()).isEqualTo(uuids(H0, 0, 5));
    assertThat(ledger()).containsExactly(ledgerRow(H0, 5, 1), ledgerRow(H1, 0, 1));
    assertThat(stagingTables()).isEmpty();
  }

  @Test
  void theSmallestBackoffStillPausesWithinItsJitterRange() {
    // A ceiling of 1 ms leaves a jitter range of [0, 1] ms: half the ceiling plus a draw below half of it plus one.
    List<Integer> attempts = new CopyOnWriteArrayList<>();
    List<Duration> pauses = new CopyOnWriteArrayList<>();
    LockHolder holder = new LockHolder();

    committerReleasingAt(holder, 3, attempts, pauses, 1).commit(HOURS_0_2,
        events(HOURS_0_2, Map.of(H0, new long[] {0, 5})), false);

    assertThat(attempts).containsExactly(1, 2, 3);
    assertThat(pauses).hasSize(2);
    assertAbortBackoff(pauses, 1);
    assertThat(uuidsInTable()).isEqualTo(uuids(H0, 0, 5));
  }

  @Test
  void aTransactionAbortedEveryTimeGivesUpAfterTenAttemptsHavingCommittedNothing() {
    List<Integer> attempts = new CopyOnWriteArrayList<>();
    List<Duration> pauses = new CopyOnWriteArrayList<>();
    LockHolder holder = new LockHolder();
    try {
      assertThatThrownBy(() -> committerReleasingAt(holder, 0, attempts, pauses).commit(HOURS_0_2,
          events(HOURS_0_2, Map.of(H0, new long[] {0, 5})), false))
          .isInstanceOfSatisfying(ExportFailure.class,
              e -> assertThat(e.reason()).isEqualTo(FailureReason.TransactionAborted));
    } finally {
      holder.release();
    }

    assertThat(attempts).hasSize(10);
    assertThat(pauses).as("a pause between attempts, none after the last").hasSize(9);
    assertAbortBackoff(pauses);
    assertThat(abortedCommits()).hasSize(10);
    assertThat(rowsInTable()).isZero();
    assertThat(ledger()).isEmpty();
    assertThat(stagingTables()).isEmpty();
  }

  @Test
  void aTransactionThatFailsForAnotherReasonIsNotRetried() {
    // The commit's INSERT ... SELECT reads a staging table that is gone: notFound, a failure the exporter retries
    // by committing the window again (ExportRun), not an abort this transaction loop retries.
    Committer committer = new Committer(bigquery, TableId.of(PROJECT, DATASET, "events"), SOURCE, JobLabels.NONE,
        "test", (step, window) -> {
          steps.add(step);
          if (step == CommitStep.BEFORE_TRANSACTION) {
            stagingTables().forEach(t -> bigquery.delete(TableId.of(PROJECT, DATASET, t)));
          }
        }, clock).withBackoff(1);

    assertThatThrownBy(() -> committer.commit(HOURS_0_2, events(HOURS_0_2, Map.of(H0, new long[] {0, 5})), false))
        .isInstanceOfSatisfying(ExportFailure.class,
            e -> assertThat(e.reason()).isEqualTo(FailureReason.DestinationUnavailable))
        .hasMessageContaining("Not found: Table");

    assertThat(steps).containsExactly(CommitStep.BEFORE_LOAD, CommitStep.AFTER_LOAD,
        CommitStep.BEFORE_TRANSACTION);
    assertThat(rowsInTable()).isZero();
    assertThat(ledger()).isEmpty();
  }
}
