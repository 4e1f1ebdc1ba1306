package io.bqexport.testing.bigquery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.QueryJobConfiguration;
import com.google.cloud.bigquery.TableResult;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Concurrency as BigQuery documents it, through the real client with transactions held open mid-way by statement
 * hooks (no sleeps):
 * <ul>
 *   <li>https://cloud.google.com/bigquery/docs/transactions#transaction_concurrency: "If a transaction mutates
 *       (updates or deletes) rows in a table, then other transactions or DML statements that mutate rows in the
 *       same table cannot run concurrently. Conflicting transactions are cancelled. Conflicting DML statements that
 *       run outside of a transaction are queued to run later, subject to queuing limits."; transactions "support
 *       snapshot isolation".</li>
 *   <li>https://cloud.google.com/bigquery/docs/data-manipulation-language#update_delete_merge_dml_concurrency:
 *       mutating DML runs 2 at a time per table with up to 20 PENDING; beyond that "Resources exceeded during
 *       query execution: Too many DML statements outstanding against table PROJECT:DATASET.TABLE, limit is 20".</li>
 *   <li>The abort's wording, "Transaction is aborted due to concurrent update against table p:d.t. Transaction ID:
 *       ...", as BigQuery answers it (quoted in github.com/estuary/connectors/issues/111 and
 *       github.com/dlt-hub/dlt/issues/2892).</li>
 * </ul>
 */
class ConcurrencyContractTest {
  private static final String PROJECT = "acme-analytics";
  private static final String BUMP_LOCK = "UPDATE d.commit_lock SET n = n + 1 WHERE table_name = 'events'";
  private static final Duration PATIENCE = Duration.ofMinutes(2);

  private BigQueryEmulator emulator;
  private BigQuery bigquery;
  private final ExecutorService background = Executors.newCachedThreadPool();

  @BeforeEach
  void start() throws Exception {
    emulator = BigQueryEmulator.start();
    bigquery = emulator.client(PROJECT);
    emulator.createDataset(PROJECT, "d");
    run("CREATE TABLE d.commit_lock (table_name STRING, n INT64)");
    run("INSERT INTO d.commit_lock (table_name, n) VALUES ('events', 0)");
    run("CREATE TABLE d.ledger (hour TIMESTAMP, source STRING)");
  }

  @AfterEach
  void stop() {
    background.shutdownNow();
    emulator.close();
  }

  private TableResult run(String sql) throws InterruptedException {
    return bigquery.query(QueryJobConfiguration.newBuilder(sql).build());
  }

  private long lockCount() throws InterruptedException {
    return run("SELECT n FROM d.commit_lock").iterateAll().iterator().next().get(0).getLongValue();
  }

