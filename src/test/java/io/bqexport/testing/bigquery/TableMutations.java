package io.bqexport.testing.bigquery;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * BigQuery's table-level rules for mutating DML (UPDATE, DELETE, MERGE, TRUNCATE), which DuckDB's row-level
 * conflicts do not give:
 * <ul>
 *   <li>"If a transaction mutates (updates or deletes) rows in a table, then other transactions or DML statements
 *       that mutate rows in the same table cannot run concurrently. Conflicting transactions are cancelled.
 *       Conflicting DML statements that run outside of a transaction are queued to run later, subject to queuing
 *       limits." (https://cloud.google.com/bigquery/docs/transactions#transaction_concurrency)</li>
 *   <li>A transaction also conflicts when the table was mutated by a commit after its snapshot was taken: snapshot
 *       isolation forbids it to overwrite a change it never saw.</li>
 *   <li>Outside transactions, "BigQuery runs up to 2 of them concurrently, after which up to 20 more are queued as
 *       PENDING"; more fail with "Resources exceeded during query execution: Too many DML statements outstanding
 *       against table PROJECT:DATASET.TABLE, limit is 20"
 *       (https://cloud.google.com/bigquery/docs/data-manipulation-language#update_delete_merge_dml_concurrency).
 *       The emulator runs queued statements one at a time, which is the outcome of BigQuery's automatic retry of
 *       conflicting statements.</li>
 * </ul>
 * INSERT is not mutating DML: concurrent INSERTs never conflict, so two transactions that each read "hour missing"
 * and insert it both commit (write skew), as in BigQuery.
 */
final class TableMutations {
  private final Map<TableRef, Object> owners = new HashMap<>();
  private final Map<TableRef, Long> lastMutation = new HashMap<>();
  private final Map<TableRef, Integer> outstanding = new HashMap<>();
  private final EmulatorLimits limits;
  private long sequence;

  TableMutations(EmulatorLimits limits) {
    this.limits = limits;
  }

  /** One multi-statement transaction: its snapshot point and the tables it mutated. */
  final class Transaction {
    final String id = UUID.randomUUID().toString();
    final long snapshot;
    final List<TableRef> mutated = new ArrayList<>();

    private Transaction(long snapshot) {
      this.snapshot = snapshot;
    }

    /** Before the transaction mutates {@code table}: aborts it when another one holds or changed the table. */
    void mutate(TableRef table) {
      synchronized (TableMutations.this) {
        Object owner = owners.get(table);
        if (owner == this) {
          return;
        }
        if (owner != null || lastMutation.getOrDefault(table, -1L) > snapshot) {
          throw aborted(table, id);
        }
        owners.put(table, this);
        mutated.add(table);
      }
    }

    void commit() {
      synchronized (TableMutations.this) {
        sequence++;
        mutated.forEach(table -> lastMutation.put(table, sequence));
        release();
      }
    }

    void release() {
      synchronized (TableMutations.this) {
        mutated.forEach(owners::remove);
        mutated.clear();
        TableMutations.this.notifyAll();
      }
    }
  }

  /** Mutating DML statements outside transactions that run or wait on the table now. */
  synchronized int outstanding(TableRef table) {
    return outstanding.getOrDefault(table, 0);
  }

  synchronized Transaction begin() {
    return new Transaction(sequence);
  }

  /** "Transaction is aborted due to concurrent update against table p:d.t. Transaction ID: ..." (invalidQuery). */
  static ApiException aborted(TableRef table, String transactionId) {
    return ApiException.invalidQuery("Query error: Transaction is aborted due to concurrent update against table "
        + table.display() + ". Transaction ID: " + transactionId);
  }

  /**
   * Runs one mutating DML statement outside a transaction: it waits in the table's queue while a transaction or
   * another statement mutates the table, and fails when the queue is full.
   */
  <T> T runQueued(TableRef table, DuckDb.SqlWork<T> statement) throws java.sql.SQLException, java.io.IOException {
    Object ticket = new Object();
    synchronized (this) {
      int ahead = outstanding.getOrDefault(table, 0);
      if (ahead >= limits.mutatingDmlRunning() + limits.mutatingDmlQueue()) {
        throw new ApiException(400, "resourcesExceeded", "Resources exceeded during query execution: Too many DML "
            + "statements outstanding against table " + table.display() + ", limit is "
            + limits.mutatingDmlQueue());
      }
      outstanding.put(table, ahead + 1);
      try {
        while (owners.containsKey(table)) {
          wait();
        }
      } catch (InterruptedException e) {
        outstanding.merge(table, -1, Integer::sum);
        Thread.currentThread().interrupt();
        throw new ApiException(500, "backendError", "Interrupted while queued");
      }
      owners.put(table, ticket);
    }
    try {
      T result = statement.run();
      synchronized (this) {
        lastMutation.put(table, ++sequence);
      }
      return result;
    } finally {
      synchronized (this) {
        owners.remove(table);
        outstanding.merge(table, -1, Integer::sum);
        notifyAll();
      }
    }
  }
}
