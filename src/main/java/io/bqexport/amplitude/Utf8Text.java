package io.bqexport.amplitude;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Checks a line's UTF-8 without decoding it: the byte path hands lines to Jackson's UTF-8 parser, which does not
 * refuse every sequence the JDK's strict decoder refuses (encoded surrogates, overlong forms), so validity is
 * decided here, by the rules of the Unicode standard (table 3-7), as the JDK decides it.
 */
final class Utf8Text {
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long HIGH_BITS = 0x8080808080808080L;

  private Utf8Text() {}

  /**
   * Why {@code bytes[from, from + length)} is not valid UTF-8, in the words the line readers always used ("the line
   * is not valid UTF-8 (at byte N)", N from 1 at {@code from}); null when it is valid.
   */
  static String problem(byte[] bytes, int from, int length) {
    if (isValid(bytes, from, from + length)) {
      return null;
    }
    // rare: the JDK's strict decoder places the error, so the message is the one a decoding reader gave
    CharsetDecoder strict = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes, from, length);
    CoderResult result = strict.decode(in, CharBuffer.allocate(length), true);
    int at = result.isError() ? in.position() - from + 1 : length;
    return "the line is not valid UTF-8 (at byte " + at + ")";
  }

  /** Whether the text is blank as {@link String#isBlank()} sees it; invalid UTF-8 is not blank (a bad line). */
  static boolean isBlank(byte[] bytes) {
    for (byte b : bytes) {
      if (b == ' ' || b >= '\t' && b <= '\r' || b >= 0x1c && b <= 0x1f) { // Character.isWhitespace, ASCII
        continue;
      }
      if (b >= 0) {
        return false;
      }
      return problem(bytes, 0, bytes.length) == null && new String(bytes, StandardCharsets.UTF_8).isBlank();
    }
    return true;
  }

  static boolean isValid(byte[] b, int from, int to) {
    int i = from;
    while (i < to) {
      if (i + 8 <= to && ((long) LONGS.get(b, i) & HIGH_BITS) == 0) {
        i += 8; // eight ASCII bytes at once: most of an event
        continue;
      }
      int lead = b[i] & 0xff;
      if (lead < 0x80) {
        i++;
        continue;
      }
      int need;
      int low = 0x80;
      int high = 0xbf;
      if (lead >= 0xc2 && lead <= 0xdf) {
        need = 1;
      } else if (lead >= 0xe0 && lead <= 0xef) {
        need = 2;
        low = lead == 0xe0 ? 0xa0 : 0x80; // no overlong forms
        high = lead == 0xed ? 0x9f : 0xbf; // no surrogates
      } else if (lead >= 0xf0 && lead <= 0xf4) {
        need = 3;
        low = lead == 0xf0 ? 0x90 : 0x80; // no overlong forms
        high = lead == 0xf4 ? 0x8f : 0xbf; // nothing beyond U+10FFFF
      } else {
        return false;
      }
      if (i + need >= to) {
        return false; // the sequence is cut off by the end of the line
      }
      int second = b[i + 1] & 0xff;
      if (second < low || second > high) {
        return false;
      }
      for (int k = 2; k <= need; k++) {
        if ((b[i + k] & 0xc0) != 0x80) {
          return false;
        }
      }
      i += need + 1;
    }
    return true;
  }
}
