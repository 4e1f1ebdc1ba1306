package io.bqexport.amplitude;

import io.bqexport.ExportWindow;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bqexport.testing.amplitude.AmplitudeEventGenerator;
import io.bqexport.testing.amplitude.ExportArchiveWriter;
import io.bqexport.testing.amplitude.ExportArchiveWriter.EntryMethod;
import io.bqexport.testing.amplitude.GeneratedEvents;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

/** Archive parsing without a server: hand-made zips, including damaged and zip64 ones. */
class ExportLineStreamTest {
  private static final ExportWindow WINDOW = ExportWindow.ofHour(Instant.parse("2026-11-28T17:00:00Z"));

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final ZipOutputStream zip = new ZipOutputStream(bytes);

  private void gzEntry(String name, String text) throws IOException {
    zip.putNextEntry(new ZipEntry(name));
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
    zip.write(gz.toByteArray());
    zip.closeEntry();
  }

  private void plainEntry(String name, byte[] content) throws IOException {
    zip.putNextEntry(new ZipEntry(name));
    zip.write(content);
    zip.closeEntry();
  }

  private byte[] finish() throws IOException {
    zip.close();
    return bytes.toByteArray();
  }

  private static List<SourceLine> read(ExportLineStream stream) {
    List<SourceLine> lines = new ArrayList<>();
    try (stream) {
      for (SourceLine line = stream.next(); line != null; line = stream.next()) {
        lines.add(line);
      }
    }
    return lines;
  }

  private static List<SourceLine> read(byte[] archive) {
    return read(ExportLineStream.of(WINDOW, new ByteArrayInputStream(archive)));
  }

  @Test
  void splitsLinesAcrossEntriesSkippingBlanksAndDirectoriesButCountingTheirNumbers() throws IOException {
    zip.putNextEntry(new ZipEntry("187520/"));
    zip.closeEntry();
    gzEntry("187520/187520_2026-11-28_17#0.json.gz", "{\"a\":1}\r\n\n{\"a\":2}\n   \n{\"a\":3}");
    plainEntry("187520/187520_2026-11-28_17#1.json", "{\"b\":\"é\"}\n".getBytes(StandardCharsets.UTF_8));

    List<SourceLine> lines = read(finish());

    assertThat(lines).extracting(SourceLine::text)
        .containsExactly("{\"a\":1}", "{\"a\":2}", "{\"a\":3}", "{\"b\":\"é\"}");
    assertThat(lines).extracting(SourceLine::lineNumber).containsExactly(1L, 3L, 5L, 1L);
    assertThat(lines.get(2).location()).isEqualTo("file 187520/187520_2026-11-28_17#0.json.gz line 5");
  }

  @Test
  void anEmptyArchiveHasNoLines() throws IOException {
    assertThat(read(finish())).isEmpty();
  }

