package io.bqexport.amplitude;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CoderResult;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Splits UTF-8 bytes into lines ('\n' or "\r\n"). It splits bytes first and decodes each line once (the JDK's
 * fast path from UTF-8 bytes to String), which is about twice as fast as a Reader. Invalid UTF-8 is reported,
 * never replaced silently, and a line longer than {@code maxBytes} is skipped without being buffered: one runaway
 * line must not exhaust the heap. Either is one bad line ({@link #problem()}), not the end of the archive.
 * Buffers are reused from one zip entry to the next.
 */
final class Utf8LineReader {
  private static final int SMALL_PENDING = 8 * 1024;

  private final int maxBytes;
  private final byte[] buffer = new byte[64 * 1024];
  private final CharsetDecoder validator = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT)
      .onUnmappableCharacter(CodingErrorAction.REPORT);
  private byte[] pending = new byte[SMALL_PENDING];
  private int pendingLength;
  private boolean tooLong;
  private String problem;
  private InputStream in;
  private int position;
  private int limit;

  Utf8LineReader(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** Starts reading {@code source}. */
  Utf8LineReader reset(InputStream source) {
    this.in = source;
    this.position = 0;
    this.limit = 0;
    return this;
  }

  /** The next line without its terminator, or null at the end; "" when {@link #problem()} says it is unusable. */
  String readLine() throws IOException {
    pendingLength = 0;
    tooLong = false;
    problem = null;
    boolean sawAny = false;
    while (true) {
      if (position >= limit) {
        int n = in.read(buffer, 0, buffer.length);
        if (n < 0) {
          return sawAny ? takePending() : null;
        }
        position = 0;
        limit = n;
      }
      sawAny = true;
      int newline = position;
      while (newline < limit && buffer[newline] != '\n') {
        newline++;
      }
      if (newline < limit) {
        String line;
        if (pendingLength == 0 && !tooLong && newline - position <= maxBytes) {
          line = decode(buffer, position, newline - position);
        } else {
          append(position, newline - position);
          line = takePending();
        }
        position = newline + 1;
        return line;
      }
      append(position, limit - position);
      position = limit;
    }
  }

  /** Why the last line read is unusable (not valid UTF-8, too long), without quoting it; null when it is fine. */
  String problem() {
    return problem;
  }

  private void append(int from, int length) {
    if (tooLong) {
      return; // skipping to the end of the line
    }
    int needed = pendingLength + length;
    if (needed > maxBytes) {
      tooLong = true;
      pendingLength = 0;
      return;
    }
    if (needed > pending.length) {
      pending = Arrays.copyOf(pending, Math.min(maxBytes, Math.max(needed, pending.length * 2)));
    }
    System.arraycopy(buffer, from, pending, pendingLength, length);
    pendingLength = needed;
  }

  private String takePending() {
    String line;
    if (tooLong) {
      problem = "the line is longer than " + maxBytes + " bytes";
      line = "";
    } else {
      line = decode(pending, 0, pendingLength);
    }
    if (pending.length > 1024 * 1024) {
      pending = new byte[SMALL_PENDING];
    }
    pendingLength = 0;
    return line;
  }

  private String decode(byte[] bytes, int offset, int length) {
    if (length > 0 && bytes[offset + length - 1] == '\r') {
      length--;
    }
    String text = new String(bytes, offset, length, StandardCharsets.UTF_8);
    if (text.indexOf('\uFFFD') >= 0) {
      // either a real U+FFFD or a replaced invalid sequence: only a strict decode can tell
      ByteBuffer in = ByteBuffer.wrap(bytes, offset, length);
      CoderResult result = validator.reset().decode(in, CharBuffer.allocate(length), true);
      if (result.isError()) {
        problem = "the line is not valid UTF-8 (at byte " + (in.position() - offset + 1) + ")";
        return "";
      }
    }
    return text;
  }
}
