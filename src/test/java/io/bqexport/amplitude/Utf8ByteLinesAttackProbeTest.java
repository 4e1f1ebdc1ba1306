package io.bqexport.amplitude;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Attack probes on the byte lines (issue 18). The oracle is main's rule, written out independently here: a line is
 * the bytes up to '\n' less one trailing '\r'; it is too long when its bytes with the '\r' exceed the limit; it is
 * invalid as the JDK's strict decoder says, at the byte it says; blank as String#isBlank says. SourceLineTest holds
 * the byte path to the reader's own readLine, which now uses the same Utf8Text check, so it cannot catch a wrong
 * check; these hold it to the JDK.
 */
class Utf8ByteLinesAttackProbeTest {

  /** Every 1-, 2- and 3-byte sequence, and every 4-byte one with a lead F0..F7 and a second byte of any value. */
  @Test
  void theCheckAgreesWithTheStrictDecoderOnEveryShortSequence() {
    List<String> disagreements = new ArrayList<>();
    byte[] one = new byte[1];
    for (int a = 0; a < 256; a++) {
      one[0] = (byte) a;
      compare(one, disagreements);
      byte[] two = new byte[2];
      two[0] = (byte) a;
      for (int b = 0; b < 256; b++) {
        two[1] = (byte) b;
        compare(two, disagreements);
      }
    }
    byte[] three = new byte[3];
    for (int a = 0xc0; a < 256; a++) {
      for (int b = 0; b < 256; b++) {
        for (int c : new int[] {0x00, 0x41, 0x7f, 0x80, 0x9f, 0xa0, 0xbf, 0xc0, 0xc2, 0xe0, 0xff}) {
          three[0] = (byte) a;
          three[1] = (byte) b;
          three[2] = (byte) c;
          compare(three, disagreements);
        }
      }
    }
    byte[] four = new byte[4];
    for (int a = 0xf0; a < 0xf8; a++) {
      for (int b = 0; b < 256; b++) {
        for (int c : new int[] {0x41, 0x80, 0xbf, 0xc0}) {
          for (int d : new int[] {0x41, 0x80, 0xbf, 0xc0}) {
            four[0] = (byte) a;
            four[1] = (byte) b;
            four[2] = (byte) c;
            four[3] = (byte) d;
            compare(four, disagreements);
          }
        }
      }
    }
    assertThat(disagreements).isEmpty();
  }

  /** Long lines: the 8-byte ASCII stride must not step over a bad byte at any offset. */
  @Test
  void theCheckAgreesWithTheStrictDecoderAtEveryOffsetOfALongLine() {
    List<String> disagreements = new ArrayList<>();
    List<byte[]> pieces = List.of(bytes(0x80), bytes(0xed, 0xa0, 0x80), bytes(0xc0, 0x80), bytes(0xe2, 0x82),
        bytes(0xf0, 0x9f, 0x8e, 0xa7), bytes(0xf0, 0x9f, 0x8e), bytes(0xef, 0xbb, 0xbf), bytes(0x00), bytes(0xff),
        bytes(0xc3, 0xa9));
    for (byte[] piece : pieces) {
      for (int at = 0; at < 40; at++) {
        for (int length = at + piece.length; length < at + piece.length + 17; length++) {
          byte[] line = new byte[length];
          Arrays.fill(line, (byte) 'a');
          System.arraycopy(piece, 0, line, at, piece.length);
          compare(line, disagreements);
        }
      }
    }
    assertThat(disagreements).isEmpty();
  }

  /**
   * Lines through the reader as the sources read them (readLineBytes, SourceLine.ofUtf8, blank lines skipped) over a
   * stream that hands out bytes in random pieces, with lines at and around the 64 KiB buffer and the limit, CRLF and
   * multibyte sequences split by reads, and a truncated sequence at the end of the stream.
   */
  @Test
  void readerLinesEqualMainsRuleAcrossBufferBoundaries() throws IOException {
    Random random = new Random(1818);
    int buffer = 64 * 1024;
    for (int round = 0; round < 60; round++) {
      int maxBytes = round % 3 == 0 ? buffer : round % 3 == 1 ? buffer + 1 : 100 + random.nextInt(buffer);
      ByteArrayOutputStream data = new ByteArrayOutputStream();
      int lines = 1 + random.nextInt(6);
      for (int i = 0; i < lines; i++) {
        int kind = random.nextInt(8);
        int length = switch (kind) {
          case 0 -> maxBytes;
          case 1 -> maxBytes - 1;
          case 2 -> maxBytes + 1;
          case 3 -> buffer - 1 - data.size() % buffer; // ends right at a buffer boundary
          case 4 -> 0;
          default -> random.nextInt(200);
        };
        data.writeBytes(lineOf(Math.max(0, length), random));
        boolean last = i == lines - 1;
        if (!last || random.nextBoolean()) {
          data.writeBytes(random.nextBoolean() ? new byte[] {'\r', '\n'} : new byte[] {'\n'});
        }
      }
      if (random.nextInt(4) == 0) {
        data.writeBytes(bytes(0xf0, 0x9f, 0x8e)); // the archive ends inside a character
      }
      byte[] all = data.toByteArray();
      List<String> expected = mainsRule(all, maxBytes);
      List<String> actual = new ArrayList<>();
      Utf8LineReader reader = new Utf8LineReader(maxBytes).reset(trickle(all, random.nextLong()));
      long number = 0;
      for (byte[] line = reader.readLineBytes(); line != null; line = reader.readLineBytes()) {
        number++;
        String problem = reader.problem();
        if (problem == null && SourceLine.isBlank(line)) {
          continue;
        }
        SourceLine source = SourceLine.ofUtf8("f", number, line, problem);
        actual.add(number + " " + source.problem() + " " + digest(source.text()));
      }
      assertThat(actual).as("round %d, maxBytes %d", round, maxBytes).isEqualTo(expected);
      // the integrity re-check's count must equal what the exporter kept, or a re-check repairs the hour for nothing
      assertThat(new Utf8LineReader(maxBytes).reset(trickle(all, random.nextLong())).countKeptLines())
          .as("round %d: re-check count", round).isEqualTo(expected.size());
    }
  }

