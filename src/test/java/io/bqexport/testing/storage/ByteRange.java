package io.bqexport.testing.storage;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One HTTP byte range (RFC 9110 section 14.1.2) as GCS accepts it: {@code bytes=a-b}, {@code bytes=a-} or
 * {@code bytes=-n}; an end past the object is clipped, a start past it is unsatisfiable (416).
 */
final class ByteRange {
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");

  private ByteRange() {
  }

  /** [first, last] inclusive, or empty when unsatisfiable or malformed. */
  static Optional<int[]> parse(String header, int size) {
    Matcher m = RANGE.matcher(header.trim());
    if (!m.matches() || m.group(1).isEmpty() && m.group(2).isEmpty()) {
      return Optional.empty();
    }
    long first;
    long last;
    if (m.group(1).isEmpty()) {
      long suffix = Long.parseLong(m.group(2));
      if (suffix == 0) {
        return Optional.empty();
      }
      first = Math.max(0, size - suffix);
      last = size - 1;
    } else {
      first = Long.parseLong(m.group(1));
      last = m.group(2).isEmpty() ? size - 1 : Math.min(size - 1, Long.parseLong(m.group(2)));
    }
    if (first >= size || last < first) {
      return Optional.empty();
    }
    return Optional.of(new int[] {(int) first, (int) last});
  }
}
