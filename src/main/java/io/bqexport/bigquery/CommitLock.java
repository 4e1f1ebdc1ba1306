package io.bqexport.bigquery;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.DatasetId;
import com.google.cloud.bigquery.QueryParameterValue;
import com.google.cloud.bigquery.Schema;
import com.google.cloud.bigquery.StandardSQLTypeName;
import com.google.cloud.bigquery.TableId;
import java.util.Map;

/**
 * The {@code _bqexport_lock} table: one row per events table. Every commit transaction first UPDATEs its table's
 * row. BigQuery detects no conflict between concurrent INSERTs (snapshot isolation would let two commits both see an
 * hour as missing), but "if a transaction mutates rows in a table, then other transactions that mutate rows in the
 * same table cannot run concurrently; conflicting transactions are cancelled"
 * (https://cloud.google.com/bigquery/docs/transactions#transaction_concurrency), so one of two racing commits aborts
 * and retries, and then sees the other's ledger rows.
 */
public final class CommitLock {

  public static final String TABLE = "_bqexport_lock";
  public static final Schema SCHEMA = Schema.of(
      Sql.field("table_name", StandardSQLTypeName.STRING, "The events table this row locks"),
      Sql.field("commits", StandardSQLTypeName.INT64, "Commits so far; every commit transaction increments it"));

  private final BigQuery bigquery;
  private final TableId lock;

  public CommitLock(BigQuery bigquery, DatasetId dataset) {
    this.bigquery = bigquery;
    this.lock = TableId.of(dataset.getProject(), dataset.getDataset(), TABLE);
  }

  /**
   * Creates the table's lock row unless it exists (two racing creators leave two rows; both get locked). Reads
   * first: a read never conflicts, while a MERGE on every run would queue behind a running commit.
   */
  public void ensureRow(String table, JobLabels labels) {
    Map<String, QueryParameterValue> params = Map.of("table", QueryParameterValue.string(table));
    long rows = Sql.query(bigquery, "SELECT COUNT(*) AS n FROM " + Sql.name(lock) + " WHERE `table_name` = @table",
        params, labels.of("lock-read", null), "reading the commit lock of " + table).iterateAll().iterator().next()
        .get("n").getLongValue();
    if (rows == 0) {
      Sql.query(bigquery, "MERGE " + Sql.name(lock) + " AS t USING (SELECT @table AS `table_name`) AS s"
              + " ON t.`table_name` = s.`table_name` WHEN NOT MATCHED THEN INSERT (`table_name`, `commits`)"
              + " VALUES (s.`table_name`, 0)", params, labels.of("lock-init", null),
          "creating the commit lock row of " + table);
    }
  }

  /** The first statement of a commit transaction; {@code @table} names the events table. */
  String takeStatement() {
    return "UPDATE " + Sql.name(lock) + " SET `commits` = `commits` + 1 WHERE `table_name` = @table";
  }
}
