package io.bqexport.amplitude;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A read timeout for a response body: java.net.http has none once the headers arrived, so a stalled download
 * would block forever. A watchdog closes the stream when one read has been blocked for {@code timeout}; that read
 * then fails with a {@link SocketTimeoutException}. Time the caller spends away from the stream (e.g. uploading)
 * does not count.
 */
final class IdleTimeoutInputStream extends FilterInputStream {
  private final long timeoutNanos;
  private final Duration timeout;
  private final ScheduledFuture<?> watchdog;
  /** When the pending read started; 0 while no read is pending. */
  private volatile long readStarted;
  private volatile boolean timedOut;

  IdleTimeoutInputStream(InputStream in, Duration timeout, ScheduledExecutorService scheduler) {
    super(in);
    this.timeout = timeout;
    this.timeoutNanos = timeout.toNanos();
    long period = Math.max(10, Math.min(1000, timeout.toMillis() / 4));
    this.watchdog = scheduler.scheduleWithFixedDelay(this::check, period, period, TimeUnit.MILLISECONDS);
  }

  private void check() {
    long started = readStarted;
    if (started != 0 && System.nanoTime() - started > timeoutNanos) {
      timedOut = true;
      ScheduledFuture<?> self = watchdog;
      if (self != null) {
        self.cancel(false);
      }
      try {
        in.close();
      } catch (IOException ignored) {
        // closing only unblocks the reader; it reports the timeout
      }
    }
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n <= 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    if (timedOut) {
      throw timeoutException();
    }
    int n;
    readStarted = System.nanoTime() | 1;
    try {
      n = in.read(buffer, offset, length);
    } catch (IOException e) {
      if (timedOut) {
        throw timeoutException();
      }
      throw e;
    } finally {
      readStarted = 0;
    }
    if (timedOut) {
      throw timeoutException();
    }
    return n;
  }

  private SocketTimeoutException timeoutException() {
    return new SocketTimeoutException("no data received for " + timeout.toSeconds() + "s (read timeout)");
  }

  @Override
  public void close() throws IOException {
    watchdog.cancel(false);
    super.close();
  }
}
