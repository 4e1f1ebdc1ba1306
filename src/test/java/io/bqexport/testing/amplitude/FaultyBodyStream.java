package io.bqexport.testing.amplitude;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;

/** The stand-in's response body with byte-level faults: a clean cut, a dropped connection, a stall, a trickle. */
final class FaultyBodyStream extends FilterOutputStream {
  private long count;
  private long cutAt = Long.MAX_VALUE;
  private long resetAt = Long.MAX_VALUE;
  private long stallAt = Long.MAX_VALUE;
  private Duration stall = Duration.ZERO;
  private int pieceBytes = Integer.MAX_VALUE;
  private Duration piecePause = Duration.ZERO;

  FaultyBodyStream(OutputStream out) {
    super(out);
  }

  long count() {
    return count;
  }

  /** Silently drop every byte from {@code offset} on (the response still ends cleanly). */
  void cutAt(long offset) {
    cutAt = Math.min(cutAt, offset);
  }

  void resetAt(long offset) {
    resetAt = offset;
  }

  void stallAt(long offset, Duration pause) {
    stallAt = offset;
    stall = pause;
  }

  void trickle(int bytes, Duration pause) {
    pieceBytes = Math.max(1, bytes);
    piecePause = pause;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    while (len > 0) {
      long limit = Math.min(Math.min(resetAt, stallAt), cutAt);
      int n = (int) Math.min(len, Math.min(pieceBytes, Math.max(0, limit - count)));
      if (n == 0) {
        if (count >= resetAt) {
          out.flush();
          throw new InjectedReset("stand-in: injected connection reset after " + count + " bytes");
        }
        if (count >= stallAt) {
          out.flush();
          pause(stall);
          stallAt = Long.MAX_VALUE;
          continue;
        }
        count += len;
        return;
      }
      if (count < cutAt) {
        out.write(b, off, n);
      }
      count += n;
      off += n;
      len -= n;
      if (pieceBytes != Integer.MAX_VALUE) {
        out.flush();
        pause(piecePause);
      }
    }
  }

  private static void pause(Duration duration) throws IOException {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("stand-in: interrupted", e);
    }
  }
}
