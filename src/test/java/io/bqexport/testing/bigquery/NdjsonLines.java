package io.bqexport.testing.bigquery;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/** Splits a byte stream into lines without decoding it, remembering where each line starts in the stream. */
final class NdjsonLines {
  private final InputStream in;
  private byte[] buffer = new byte[1 << 16];
  private int filled;
  private int lineStart;
  private int lineEnd;
  private int next;
  private long consumedBefore;
  private boolean eof;

  NdjsonLines(InputStream in) {
    this.in = in;
  }

  /** Advances to the next line (without its newline); false at the end of the stream. */
  boolean next() throws IOException {
    while (true) {
      for (int i = next; i < filled; i++) {
        if (buffer[i] == '\n') {
          lineStart = next;
          lineEnd = i;
          next = i + 1;
          return true;
        }
      }
      if (eof) {
        if (next < filled) {
          lineStart = next;
          lineEnd = filled;
          next = filled;
          return true;
        }
        return false;
      }
      compactAndFill();
    }
  }

  private void compactAndFill() throws IOException {
    if (next > 0) {
      System.arraycopy(buffer, next, buffer, 0, filled - next);
      consumedBefore += next;
      filled -= next;
      next = 0;
    }
    if (filled == buffer.length) {
      buffer = Arrays.copyOf(buffer, buffer.length * 2);
    }
    int read = in.read(buffer, filled, buffer.length - filled);
    if (read < 0) {
      eof = true;
    } else {
      filled += read;
    }
  }

  byte[] buffer() {
    return buffer;
  }

  int start() {
    return lineStart;
  }

  int length() {
    return lineEnd - lineStart;
  }

  /** Byte offset of the current line in the whole stream (BigQuery reports bad rows by it). */
  long position() {
    return consumedBefore + lineStart;
  }

  boolean isBlank() {
    for (int i = lineStart; i < lineEnd; i++) {
      byte b = buffer[i];
      if (b != ' ' && b != '\t' && b != '\r') {
        return false;
      }
    }
    return true;
  }
}