  /** Holds the first script that runs a matching statement right after it, until released. */
  private CountDownLatch holdFirst(String statementRegex, CountDownLatch reached) {
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean first = new AtomicBoolean(true);
    emulator.faults().onStatement(statementRegex, statement -> {
      if (first.compareAndSet(true, false)) {
        reached.countDown();
        try {
          release.await(2, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    });
    return release;
  }

  /** A transaction that has bumped the lock row and waits, its table claimed, until released. */
  private record HeldTransaction(CountDownLatch release, Future<TableResult> result) {}

  private HeldTransaction holdTransactionAfterItsUpdate() throws InterruptedException {
    CountDownLatch updated = new CountDownLatch(1);
    CountDownLatch release = holdFirst("^UPDATE", updated);
    Future<TableResult> result = background.submit(() -> run(transaction(BUMP_LOCK)));
    assertThat(updated.await(2, TimeUnit.MINUTES)).isTrue();
    return new HeldTransaction(release, result);
  }

  private static String transaction(String... statements) {
    return "BEGIN TRANSACTION;\n" + String.join(";\n", statements) + ";\nCOMMIT TRANSACTION;";
  }

  @Test
  void aTransactionMutatingATableAnotherTransactionMutatesIsAborted() throws Exception {
    HeldTransaction first = holdTransactionAfterItsUpdate();

    assertThatThrownBy(() -> run(transaction(BUMP_LOCK)))
        .isInstanceOf(BigQueryException.class)
        .hasMessageContaining("Transaction is aborted due to concurrent update against table "
            + "acme-analytics:d.commit_lock. Transaction ID: ");

    first.release().countDown();
    first.result().get(2, TimeUnit.MINUTES);
    assertThat(lockCount()).as("the first transaction committed, the aborted one changed nothing").isEqualTo(1);
  }

  @Test
  void aTransactionWhoseSnapshotMissedACommittedMutationIsAbortedWhenItMutates() throws Exception {
    CountDownLatch read = new CountDownLatch(1);
    CountDownLatch release = holdFirst("^SELECT", read);
    Future<TableResult> stale = background.submit(() -> run(transaction(
        "SELECT n FROM d.commit_lock", BUMP_LOCK)));
    assertThat(read.await(2, TimeUnit.MINUTES)).isTrue();

    run(BUMP_LOCK); // commits while the transaction's snapshot still shows n = 0
    release.countDown();

    assertThatThrownBy(() -> stale.get(2, TimeUnit.MINUTES))
        .hasCauseInstanceOf(BigQueryException.class)
        .hasMessageContaining("Transaction is aborted due to concurrent update against table "
            + "acme-analytics:d.commit_lock");
    assertThat(lockCount()).isEqualTo(1);
  }

  @Test
  void concurrentInsertsDoNotConflictSoTwoTransactionsCanBothInsertAMissingHour() throws Exception {
    // Both read "hour missing" before either inserts: snapshot isolation lets both commit (write skew).
    CyclicBarrier bothRead = new CyclicBarrier(2);
    emulator.faults().onStatement("^SELECT", statement -> {
      try {
        bothRead.await(2, TimeUnit.MINUTES);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    String checkThenInsert = transaction(
        "SELECT COUNT(*) FROM d.ledger WHERE hour = TIMESTAMP '2026-11-01 10:00:00'",
        "INSERT INTO d.ledger (hour, source) VALUES (TIMESTAMP '2026-11-01 10:00:00', 'run')");
    Future<TableResult> a = background.submit(() -> run(checkThenInsert));
    Future<TableResult> b = background.submit(() -> run(checkThenInsert));
    a.get(2, TimeUnit.MINUTES);
    b.get(2, TimeUnit.MINUTES);
    emulator.faults().clear();

    assertThat(run("SELECT COUNT(*) FROM d.ledger").iterateAll().iterator().next().get(0).getLongValue())
        .as("both transactions committed the same hour").isEqualTo(2);
  }

  @Test
  void queriesRunWhileATransactionIsOpen() throws Exception {
    HeldTransaction open = holdTransactionAfterItsUpdate();

    assertThat(lockCount()).as("a reader sees the last committed state, not the open transaction's").isZero();
    run("INSERT INTO d.ledger (hour, source) VALUES (TIMESTAMP '2026-11-01 10:00:00', 'other')");

    open.release().countDown();
    open.result().get(2, TimeUnit.MINUTES);
    assertThat(lockCount()).isEqualTo(1);
  }

  @Test
  void mutatingDmlOutsideATransactionWaitsForTheTransactionInsteadOfFailing() throws Exception {
    HeldTransaction open = holdTransactionAfterItsUpdate();

    Future<TableResult> queued = background.submit(() -> run(BUMP_LOCK));
    await().atMost(PATIENCE).until(() -> emulator.outstandingMutatingDml(PROJECT, "d", "commit_lock") == 1);
    assertThat(queued).isNotDone();

    open.release().countDown();
    open.result().get(2, TimeUnit.MINUTES);
    queued.get(2, TimeUnit.MINUTES);
    assertThat(lockCount()).isEqualTo(2);
  }

  @Test
  void mutatingDmlBeyondTheTablesQueueFailsWithResourcesExceeded() throws Exception {
    emulator.limits().mutatingDmlQueue(1, 1); // BigQuery: 2 running + 20 pending; lowered to reach it cheaply
    HeldTransaction open = holdTransactionAfterItsUpdate();
    Future<TableResult> second = background.submit(() -> run(BUMP_LOCK));
    Future<TableResult> third = background.submit(() -> run(BUMP_LOCK));
    await().atMost(PATIENCE).until(() -> emulator.outstandingMutatingDml(PROJECT, "d", "commit_lock") == 2);

    assertThatThrownBy(() -> run(BUMP_LOCK))
        .isInstanceOf(BigQueryException.class)
        .hasMessage("Resources exceeded during query execution: Too many DML statements outstanding against "
            + "table acme-analytics:d.commit_lock, limit is 1")
        .extracting(e -> ((BigQueryException) e).getReason()).isEqualTo("resourcesExceeded");

    open.release().countDown();
    open.result().get(2, TimeUnit.MINUTES);
    second.get(2, TimeUnit.MINUTES);
    third.get(2, TimeUnit.MINUTES);
    assertThat(lockCount()).isEqualTo(3);
  }

  private long count(String sql) throws InterruptedException {
    return run(sql).iterateAll().iterator().next().get(0).getLongValue();
  }

  // Edge cases the exactly-once commit relies on (https://cloud.google.com/bigquery/docs/transactions): a query that
  // fails or ends without COMMIT rolls back its transaction; INSERT never conflicts; table names are case-sensitive
  // ("Tables", naming), so a case variant of the lock table is not the lock table.

  @Test
  void aFailedStatementMidTransactionRollsBackEverythingAndReleasesTheLock() throws Exception {
    assertThatThrownBy(() -> run("BEGIN TRANSACTION; " + BUMP_LOCK + "; INSERT INTO d.ledger (hour, source) "
        + "VALUES (TIMESTAMP '2026-11-01 10:00:00', 'x'); SELECT CAST(table_name AS INT64) FROM d.commit_lock; "
        + "COMMIT TRANSACTION;"))
        .isInstanceOfSatisfying(BigQueryException.class, e -> assertThat(e.getMessage()).isEqualTo("Bad int64 value: events"));
    assertThat(count("SELECT n FROM d.commit_lock")).isZero();
    assertThat(count("SELECT COUNT(*) FROM d.ledger")).isZero();
    run("BEGIN TRANSACTION; " + BUMP_LOCK + "; COMMIT TRANSACTION;");
    assertThat(count("SELECT n FROM d.commit_lock")).isEqualTo(1);
  }

  @Test
  void aTransactionLeftOpenIsRolledBackAndReleasesTheLock() throws Exception {
    assertThatThrownBy(() -> run("BEGIN TRANSACTION; " + BUMP_LOCK + ";"))
        .isInstanceOfSatisfying(BigQueryException.class, e -> assertThat(e.getReason()).isEqualTo("invalidQuery"));
    assertThat(count("SELECT n FROM d.commit_lock")).isZero();
    run("BEGIN TRANSACTION; " + BUMP_LOCK + "; COMMIT TRANSACTION;");
    assertThat(count("SELECT n FROM d.commit_lock")).isEqualTo(1);
  }

  @Test
  void anInsertOnlyTransactionRacingADeleteBothCommitAndTheInsertSurvives() throws Exception {
    run("INSERT INTO d.ledger (hour, source) VALUES (TIMESTAMP '2026-11-01 09:00:00', 'old')");
    CountDownLatch deleted = new CountDownLatch(1);
    CountDownLatch release = holdFirst("^DELETE", deleted);
    Future<TableResult> delete = background.submit(() -> run(
        "BEGIN TRANSACTION; DELETE FROM d.ledger WHERE TRUE; COMMIT TRANSACTION;"));
    assertThat(deleted.await(2, TimeUnit.MINUTES)).isTrue();
    run("BEGIN TRANSACTION; INSERT INTO d.ledger (hour, source) VALUES (TIMESTAMP '2026-11-01 10:00:00', 'new'); "
        + "COMMIT TRANSACTION;");
    release.countDown();
    delete.get(2, TimeUnit.MINUTES);
    assertThat(count("SELECT COUNT(*) FROM d.ledger WHERE source = 'new'")).isEqualTo(1);
    assertThat(count("SELECT COUNT(*) FROM d.ledger WHERE source = 'old'")).isZero();
  }

  @Test
  void aCaseVariantOfTheLockTablesNameIsNotFound() {
    assertThatThrownBy(() -> run("UPDATE d.COMMIT_LOCK SET n = n + 1 WHERE TRUE"))
        .isInstanceOfSatisfying(BigQueryException.class, e -> {
          assertThat(e.getCode()).isEqualTo(404);
          assertThat(e.getMessage()).isEqualTo("Not found: Table acme-analytics:d.COMMIT_LOCK was not found in location US");
        });
  }

  @Test
  void aDeleteOutsideATransactionWaitsForATransactionThatDeletes() throws Exception {
    CountDownLatch deleted = new CountDownLatch(1);
    CountDownLatch release = holdFirst("^DELETE", deleted);
    run("INSERT INTO d.ledger (hour, source) VALUES (TIMESTAMP '2026-11-01 09:00:00', 'old')");
    Future<TableResult> tx = background.submit(() -> run(
        "BEGIN TRANSACTION; DELETE FROM d.ledger WHERE source = 'none'; COMMIT TRANSACTION;"));
    assertThat(deleted.await(2, TimeUnit.MINUTES)).isTrue();
    Future<TableResult> outside = background.submit(() -> run("DELETE FROM d.ledger WHERE source = 'old'"));
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofMinutes(2))
        .until(() -> emulator.outstandingMutatingDml(PROJECT, "d", "ledger") == 1);
    release.countDown();
    tx.get(2, TimeUnit.MINUTES);
    outside.get(2, TimeUnit.MINUTES);
    assertThat(count("SELECT COUNT(*) FROM d.ledger")).isZero();
  }

  @Test
  void locationNamesAreCaseInsensitive() throws Exception {
    TableResult r = bigquery.query(QueryJobConfiguration.of("SELECT n FROM d.commit_lock"),
        com.google.cloud.bigquery.JobId.newBuilder().setLocation("us").build());
    assertThat(r.iterateAll().iterator().next().get(0).getLongValue()).isZero();
  }
}