  /** Main's rule, independently: split on '\n', drop one '\r', limit on the bytes with '\r', strict decoding. */
  private static List<String> mainsRule(byte[] data, int maxBytes) {
    List<String> lines = new ArrayList<>();
    int start = 0;
    long number = 0;
    while (start < data.length) {
      int end = start;
      while (end < data.length && data[end] != '\n') {
        end++;
      }
      number++;
      int length = end - start;
      String problem = null;
      String text = "";
      if (length > maxBytes) {
        problem = "the line is longer than " + maxBytes + " bytes";
      } else {
        if (length > 0 && data[start + length - 1] == '\r') {
          length--;
        }
        problem = strictProblem(Arrays.copyOfRange(data, start, start + length));
        text = problem == null ? new String(data, start, length, StandardCharsets.UTF_8) : "";
      }
      if (problem != null || !text.isBlank()) {
        lines.add(number + " " + problem + " " + digest(text));
      }
      start = end + 1;
    }
    return lines;
  }

  private static void compare(byte[] line, List<String> disagreements) {
    String expected = strictProblem(line);
    String actual = Utf8Text.problem(line, 0, line.length);
    if (!String.valueOf(expected).equals(String.valueOf(actual)) && disagreements.size() < 20) {
      disagreements.add(hex(line) + ": JDK " + expected + ", Utf8Text " + actual);
    }
  }

  /** Main's check: the JDK's strict decoder, the message the reader always gave. */
  private static String strictProblem(byte[] line) {
    CharsetDecoder strict = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(line);
    CoderResult result = strict.decode(in, CharBuffer.allocate(line.length), true);
    return result.isError() ? "the line is not valid UTF-8 (at byte " + (in.position() + 1) + ")" : null;
  }

  /** ASCII with multibyte characters (2-, 3- and 4-byte), now and then invalid bytes, of exactly {@code length}. */
  private static byte[] lineOf(int length, Random random) {
    byte[] line = new byte[length];
    int i = 0;
    while (i < length) {
      int pick = random.nextInt(40);
      byte[] piece = pick == 0 ? bytes(0xf0, 0x9f, 0x8e, 0xa7) : pick == 1 ? bytes(0xe2, 0x80, 0xa8)
          : pick == 2 ? bytes(0xc3, 0xa9) : pick == 3 && random.nextInt(50) == 0 ? bytes(0xed, 0xa0, 0x80)
          : pick == 4 ? bytes(' ') : bytes('a' + random.nextInt(26));
      if (i + piece.length > length) {
        piece = bytes('z');
      }
      System.arraycopy(piece, 0, line, i, piece.length);
      i += piece.length;
    }
    return line;
  }

  private static String digest(String text) {
    return text.length() + ":" + text.hashCode();
  }

  private static InputStream trickle(byte[] data, long seed) {
    Random random = new Random(seed);
    return new FilterInputStream(new ByteArrayInputStream(data)) {
      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int pick = random.nextInt(4);
        int n = pick == 0 ? 1 + random.nextInt(7) : pick == 1 ? len : 1 + random.nextInt(Math.max(1, len));
        return super.read(b, off, Math.min(len, n));
      }
    };
  }

  private static byte[] bytes(int... values) {
    byte[] bytes = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      bytes[i] = (byte) values[i];
    }
    return bytes;
  }

  private static String hex(byte[] bytes) {
    StringBuilder hex = new StringBuilder();
    for (byte b : bytes) {
      hex.append(String.format("%02x ", b & 0xff));
    }
    return hex.toString();
  }
}