  @Test
  void somethingThatIsNotAZipIsCorrupt() {
    assertThatThrownBy(() -> read("<html>gateway error</html>".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(CorruptArchiveException.class).hasMessageContaining("end-of-central-directory");
  }

  @Test
  void afterAFailureTheStreamNeverLooksComplete() throws IOException {
    gzEntry("a.json.gz", "{}\n");
    byte[] archive = finish();
    byte[] truncated = Arrays.copyOf(archive, archive.length - 30);

    try (ExportLineStream stream = ExportLineStream.of(WINDOW, new ByteArrayInputStream(truncated))) {
      assertThat(stream.next().text()).isEqualTo("{}");
      assertThatThrownBy(stream::next).isInstanceOf(CorruptArchiveException.class);
      assertThatThrownBy(stream::next).isInstanceOf(CorruptArchiveException.class);
    }
  }

  @Test
  void countLinesCountsTheChosenFilesKeptLinesAndAllLinesRead() throws IOException {
    gzEntry("187520/187520_2026-11-28_17#0.json.gz", "{\"a\":1}\n\n{\"a\":2}\n{\"a\":3}\n");
    plainEntry("187520/187520_2026-11-28_17#1.json", "{\"b\":1}\n{\"b\":2}\n".getBytes(StandardCharsets.UTF_8));

    try (ExportLineStream stream = ExportLineStream.of(WINDOW, new ByteArrayInputStream(finish()))) {
      assertThat(stream.countLines(file -> file.endsWith("#0.json.gz"))).isEqualTo(3);
      assertThat(stream.linesRead()).isEqualTo(5);
      assertThat(stream.filesRead()).isEqualTo(2);
      assertThat(stream.window()).isEqualTo(WINDOW);
      assertThat(stream.next()).as("the end was verified").isNull();
    }
  }

  @Test
  void countLinesVerifiesTheArchivesEndToo() throws IOException {
    gzEntry("a.json.gz", "{}\n");
    byte[] archive = finish();

    try (ExportLineStream stream = new ExportLineStream(WINDOW, new ByteArrayInputStream(archive), archive.length + 10)) {
      assertThatThrownBy(() -> stream.countLines(file -> true)).isInstanceOf(CorruptArchiveException.class)
          .hasMessageContaining("of " + (archive.length + 10) + " bytes");
    }
  }

  @Test
  void aContentLengthOfZeroIsHeldToo() throws IOException {
    gzEntry("a.json.gz", "{}\n");
    byte[] archive = finish();

    assertThatThrownBy(() -> read(new ExportLineStream(WINDOW, new ByteArrayInputStream(archive), 0)))
        .isInstanceOf(CorruptArchiveException.class).hasMessageContaining("ended after " + archive.length + " of 0");
  }

  @Test
  void closingMidwayClosesTheResponseBodyAndLaterReadsFail() throws IOException {
    gzEntry("a.json.gz", "{}\n{}\n");
    boolean[] closed = {false};
    InputStream body = new FilterInputStream(new ByteArrayInputStream(finish())) {
      @Override
      public void close() throws IOException {
        closed[0] = true;
        super.close();
      }
    };

    ExportLineStream stream = ExportLineStream.of(WINDOW, body);
    assertThat(stream.next().text()).isEqualTo("{}");
    stream.close();

    assertThat(closed[0]).as("the download is aborted, not left open").isTrue();
    assertThatThrownBy(stream::next).isInstanceOf(IllegalStateException.class).hasMessageContaining("was closed");
  }

  @Test
  void aResponseShorterThanItsContentLengthIsCorrupt() throws IOException {
    gzEntry("a.json.gz", "{}\n");
    byte[] archive = finish();

    assertThatThrownBy(() -> read(new ExportLineStream(WINDOW, new ByteArrayInputStream(archive), archive.length + 10)))
        .isInstanceOf(CorruptArchiveException.class).hasMessageContaining("of " + (archive.length + 10) + " bytes");
  }

  @Test
  void aDirectoryThatListsMoreEntriesThanStreamedIsCorrupt() throws IOException {
    gzEntry("a.json.gz", "{}\n");
    gzEntry("b.json.gz", "{}\n");
    byte[] archive = finish();
    archive[archive.length - 22 + 10] = 3; // total entries in the end record

    assertThatThrownBy(() -> read(archive))
        .isInstanceOf(CorruptArchiveException.class).hasMessageContaining("lists 3 entries but 2 were streamed");
  }

  @Test
  void aZipCommentIsAllowed() throws IOException {
    zip.setComment("exported by Amplitude");
    gzEntry("a.json.gz", "{}\n");

    assertThat(read(finish())).hasSize(1);
  }

  @Test
  void zip64EndRecordsAreVerified() throws IOException {
    gzEntry("a.json.gz", "{}\n");
    gzEntry("b.json.gz", "{}\n{}\n");
    byte[] zip64 = withZip64End(finish(), 2);

    assertThat(read(zip64)).hasSize(3);
    assertThatThrownBy(() -> read(withZip64End(bytes.toByteArray(), 5)))
        .isInstanceOf(CorruptArchiveException.class).hasMessageContaining("lists 5 entries but 2 were streamed");
  }

  /** Rewrites the end of a small zip the way zip64 writers end large ones (which ZipOutputStream only does past 65535 entries). */
  private static byte[] withZip64End(byte[] zip, long entries) {
    ByteBuffer end = ByteBuffer.wrap(zip, zip.length - 22, 22).slice().order(ByteOrder.LITTLE_ENDIAN);
    long directorySize = end.getInt(12) & 0xFFFFFFFFL;
    long directoryOffset = end.getInt(16) & 0xFFFFFFFFL;
    int recordOffset = zip.length - 22;
    ByteBuffer out = ByteBuffer.allocate(recordOffset + 56 + 20 + 22).order(ByteOrder.LITTLE_ENDIAN);
    out.put(zip, 0, recordOffset);
    out.putInt(0x06064b50).putLong(44).putShort((short) 45).putShort((short) 45).putInt(0).putInt(0)
        .putLong(entries).putLong(entries).putLong(directorySize).putLong(directoryOffset);
    out.putInt(0x07064b50).putInt(0).putLong(recordOffset).putInt(1);
    out.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) 0xFFFF).putShort((short) 0xFFFF)
        .putInt(-1).putInt(-1).putShort((short) 0);
    return out.array();
  }

