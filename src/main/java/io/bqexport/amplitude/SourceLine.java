package io.bqexport.amplitude;

/**
 * One NDJSON line of the export archive, with where it came from (for errors such as "file X line N").
 *
 * @param problem why the line is unusable as read (not valid UTF-8, too long), with empty text; null when it is fine
 */
public record SourceLine(String file, long lineNumber, String text, String problem) {

  public SourceLine(String file, long lineNumber, String text) {
    this(file, lineNumber, text, null);
  }

  /** "file 123/123_2026-11-28_17#0.json.gz line 42", for error messages. */
  public String location() {
    return "file " + file + " line " + lineNumber;
  }

  /** "file ... line 42 column 7"; column 0 (unknown) is left out. Never the line's text: it may hold secrets. */
  public String location(int column) {
    return column > 0 ? location() + " column " + column : location();
  }

  @Override
  public String toString() {
    return location();
  }
}
