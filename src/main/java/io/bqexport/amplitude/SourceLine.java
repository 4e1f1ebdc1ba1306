package io.bqexport.amplitude;

import java.nio.charset.StandardCharsets;

/**
 * One NDJSON line of the export archive, with where it came from (for errors such as "file X line N"). The sources
 * hand out lines as UTF-8 bytes ({@link #ofUtf8}), checked and decoded only where they are read, on the mapping
 * threads: the reading thread only splits them, and the mapping parses the bytes without a String per line.
 * Not safe for concurrent use: one thread at a time (handing a line over through a Future or a queue is fine).
 */
public final class SourceLine {
  private final String file;
  private final long lineNumber;
  /** The line's bytes, null for a line made from text. */
  private final byte[] utf8;
  private String text;
  private String problem;
  private boolean checked;

  /** @param problem why the line is unusable as read (not valid UTF-8, too long), with empty text; null when fine */
  public SourceLine(String file, long lineNumber, String text, String problem) {
    this.file = file;
    this.lineNumber = lineNumber;
    this.utf8 = null;
    this.text = text;
    this.problem = problem;
    this.checked = true;
  }

  public SourceLine(String file, long lineNumber, String text) {
    this(file, lineNumber, text, null);
  }

  private SourceLine(String file, long lineNumber, byte[] utf8, String problem) {
    this.file = file;
    this.lineNumber = lineNumber;
    this.utf8 = utf8;
    this.problem = problem;
    this.checked = problem != null;
    this.text = problem != null ? "" : null;
  }

  /**
   * A line as read, checked for valid UTF-8 when first asked ({@link #problem()}).
   *
   * @param problem why the reader could not take the line (too long), with empty bytes; null when it could
   */
  public static SourceLine ofUtf8(String file, long lineNumber, byte[] utf8, String problem) {
    return new SourceLine(file, lineNumber, utf8, problem);
  }

  public String file() {
    return file;
  }

  public long lineNumber() {
    return lineNumber;
  }

  /** Why the line is unusable (not valid UTF-8, too long), without quoting it; null when it is fine. */
  public String problem() {
    if (!checked) {
      problem = Utf8Text.problem(utf8, 0, utf8.length);
      checked = true;
    }
    return problem;
  }

  /** The line's text; "" when {@link #problem()} says it is unusable. */
  public String text() {
    if (text == null) {
      text = problem() != null ? "" : new String(utf8, StandardCharsets.UTF_8);
    }
    return text;
  }

  /** The line's valid UTF-8 bytes (do not modify them); null when the line was made from text or has a problem. */
  public byte[] utf8() {
    return utf8 == null || problem() != null ? null : utf8;
  }

  /** The line's length as read: bytes, or chars for a line made from text. Does not check the line. */
  public int length() {
    return utf8 != null ? utf8.length : text == null ? 0 : text.length();
  }

  /** "file 123/123_2026-11-28_17#0.json.gz line 42", for error messages. */
  public String location() {
    return "file " + file + " line " + lineNumber;
  }

  /** "file ... line 42 column 7"; column 0 (unknown) is left out. Never the line's text: it may hold secrets. */
  public String location(int column) {
    return column > 0 ? location() + " column " + column : location();
  }

  /** Whether a line of these bytes is blank (skipped by the sources): only whitespace, and valid UTF-8. */
  public static boolean isBlank(byte[] utf8) {
    return Utf8Text.isBlank(utf8);
  }

  @Override
  public String toString() {
    return location();
  }
}
