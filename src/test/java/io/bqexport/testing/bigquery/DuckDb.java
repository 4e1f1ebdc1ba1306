package io.bqexport.testing.bigquery;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import org.duckdb.DuckDBConnection;

/**
 * One in-memory DuckDB database. Catalog bookkeeping uses the shared connection under {@link #lock}; queries,
 * scripts and loads each borrow a connection of their own ({@link #session}), so they run at once and DuckDB's
 * MVCC gives every transaction its snapshot, as BigQuery's snapshot isolation does.
 */
final class DuckDb implements AutoCloseable {
  final ReentrantLock lock = new ReentrantLock();
  private final DuckDBConnection connection;
  private final Queue<Connection> idle = new ConcurrentLinkedQueue<>();

  DuckDb() {
    try {
      connection = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:");
      configure(connection);
    } catch (SQLException e) {
      throw new IllegalStateException("DuckDB could not start: " + e.getMessage(), e);
    }
  }

  private static void configure(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      // BigQuery computes DATE(ts), TIMESTAMP_TRUNC etc. in UTC; no extension may be downloaded here.
      s.execute("SET TimeZone='UTC'");
      s.execute("SET autoinstall_known_extensions=false");
      // "ORDER BY clause": NULLs sort first in ascending order and last in descending order (DuckDB: always last).
      s.execute("SET default_null_order = 'nulls_first_on_asc_last_on_desc'");
    }
  }

  Connection connection() {
    if (!lock.isHeldByCurrentThread()) {
      throw new IllegalStateException("DuckDB used without holding its lock");
    }
    return connection;
  }

  void execute(String sql) throws SQLException {
    execute(connection(), sql);
  }

  static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
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

  /**
   * Runs work on a connection of its own, without the lock: other sessions run at the same time. The connection
   * goes back to the pool in auto-commit mode with the default search path.
   */
  <T> T session(SessionWork<T> work) {
    Connection c = idle.poll();
    try {
      if (c == null) {
        c = connection.duplicate();
        configure(c);
      }
      return work.run(c);
    } catch (SQLException e) {
      throw ApiException.invalid(e.getMessage());
    } catch (java.io.IOException e) {
      throw new ApiException(500, "backendError", "Emulator storage failed: " + e.getMessage());
    } finally {
      if (c != null) {
        recycle(c);
      }
    }
  }

  private void recycle(Connection c) {
    try {
      if (!c.getAutoCommit()) {
        c.rollback();
        c.setAutoCommit(true);
      }
      execute(c, "SET search_path = 'main'");
      idle.add(c);
    } catch (SQLException e) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // a broken connection is dropped from the pool
      }
    }
  }

  interface SqlWork<T> {
    T run() throws SQLException, java.io.IOException;
  }

  interface SessionWork<T> {
    T run(Connection connection) throws SQLException, java.io.IOException;
  }

  @Override
  public void close() throws SQLException {
    Connection c;
    while ((c = idle.poll()) != null) {
      c.close();
    }
    connection.close();
  }
}
