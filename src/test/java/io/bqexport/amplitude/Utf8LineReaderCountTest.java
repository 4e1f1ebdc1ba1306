package io.bqexport.amplitude;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Utf8LineReader#countKeptLines()} is the integrity re-check's count: it must equal the number of lines a
 * reader keeps ({@link ExportLineStream}: not blank, or bad), line for line, without decoding them.
 */
class Utf8LineReaderCountTest {

  private static final List<String> PIECES = List.of("{\"a\":1}", " ", "\t", "\r", "\u000b", "\u001f", "\u3000",
      "\u2003", "é", "x", "🎧", "  {}", "\u00a0", "");
  private static final List<byte[]> INVALID = List.of(new byte[] {(byte) 0xff}, new byte[] {(byte) 0xc3},
      new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80});

  @Test
  void countsWhatReadLineKeeps() throws IOException {
    Random random = new Random(5);
    for (int round = 0; round < 3000; round++) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      int lines = random.nextInt(6);
      for (int i = 0; i < lines; i++) {
        int parts = random.nextInt(5);
        for (int p = 0; p < parts; p++) {
          if (random.nextInt(10) == 0) {
            bytes.write(INVALID.get(random.nextInt(INVALID.size())));
          } else {
            bytes.write(PIECES.get(random.nextInt(PIECES.size())).getBytes(StandardCharsets.UTF_8));
          }
        }
        if (i < lines - 1 || random.nextBoolean()) {
          bytes.write(random.nextBoolean() ? '\n' : '\r');
          if (random.nextBoolean()) {
            bytes.write('\n');
          }
        }
      }
      byte[] data = bytes.toByteArray();
      int maxBytes = random.nextBoolean() ? 1024 : 1 + random.nextInt(6); // small: the too-long lines
      long expected = keptByReadLine(data, maxBytes);
      assertThat(new Utf8LineReader(maxBytes).reset(trickle(data, random.nextLong())).countKeptLines())
          .as("%s with maxBytes %d", java.util.Arrays.toString(data), maxBytes).isEqualTo(expected);
    }
  }

  @Test
  void countsTheRestAfterLinesAlreadyRead() throws IOException {
    byte[] data = "{\"a\":1}\n\n   \n{\"b\":2}\r\n \u3000 \n{\"c\":3}".getBytes(StandardCharsets.UTF_8);
    Utf8LineReader reader = new Utf8LineReader(1024).reset(new ByteArrayInputStream(data));
    assertThat(reader.readLine()).isEqualTo("{\"a\":1}");
    assertThat(reader.countKeptLines()).isEqualTo(2);
  }

  /** What ExportLineStream keeps: lines with a problem, and lines that are not blank. */
  private static long keptByReadLine(byte[] data, int maxBytes) throws IOException {
    Utf8LineReader reader = new Utf8LineReader(maxBytes).reset(new ByteArrayInputStream(data));
    long kept = 0;
    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
      if (reader.problem() != null || !line.isBlank()) {
        kept++;
      }
    }
    return kept;
  }

  /** Hands the bytes out a few at a time, so lines cross every read boundary. */
  private static InputStream trickle(byte[] data, long seed) {
    Random random = new Random(seed);
    return new ByteArrayInputStream(data) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        return super.read(b, off, Math.min(len, 1 + random.nextInt(4)));
      }
    };
  }
}
