package io.bqexport.testing.bigquery;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs jobs asynchronously, as BigQuery does: jobs.insert and the last upload chunk answer the job PENDING, it turns
 * RUNNING, stays so for the running time set by {@link FaultInjector#jobsRunFor}, then does its work and becomes
 * DONE. Callers must poll jobs.get
 * (https://cloud.google.com/bigquery/docs/reference/rest/v2/jobs/insert: "Starts a new asynchronous job").
 */
final class JobExecutor implements AutoCloseable {
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(daemon("bq-job-timer"));
  private final ExecutorService workers = Executors.newCachedThreadPool(daemon("bq-job"));
  private final JobStore jobs;
  private final FaultInjector faults;

  JobExecutor(JobStore jobs, FaultInjector faults) {
    this.jobs = jobs;
    this.faults = faults;
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread thread = new Thread(r, name);
      thread.setDaemon(true);
      return thread;
    };
  }

  /** Starts the job; {@code work} must end it with succeed or fail. */
  void submit(EmulatorJob job, Runnable work) {
    long delay = faults.jobRunningTime().toMillis();
    workers.execute(() -> {
      job.start(jobs.now());
      if (delay <= 0) {
        run(job, work);
      } else {
        timer.schedule(() -> workers.execute(() -> run(job, work)), delay, TimeUnit.MILLISECONDS);
      }
    });
  }

  private void run(EmulatorJob job, Runnable work) {
    try {
      work.run();
    } catch (RuntimeException e) {
      ApiException failure = e instanceof ApiException api ? api
          : new ApiException(500, "backendError", "BigQuery emulator error: " + e);
      job.fail(failure.errorProto(), java.util.List.of(failure.errorProto()), jobs.now());
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    workers.shutdownNow();
  }
}
