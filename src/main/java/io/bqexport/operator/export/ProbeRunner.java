package io.bqexport.operator.export;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs credential probes on a bounded pool. A probe's timeout counts from the moment it starts, not from when it
 * was queued, so a probe that waited behind slow ones is never reported timed out without having been attempted;
 * a timed-out probe is interrupted, which frees its thread at the next interruptible wait. Starts are spread out
 * ({@link #startsPerSecond}), so a restart with many exports does not send all their test uploads at once.
 */
final class ProbeRunner implements AutoCloseable {
  static final int THREADS = 16;
  static final int STARTS_PER_SECOND = 10;

  private final Duration timeout;
  private final long nanosBetweenStarts;
  private final ExecutorService pool = Executors.newFixedThreadPool(THREADS, daemon("credential-probe"));
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
      daemon("credential-probe-timeout"));
  private long nextStart = System.nanoTime();

  ProbeRunner(Duration timeout, int startsPerSecond) {
    this.timeout = timeout;
    this.nanosBetweenStarts = TimeUnit.SECONDS.toNanos(1) / startsPerSecond;
  }

  /**
   * @param probe the probe; it runs on a pool thread
   * @param timedOut the result when the probe has not finished {@code timeout} after it started
   */
  <T> CompletableFuture<T> run(Supplier<T> probe, Supplier<T> timedOut) {
    CompletableFuture<T> result = new CompletableFuture<>();
    pool.execute(() -> {
      try {
        awaitStartSlot();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        result.complete(timedOut.get());
        return;
      }
      Thread worker = Thread.currentThread();
      Object lock = new Object();
      boolean[] running = {true};
      ScheduledFuture<?> deadline = timer.schedule(() -> {
        if (result.complete(timedOut.get())) {
          synchronized (lock) {
            if (running[0]) {
              worker.interrupt();
            }
          }
        }
      }, timeout.toMillis(), TimeUnit.MILLISECONDS);
      try {
        result.complete(probe.get());
      } catch (RuntimeException e) {
        result.completeExceptionally(e);
      } finally {
        deadline.cancel(false);
        synchronized (lock) {
          running[0] = false;
          Thread.interrupted(); // an interrupt meant for this probe must not hit the next one on this thread
        }
      }
    });
    return result;
  }

  private void awaitStartSlot() throws InterruptedException {
    long wait;
    synchronized (this) {
      long now = System.nanoTime();
      long slot = Math.max(now, nextStart);
      nextStart = slot + nanosBetweenStarts;
      wait = slot - now;
    }
    if (wait > 0) {
      TimeUnit.NANOSECONDS.sleep(wait);
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public void close() {
    pool.shutdownNow();
    timer.shutdownNow();
  }
}
