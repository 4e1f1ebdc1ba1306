package io.bqexport.amplitude;

import java.io.IOException;
import java.io.Reader;

/**
 * Splits text into lines ('\n' or "\r\n") like BufferedReader.readLine, but refuses a line longer than
 * {@code maxChars}: one runaway line must not exhaust the heap.
 */
final class BoundedLineReader {
  private final int maxChars;
  private Reader in;
  private final char[] buffer = new char[32 * 1024];
  private final StringBuilder line = new StringBuilder(1024);
  private int position;
  private int limit;

  BoundedLineReader(int maxChars) {
    this.maxChars = maxChars;
  }

  /** Starts reading {@code source}; the buffers are reused from one zip entry to the next. */
  BoundedLineReader reset(Reader source) {
    this.in = source;
    this.position = 0;
    this.limit = 0;
    return this;
  }

  /** The next line without its terminator, or null at the end. */
  String readLine() throws IOException {
    line.setLength(0);
    boolean sawAny = false;
    while (true) {
      if (position >= limit) {
        limit = in.read(buffer, 0, buffer.length);
        position = 0;
        if (limit <= 0) {
          limit = 0;
          return sawAny ? finish() : null;
        }
      }
      sawAny = true;
      int start = position;
      while (position < limit && buffer[position] != '\n') {
        position++;
      }
      line.append(buffer, start, position - start);
      if (line.length() > maxChars) {
        throw new LineTooLongException(maxChars);
      }
      if (position < limit) {
        position++;
        return finish();
      }
    }
  }

  private String finish() {
    int length = line.length();
    if (length > 0 && line.charAt(length - 1) == '\r') {
      line.setLength(length - 1);
    }
    String text = line.toString();
    if (line.capacity() > 64 * 1024) {
      line.setLength(0);
      line.trimToSize();
    }
    return text;
  }

  /** Thrown when a line exceeds the limit; the caller names the file and line. */
  static final class LineTooLongException extends IOException {
    LineTooLongException(int maxChars) {
      super("the line is longer than " + maxChars + " characters");
    }
  }
}
