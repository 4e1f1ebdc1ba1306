package io.bqexport.testing.bigquery;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The single in-memory DuckDB connection. All work is serialised through {@link #lock}, because DuckDB
 * transactions belong to a connection and a BigQuery script's BEGIN ... COMMIT must not interleave with others.
 */
final class DuckDb implements AutoCloseable {
  final ReentrantLock lock = new ReentrantLock();
  private final Connection connection;

  DuckDb() {
    try {
      connection = DriverManager.getConnection("jdbc:duckdb:");
      try (Statement s = connection.createStatement()) {
        // BigQuery computes DATE(ts), TIMESTAMP_TRUNC etc. in UTC; no extension may be downloaded here.
        s.execute("SET TimeZone='UTC'");
        s.execute("SET autoinstall_known_extensions=false");
      }
    } catch (SQLException e) {
      throw new IllegalStateException("DuckDB could not start: " + e.getMessage(), e);
    }
  }

  Connection connection() {
    if (!lock.isHeldByCurrentThread()) {
      throw new IllegalStateException("DuckDB used without holding its lock");
    }
    return connection;
  }

  void execute(String sql) throws SQLException {
    try (Statement s = connection().createStatement()) {
      s.execute(sql);
    }
  }

  /** Runs work while holding the lock; SQL errors come back as BigQuery invalid errors. */
  <T> T locked(SqlWork<T> work) {
    lock.lock();
    try {
      return work.run();
    } catch (SQLException e) {
      throw ApiException.invalid(e.getMessage());
    } catch (java.io.IOException e) {
      throw new ApiException(500, "backendError", "Emulator storage failed: " + e.getMessage());
    } finally {
      lock.unlock();
    }
  }

  interface SqlWork<T> {
    T run() throws SQLException, java.io.IOException;
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
