package io.bqexport.amplitude;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Splits UTF-8 bytes into lines ('\n' or "\r\n"). It splits bytes first and decodes each line once (the JDK's
 * fast path from UTF-8 bytes to String), which is about twice as fast as a Reader; the export sources take the
 * bytes undecoded ({@link #readLineBytes()}) and leave the check to the mapping threads. Invalid UTF-8 is reported,
 * never replaced silently, and a line longer than {@code maxBytes} is skipped without being buffered: one runaway
 * line must not exhaust the heap. Either is one bad line ({@link #problem()}), not the end of the archive.
 * Buffers are reused from one zip entry (or Cloud Storage object) to the next.
 */
public final class Utf8LineReader {
  private static final int SMALL_PENDING = 8 * 1024;

  private final int maxBytes;
  private final byte[] buffer = new byte[64 * 1024];
  private byte[] pending = new byte[SMALL_PENDING];
  private int pendingLength;
  private boolean tooLong;
  private String problem;
  private InputStream in;
  private int position;
  private int limit;
  /** The current line: a range of buffer or pending, without its terminator. */
  private byte[] lineBytes;
  private int lineStart;
  private int lineLength;

  public Utf8LineReader(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** Starts reading {@code source}. */
  public Utf8LineReader reset(InputStream source) {
    this.in = source;
    this.position = 0;
    this.limit = 0;
    return this;
  }

  /** The next line without its terminator, or null at the end; "" when {@link #problem()} says it is unusable. */
  public String readLine() throws IOException {
    if (!nextLine()) {
      return null;
    }
    return problem != null ? "" : decode(lineBytes, lineStart, lineLength);
  }

  /**
   * The next line's bytes without its terminator, or null at the end; empty when {@link #problem()} says it is too
   * long. Not decoded, so not checked for valid UTF-8 (the caller decides that where it reads the line: see
   * {@link SourceLine#problem()}); copied, as the reader's buffers are reused.
   */
  public byte[] readLineBytes() throws IOException {
    if (!nextLine()) {
      return null;
    }
    return Arrays.copyOfRange(lineBytes, lineStart, lineStart + lineLength);
  }

  /** Finds the next line: lineBytes/lineStart/lineLength (empty, with a problem, when too long); false at the end. */
  private boolean nextLine() throws IOException {
    pendingLength = 0;
    tooLong = false;
    problem = null;
    boolean sawAny = false;
    while (true) {
      if (position >= limit) {
        int n = in.read(buffer, 0, buffer.length);
        if (n < 0) {
          if (sawAny) {
            takePending();
          }
          return sawAny;
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
        if (pendingLength == 0 && !tooLong && newline - position <= maxBytes) {
          setLine(buffer, position, newline - position);
        } else {
          append(position, newline - position);
          takePending();
        }
        position = newline + 1;
        return true;
      }
      append(position, limit - position);
      position = limit;
    }
  }

  /**
   * Reads to the end and counts the lines {@link #readLine()} would return that a reader keeps: not blank, or with a
   * {@link #problem()}. Lines are not decoded: one that starts (after ASCII whitespace) with an ASCII character counts
   * at once and the rest is skipped to its newline, so this runs near the speed of inflating; only a line whose first
   * non-whitespace byte is not ASCII is decoded, to tell Unicode whitespace and invalid UTF-8 from text.
   */
  public long countKeptLines() throws IOException {
    long count = 0;
    boolean counted = false; // the current line counts; skipping to its end
    boolean collecting = false; // the current line is being buffered to be decoded
    long whitespace = 0; // leading ASCII whitespace bytes of the current line
    while (true) {
      if (position >= limit) {
        int n = in.read(buffer, 0, buffer.length);
        if (n < 0) {
          break;
        }
        position = 0;
        limit = n;
      }
      if (counted || collecting) {
        int newline = position;
        while (newline < limit && buffer[newline] != '\n') {
          newline++;
        }
        if (collecting) {
          append(position, newline - position);
        }
        if (newline == limit) {
          position = limit;
          continue;
        }
        position = newline + 1;
        if (collecting && decodedCounts(whitespace)) {
          count++;
        }
        counted = false;
        collecting = false;
        whitespace = 0;
        continue;
      }
      byte b = buffer[position];
      if (b == '\n') {
        position++;
        count += whitespace > maxBytes ? 1 : 0; // too long to read, so a bad line, not a blank one
        whitespace = 0;
      } else if (b == ' ' || b >= '\t' && b <= '\r' || b >= 0x1c && b <= 0x1f) { // Character.isWhitespace, ASCII
        position++;
        whitespace++;
      } else if (b >= 0) {
        count++;
        counted = true;
      } else {
        pendingLength = 0;
        tooLong = false;
        problem = null;
        collecting = true;
      }
    }
    if (collecting ? decodedCounts(whitespace) : !counted && whitespace > maxBytes) {
      count++;
    }
    return count;
  }

  /** Whether the buffered rest of a line after {@code whitespace} leading bytes is a line that readLine keeps. */
  private boolean decodedCounts(long whitespace) {
    boolean longLine = tooLong || whitespace + pendingLength > maxBytes;
    takePending();
    boolean blank = decode(lineBytes, lineStart, lineLength).isBlank(); // sets the problem of invalid UTF-8
    return longLine || problem != null || !blank;
  }

  /** Why the last line read is unusable (not valid UTF-8, too long), without quoting it; null when it is fine. */
  public String problem() {
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

  /** The buffered line becomes the current one. */
  private void takePending() {
    if (tooLong) {
      problem = "the line is longer than " + maxBytes + " bytes";
      setLine(pending, 0, 0);
    } else {
      setLine(pending, 0, pendingLength);
    }
    if (pending.length > 1024 * 1024) {
      pending = new byte[SMALL_PENDING]; // the current line keeps the large one until the next
    }
    pendingLength = 0;
  }

  private void setLine(byte[] bytes, int from, int length) {
    if (length > 0 && bytes[from + length - 1] == '\r') {
      length--;
    }
    lineBytes = bytes;
    lineStart = from;
    lineLength = length;
  }

  /** The line as text; "" with a problem when it is not valid UTF-8. */
  private String decode(byte[] bytes, int offset, int length) {
    String text = new String(bytes, offset, length, StandardCharsets.UTF_8);
    if (text.indexOf('\uFFFD') >= 0) {
      // either a real U+FFFD or a replaced invalid sequence: only a strict check can tell
      problem = Utf8Text.problem(bytes, offset, length);
      if (problem != null) {
        return "";
      }
    }
    return text;
  }
}
