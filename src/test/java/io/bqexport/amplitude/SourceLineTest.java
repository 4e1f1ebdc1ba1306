package io.bqexport.amplitude;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Lines handed out as bytes ({@link SourceLine#ofUtf8}) must be judged exactly as the decoding reader judged them:
 * the same lines invalid, with the same message (the quarantine and the summary show it), the same blank lines
 * skipped, the same text.
 */
class SourceLineTest {

  /** Invalid forms by the Unicode standard's table 3-7, each also cut short and inside ASCII text. */
  private static final List<byte[]> INVALID = List.of(
      bytes(0x80), bytes(0xbf), bytes(0xc0, 0xaf), bytes(0xc1, 0xbf), bytes(0xe0, 0x80, 0xaf), bytes(0xe0, 0x9f, 0xbf),
      bytes(0xed, 0xa0, 0x80), bytes(0xed, 0xbf, 0xbf), bytes(0xf0, 0x8f, 0xbf, 0xbf), bytes(0xf4, 0x90, 0x80, 0x80),
      bytes(0xf5, 0x80, 0x80, 0x80), bytes(0xf8, 0x88, 0x80, 0x80, 0x80), bytes(0xfe), bytes(0xff),
      bytes(0xe2, 0x82), bytes(0xf0, 0x9f, 0x8e), bytes(0xc3), bytes(0xe2, 0x28, 0xa1), bytes(0xf0, 0x9f, 0x28, 0xa7));

  @Test
  void invalidUtf8IsReportedAsTheDecodingReaderReportsIt() throws IOException {
    for (byte[] bad : INVALID) {
      for (byte[] line : List.of(bad, concat("{\"user_id\":\"é".getBytes(StandardCharsets.UTF_8), bad, bytes('"', '}')),
          concat("0123456789abcdef".getBytes(StandardCharsets.UTF_8), bad))) {
        SourceLine fromBytes = SourceLine.ofUtf8("f", 1, line, null);
        Utf8LineReader reader = new Utf8LineReader(1024).reset(new ByteArrayInputStream(line));
        String text = reader.readLine();
        assertThat(reader.problem()).as(() -> hex(line)).startsWith("the line is not valid UTF-8 (at byte ");
        assertThat(fromBytes.problem()).as(() -> hex(line)).isEqualTo(reader.problem());
        assertThat(fromBytes.text()).isEqualTo(text).isEmpty();
        assertThat(fromBytes.utf8()).isNull();
        assertThat(SourceLine.isBlank(line)).isFalse();
      }
    }
  }

  /** Random bytes, mostly near-valid sequences: the check and the strict decoder agree on every one. */
  @Test
  void randomBytesAreJudgedAsByTheStrictDecoder() throws IOException {
    Random random = new Random(18);
    int valid = 0;
    Utf8LineReader reader = new Utf8LineReader(1024);
    for (int i = 0; i < 50_000; i++) {
      byte[] line = new byte[random.nextInt(24)];
      for (int k = 0; k < line.length; k++) {
        int pick = random.nextInt(8);
        line[k] = (byte) (pick < 3 ? 'a' + random.nextInt(26) : pick < 5 ? 0x80 + random.nextInt(64)
            : pick < 7 ? 0xc0 + random.nextInt(64) : random.nextInt(256));
        if (line[k] == '\n' || line[k] == '\r') {
          line[k] = ' ';
        }
      }
      String text = reader.reset(new ByteArrayInputStream(line)).readLine();
      SourceLine fromBytes = SourceLine.ofUtf8("f", 1, line, null);
      assertThat(fromBytes.problem()).as(() -> hex(line)).isEqualTo(line.length == 0 ? null : reader.problem());
      assertThat(fromBytes.text()).as(() -> hex(line)).isEqualTo(line.length == 0 ? "" : text);
      assertThat(SourceLine.isBlank(line)).as(() -> hex(line))
          .isEqualTo(line.length == 0 || reader.problem() == null && text.isBlank());
      // The oracle is the JDK's strict decoder itself: readLine above now uses the same check as SourceLine.
      assertThat(fromBytes.problem() == null).as(() -> "valid as the strict decoder says: " + hex(line))
          .isEqualTo(decodesStrictly(line));
      valid += fromBytes.problem() == null ? 1 : 0;
    }
    assertThat(valid).isBetween(2_000, 48_000); // both outcomes well exercised
  }

  @Test
  void validTextKeepsItsBytesAndBlankLinesAreThoseOfStringIsBlank() {
    String text = "{\"user_id\":\"Zoë 🎧 \uFFFD \u2028\"}";
    SourceLine line = SourceLine.ofUtf8("f", 3, text.getBytes(StandardCharsets.UTF_8), null);
    assertThat(line.problem()).isNull();
    assertThat(line.text()).isEqualTo(text);
    assertThat(line.utf8()).isEqualTo(text.getBytes(StandardCharsets.UTF_8));
    for (String blank : List.of("", " \t", "\u2003\u3000 ", "\u001c\u000b")) {
      assertThat(SourceLine.isBlank(blank.getBytes(StandardCharsets.UTF_8))).as(blank).isTrue();
    }
    for (String kept : List.of("\u00a0", " x", "\u2003{}", "\uFEFF")) {
      assertThat(SourceLine.isBlank(kept.getBytes(StandardCharsets.UTF_8))).as(kept).isFalse();
    }
  }

  @Test
  void aLineTheReaderCouldNotTakeKeepsItsProblem() {
    SourceLine line = SourceLine.ofUtf8("f", 9, new byte[0], "the line is longer than 10 bytes");
    assertThat(line.problem()).isEqualTo("the line is longer than 10 bytes");
    assertThat(line.text()).isEmpty();
    assertThat(line.utf8()).isNull();
    assertThat(line.location(4)).isEqualTo("file f line 9 column 4");
  }

  private static boolean decodesStrictly(byte[] bytes) {
    try {
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
          .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes));
      return true;
    } catch (java.nio.charset.CharacterCodingException e) {
      return false;
    }
  }

  private static byte[] bytes(int... values) {
    byte[] bytes = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      bytes[i] = (byte) values[i];
    }
    return bytes;
  }

  private static byte[] concat(byte[]... parts) {
    List<Byte> all = new ArrayList<>();
    for (byte[] part : parts) {
      for (byte b : part) {
        all.add(b);
      }
    }
    byte[] bytes = new byte[all.size()];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = all.get(i);
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
