package io.bqexport.amplitude;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Counts the bytes passing through and keeps the last {@code capacity} of them, so that the end of a zip
 * (central directory and end record) can be checked after streaming, without holding the archive.
 */
final class TailKeepingInputStream extends FilterInputStream {
  private final byte[] ring;
  private long count;

  TailKeepingInputStream(InputStream in, int capacity) {
    super(in);
    this.ring = new byte[capacity];
  }

  @Override
  public int read() throws IOException {
    int b = in.read();
    if (b >= 0) {
      ring[(int) (count % ring.length)] = (byte) b;
      count++;
    }
    return b;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int n = in.read(buffer, offset, length);
    if (n > 0) {
      remember(buffer, offset, n);
    }
    return n;
  }

  private void remember(byte[] buffer, int offset, int n) {
    int skip = Math.max(0, n - ring.length);
    count += skip;
    offset += skip;
    n -= skip;
    while (n > 0) {
      int position = (int) (count % ring.length);
      int chunk = Math.min(n, ring.length - position);
      System.arraycopy(buffer, offset, ring, position, chunk);
      count += chunk;
      offset += chunk;
      n -= chunk;
    }
  }

  @Override
  public long skip(long n) throws IOException {
    byte[] scratch = new byte[8192];
    long skipped = 0;
    while (skipped < n) {
      int r = read(scratch, 0, (int) Math.min(scratch.length, n - skipped));
      if (r < 0) {
        break;
      }
      skipped += r;
    }
    return skipped;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  /** Total bytes read so far. */
  long count() {
    return count;
  }

  /** The last min(count, capacity) bytes, oldest first. */
  byte[] tail() {
    int size = (int) Math.min(count, ring.length);
    byte[] out = new byte[size];
    int start = (int) ((count - size) % ring.length);
    int first = Math.min(size, ring.length - start);
    System.arraycopy(ring, start, out, 0, first);
    System.arraycopy(ring, 0, out, first, size - first);
    return out;
  }
}
