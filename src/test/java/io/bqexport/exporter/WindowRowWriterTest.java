package io.bqexport.exporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bqexport.ExportWindow;
import io.bqexport.amplitude.LineSource;
import io.bqexport.amplitude.SourceLine;
import io.bqexport.amplitude.WindowSource;
import io.bqexport.bigquery.EventMapper;
import io.bqexport.bigquery.WindowStats;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * WindowRowWriter on its own: lines from memory through the real EventMapper into a byte stream, no stand-in server
 * and no BigQuery. What a whole export run cannot show: how far the reader runs ahead of the rows written (the
 * memory bound of the class comment), the byte counts of the stats, the cap on schema drift.
 */
class WindowRowWriterTest {

  private static final Instant HOUR = Instant.parse("2026-11-28T00:00:00Z");
  private static final ExportWindow WINDOW = ExportWindow.ofHour(HOUR);
  /** A name ExportFileHour cannot read: events are routed by their server_upload_time within the window. */
  private static final String FILE = "lines.json";
  private static final String EVENT = "{\"uuid\":\"u%d\",\"$insert_id\":\"i%d\",\"event_type\":\"Play\","
      + "\"event_time\":\"2026-11-28 00:20:00.000000\",\"server_upload_time\":\"2026-11-28 00:30:00.000000\"%s}";
  /** The writer's mapping threads: as many as cores, 1 to 4 (WindowRowWriter's constructor). */
  private static final int THREADS = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));

  private static String event(int i) {
    return EVENT.formatted(i, i, "");
  }

  private static SourceLine utf8(int i, String text) {
    return SourceLine.ofUtf8(FILE, i + 1, text.getBytes(StandardCharsets.UTF_8), null);
  }

  private static List<SourceLine> lines(int count, IntFunction<String> text) {
    return IntStream.range(0, count).mapToObj(i -> utf8(i, text.apply(i))).toList();
  }

  /** Serves the lines from memory and counts those the writer has taken. */
  private static final class MemorySource implements WindowSource {
    private final List<SourceLine> lines;
    private int read;

    MemorySource(List<SourceLine> lines) {
      this.lines = lines;
    }

    @Override
    public LineSource open(ExportWindow window) {
      Iterator<SourceLine> it = lines.iterator();
      return new LineSource() {
        @Override
        public SourceLine next() {
          if (!it.hasNext()) {
            return null;
          }
          read++;
          return it.next();
        }

        @Override
        public void close() {}
      };
    }
  }

  /** The upload stream: keeps the rows and how many lines the reader had taken when the first row arrived. */
  private static final class Upload extends ByteArrayOutputStream {
    private final MemorySource source;
    private int readAtFirstRow = -1;

    Upload(MemorySource source) {
      this.source = source;
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      mark();
      super.write(b, off, len);
    }

    @Override
    public synchronized void write(int b) {
      mark();
      super.write(b);
    }

    private void mark() {
      if (readAtFirstRow < 0) {
        readAtFirstRow = source.read;
      }
    }

    List<String> rows() {
      String text = toString(StandardCharsets.UTF_8);
      return text.isEmpty() ? List.of() : List.of(text.split("\n"));
    }
  }

  private record Written(WindowRowWriter writer, WindowStats stats, Upload upload) {}

  private static Written write(List<SourceLine> lines, int maxBadRecords, EventTypeFilter filter, Set<String> drift)
      throws IOException {
    MemorySource source = new MemorySource(lines);
    WindowRowWriter writer = new WindowRowWriter(source, new EventMapper(), filter, WINDOW, maxBadRecords,
        "source.maxBadRecords", drift);
    Upload upload = new Upload(source);
    WindowStats stats = writer.writeRows(upload);
    return new Written(writer, stats, upload);
  }

  private static Written write(List<SourceLine> lines) throws IOException {
    return write(lines, 0, EventTypeFilter.of((ExporterConfig.EventFilter) null), new HashSet<>());
  }

  private static List<String> uuids(Upload upload) {
    return upload.rows().stream().map(r -> r.replaceAll(".*\"uuid\":\"(u[0-9]+)\".*", "$1")).toList();
  }

  /**
   * Batches of 256 lines, 2 x threads of them in flight: the first row is written when exactly that many lines are
   * read. Fewer would leave mappers idle (batches of 1 line, writing after the first batch); more would break the
   * memory bound.
   */
  @Test
  void theReaderRunsTwoBatchesOf256LinesPerMapperAheadOfTheFirstRow() throws IOException {
    int count = (2 * THREADS + 3) * 256;

    Written w = write(lines(count, WindowRowWriterTest::event));

    assertThat(w.upload().readAtFirstRow).isEqualTo(2 * THREADS * 256);
    assertThat(uuids(w.upload())).as("rows in source order")
        .isEqualTo(IntStream.range(0, count).mapToObj(i -> "u" + i).toList());
    assertThat(w.stats().rows()).isEqualTo(count);
  }

  /** A batch is cut when its lines reach 1 MiB, not only beyond it: two lines of exactly 512 KiB make a batch. */
  @Test
  void aBatchIsCutWhenItsLinesReachOneMebibyte() throws IOException {
    int lineBytes = WindowRowWriter.BATCH_BYTES / 2;
    String pad = ",\"event_properties\":{\"pad\":\"%s\"}";
    IntFunction<String> text = i -> EVENT.formatted(i, i,
        pad.formatted("p".repeat(lineBytes - EVENT.formatted(i, i, pad.formatted("")).length())));
    int count = 2 * THREADS * 3 + 1;
    List<SourceLine> lines = lines(count, text);
    assertThat(lines).allSatisfy(l -> assertThat(l.length()).isEqualTo(lineBytes));

    Written w = write(lines);

    assertThat(w.upload().readAtFirstRow).isEqualTo(2 * THREADS * 2);
    assertThat(w.stats().rows()).isEqualTo(count);
  }

  /** The bytes counted for the load and the ledger are the NDJSON uploaded: each row and its newline. */
  @Test
  void theStatsCountEveryByteOfTheUploadNewlinesIncluded() throws IOException {
    Written w = write(lines(300, WindowRowWriterTest::event));

    assertThat(w.stats().bytes()).isEqualTo(w.upload().size());
    assertThat(w.stats().hour(HOUR).bytes()).isEqualTo(w.upload().size());
    assertThat(w.stats().hour(HOUR).rows()).isEqualTo(300);
    assertThat(w.stats().hour(HOUR).sourceLines()).isEqualTo(300);
  }

  /** The run summary lists at most 100 drifted keys: collection stops once 100 are known. */
  @Test
  void schemaDriftStopsCollectingAtOneHundredKeys() throws IOException {
    Set<String> drift = new HashSet<>();

    write(lines(150, i -> EVENT.formatted(i, i, ",\"drift_" + i + "\":1")), 0,
        EventTypeFilter.of((ExporterConfig.EventFilter) null), drift);

    assertThat(drift).isEqualTo(IntStream.range(0, 100).mapToObj(i -> "drift_" + i).collect(Collectors.toSet()));
  }

  /** Lines made from text (no bytes) are mapped from their text, to the same rows as the same lines as bytes. */
  @Test
  void linesMadeFromTextAreMappedLikeLinesOfBytes() throws IOException {
    List<SourceLine> text = IntStream.range(0, 10).mapToObj(i -> new SourceLine(FILE, i + 1, event(i))).toList();

    Written fromText = write(text);

    assertThat(fromText.upload().rows()).isEqualTo(write(lines(10, WindowRowWriterTest::event)).upload().rows())
        .hasSize(10);
  }

  /** Bad lines up to maxBadRecords are skipped and counted, filtered events counted; one more bad line fails. */
  @Test
  void badLinesUpToTheLimitAreSkippedAndOneMoreFailsTheWindow() throws IOException {
    List<SourceLine> lines = new ArrayList<>(lines(5, WindowRowWriterTest::event));
    lines.add(2, utf8(90, "not json"));
    lines.add(4, utf8(91, "[1]"));
    EventTypeFilter dropPause = EventTypeFilter.of(new ExporterConfig.EventFilter(null,
        List.of(new ExporterConfig.FilterRule("Pause", null))));
    lines.add(utf8(92, "{\"uuid\":\"u9\",\"event_type\":\"Pause\"}"));

    Written w = write(lines, 2, dropPause, new HashSet<>());

    assertThat(uuids(w.upload())).containsExactly("u0", "u1", "u2", "u3", "u4");
    assertThat(w.writer().counts()).isEqualTo(new MappingCounts(2, 0, 0));
    assertThat(w.writer().filtered()).isEqualTo(1);
    assertThat(w.stats().hour(HOUR).sourceLines()).as("bad and filtered lines too").isEqualTo(8);
    assertThatThrownBy(() -> write(lines, 1, dropPause, new HashSet<>()))
        .isInstanceOfSatisfying(ExportFailure.class, e -> {
          assertThat(e.reason()).isEqualTo(FailureReason.BadRecords);
          assertThat(e.getMessage()).contains("file lines.json line 92", "source.maxBadRecords=1")
              .doesNotContain("[1]");
        });
  }
}
