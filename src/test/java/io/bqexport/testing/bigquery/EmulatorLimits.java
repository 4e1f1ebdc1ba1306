package io.bqexport.testing.bigquery;

/**
 * BigQuery's documented limits that the emulator enforces. Tests may lower them to reach a limit cheaply; the
 * defaults are BigQuery's.
 */
public final class EmulatorLimits {
  private volatile int mutatingDmlRunning = 2;
  private volatile int mutatingDmlQueue = 20;
  private volatile int loadJobsPerTablePerDay = 1500;
  private volatile long maxJsonRowBytes = 100L << 20;

  /** Mutating DML statements BigQuery runs at once per table before it queues (2). */
  public int mutatingDmlRunning() {
    return mutatingDmlRunning;
  }

  /** Mutating DML statements that may wait per table (20); more fail with resourcesExceeded. */
  public int mutatingDmlQueue() {
    return mutatingDmlQueue;
  }

  public EmulatorLimits mutatingDmlQueue(int running, int queued) {
    this.mutatingDmlRunning = running;
    this.mutatingDmlQueue = queued;
    return this;
  }

  /** Load jobs per table per day, failed ones included (1,500). */
  public int loadJobsPerTablePerDay() {
    return loadJobsPerTablePerDay;
  }

  public EmulatorLimits loadJobsPerTablePerDay(int limit) {
    this.loadJobsPerTablePerDay = limit;
    return this;
  }

  /** The largest JSON row a load accepts (100 MB); a larger row is a bad record. */
  public long maxJsonRowBytes() {
    return maxJsonRowBytes;
  }

  public EmulatorLimits maxJsonRowBytes(long bytes) {
    this.maxJsonRowBytes = bytes;
    return this;
  }
}
