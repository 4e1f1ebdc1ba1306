package io.bqexport.testing.bigquery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.QueryJobConfiguration;
import com.google.cloud.bigquery.TableResult;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Transactions as the exactly-once commit (DESIGN section 3) relies on them, through the real client
 * (https://cloud.google.com/bigquery/docs/transactions): a query that fails or ends without COMMIT rolls back its
 * transaction; INSERT is not mutating DML, so it never conflicts; mutating DML outside a transaction queues behind a
 * transaction on the same table; table names are case-sensitive ("Tables", naming), so a case variant of the lock
 * table is not the lock table.
 */
class TransactionEdgeContractTest {
  private static final String PROJECT = "acme-analytics";
  private static final String BUMP_LOCK = "UPDATE d.commit_lock SET n = n + 1 WHERE table_name = 'events'";
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

  private long count(String sql) throws InterruptedException {
    return run(sql).iterateAll().iterator().next().get(0).getLongValue();
  }

  private CountDownLatch holdFirst(String regex, CountDownLatch reached) {
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean first = new AtomicBoolean(true);
    emulator.faults().onStatement(regex, statement -> {
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