  @Test
  void invalidUtf8IsABadLineNamingFileLineAndByteNotTheEndOfTheArchive() throws IOException {
    plainEntry("bad.json", new byte[] {'{', '}', '\n', '"', 'a', (byte) 0xC3, (byte) 0x28, '"', '\n', '{', '}', '\n'});

    List<SourceLine> lines = read(finish());

    assertThat(lines).extracting(SourceLine::lineNumber).containsExactly(1L, 2L, 3L);
    assertThat(lines.get(1).problem()).isEqualTo("the line is not valid UTF-8 (at byte 3)");
    assertThat(lines.get(1).text()).isEmpty();
    assertThat(lines.get(0).problem()).isNull();
    assertThat(lines.get(2).problem()).isNull();
  }

  @Test
  void aRunawayLineIsSkippedWithoutBufferingAndTheNextLinesFollow() throws IOException {
    String runaway = "{\"x\":\"" + "y".repeat(200_000) + "\"}";
    plainEntry("long.json", ("{}\n" + runaway + "\n{\"after\":1}\n" + runaway).getBytes(StandardCharsets.UTF_8));
    byte[] archive = finish();

    List<SourceLine> lines = read(new ExportLineStream(WINDOW, new ByteArrayInputStream(archive), -1, 1000));

    assertThat(lines).extracting(SourceLine::text).containsExactly("{}", "", "{\"after\":1}", "");
    assertThat(lines).extracting(SourceLine::problem)
        .containsExactly(null, "the line is longer than 1000 bytes", null, "the line is longer than 1000 bytes");
    assertThat(lines.get(1).location()).isEqualTo("file long.json line 2");
  }

  @Test
  void linesLongerThanTheReadBufferStayWhole() throws IOException {
    String longLine = "{\"x\":\"" + "z".repeat(100_000) + "\"}";
    gzEntry("big.json.gz", longLine + "\r\n" + longLine);

    assertThat(read(finish())).extracting(SourceLine::text).containsExactly(longLine, longLine);
  }

  @Test
  void theFirstLineArrivesLongBeforeTheArchiveIsRead() throws IOException {
    GeneratedEvents hour = new GeneratedEvents(new AmplitudeEventGenerator(5, 187520))
        .hour(WINDOW.start(), 20_000).eventsPerFile(20_000);
    ByteArrayOutputStream archive = new ByteArrayOutputStream();
    new ExportArchiveWriter(EntryMethod.DEFLATED, ExportArchiveWriter.EntryObserver.NONE)
        .writeZip(hour, WINDOW.start(), WINDOW.end(), archive);
    CountingInputStream source = new CountingInputStream(new ByteArrayInputStream(archive.toByteArray()));

    try (ExportLineStream lines = ExportLineStream.of(WINDOW, source)) {
      assertThat(lines.next().text()).contains(hour.values(WINDOW.start(), "uuid").get(0));
      assertThat(source.count).isLessThan(512 * 1024).isLessThan(archive.size() / 10);
      long count = 1;
      while (lines.next() != null) {
        count++;
      }
      assertThat(count).isEqualTo(20_000);
      assertThat(source.count).isEqualTo(archive.size());
    }
  }

  private static final class CountingInputStream extends FilterInputStream {
    long count;

    CountingInputStream(InputStream in) {
      super(in);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      count += Math.max(0, n);
      return n;
    }
  }
}
