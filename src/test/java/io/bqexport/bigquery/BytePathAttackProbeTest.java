package io.bqexport.bigquery;

import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.ExportWindow;
import io.bqexport.testing.amplitude.AmplitudeEventGenerator;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Attack probes on the byte path (issue 18): every line must land in BigQuery as the reference tree mapping
 * ({@link EventMapper#mapTree}) writes it, whichever parser (UTF-8 bytes or text) read it, and a mapping thread's
 * reused row buffer must never leak one row's bytes into another's.
 */
class BytePathAttackProbeTest {

  private static final ExportWindow WINDOW = ExportWindow.parse("2026-11-28T10:00:00Z/2026-11-28T12:00:00Z");
  private final EventMapper mapper = new EventMapper();

  /**
   * Jackson's UTF-8 parser packs field names into 4-byte quads; an escaped NUL (or other escaped control) at the end
   * of a name must not make it the name without it: "device_id\u0000" is an unknown key (extra), not device_id.
   */
  @Test
  void escapedControlCharactersInFieldNamesKeepTheirNames() throws Exception {
    List<String> lines = new ArrayList<>();
    for (String name : List.of("device_id", "user_id", "event_type", "city", "k", "ab", "abc", "abcd", "abcde",
        "event_properties", "a_twelve_chr", "sixteen_chars_ab")) {
      for (String tail : List.of("\\u0000", "\\u0000\\u0000", "\\u0000\\u0000\\u0000", "\\u0000\\u0000\\u0000\\u0000",
          "\\u0001", "\\t")) {
        lines.add("{\"" + name + tail + "\":\"v\"}");
        lines.add("{\"" + name + "\":\"w\",\"" + name + tail + "\":\"v\"}");
        lines.add("{\"event_properties\":{\"" + name + tail + "\":1,\"" + name + "\":2}}");
      }
    }
    lines.add("{\"\\u0000\":1}");
    lines.add("{\"\\u0000\":1,\"\":2}");
    lines.add("{\"event_properties\":{\"\":1,\"\\u0000\":2}}");
    assertAllMapAsTheTree(lines);
  }

  /** Non-ASCII and 4-byte names and values, at every offset modulo the parser's quad and buffer sizes. */
  @Test
  void multiByteTextAtEveryOffsetMapsAsTheTree() throws Exception {
    List<String> lines = new ArrayList<>();
    for (int pad = 0; pad < 9; pad++) {
      String p = "x".repeat(pad);
      lines.add("{\"" + p + "é\":\"" + p + "🎧\",\"user_id\":\"" + p + "ë\"}");
      lines.add("{\"event_properties\":{\"" + p + "🎧\":\"" + p + "\u2028\u0800\uFFFD\"}}");
      lines.add("{\"user_id\":\"" + "é".repeat(4000 + pad) + "🎧" + "\"}");
      lines.add("{\"user_id\":\"" + "a".repeat(8000 - 13 + pad) + "é🎧\\u00e9\"}");
    }
    assertAllMapAsTheTree(lines);
  }

  /** 64-bit edges, -0, big exponents, in columns and in properties. */
  @Test
  void numbersAtSixtyFourBitEdgesMapAsTheTree() throws Exception {
    List<String> lines = new ArrayList<>();
    for (String n : List.of("9223372036854775807", "9223372036854775808", "-9223372036854775808",
        "-9223372036854775809", "18446744073709551615", "-0", "0.0", "-0.0", "1e308", "1e309", "4.9e-324",
        "9007199254740993", "1E2", "00", "01", "+1", ".5", "1.", "NaN", "Infinity")) {
      lines.add("{\"amplitude_id\":" + n + "}");
      lines.add("{\"session_id\":" + n + ",\"event_id\":" + n + "}");
      lines.add("{\"location_lat\":" + n + "}");
      lines.add("{\"event_time\":" + n + "}");
      lines.add("{\"event_properties\":{\"n\":" + n + "}}");
    }
    assertAllMapAsTheTree(lines);
  }

  /** BOM, NUL and CR at the start or inside a line: either mapped as the tree does or refused as the tree does. */
  @Test
  void oddFirstBytesMapOrFailAsTheTree() throws Exception {
    assertAllMapAsTheTree(List.of("\uFEFF{\"user_id\":\"a\"}", " \uFEFF{}", "\t{}", "\r{}", "{}\r", "{\"a\":1}\u0000",
        "\u0000\u0000{}", "{\"a\u0000\":1}", "{\"user_id\":\"a\u0000b\"}", "{\"user_id\":\"\\u0000\"}",
        "\u00a0{}", "{}\u00a0", "{\"a\":\"\uFEFF\"}", "{ \"a\" : 1 }", "1", "\"s\"", "null", "{}}"));
  }

  /**
   * Mapping threads share one EventMapper (each with its own reused row buffer): under concurrency every row must
   * still hold its own event, byte for byte.
   */
  @Test
  void concurrentMappingThreadsNeverShareRowBytes() throws Exception {
    List<String> lines = new ArrayList<>();
    Iterator<String> generated = new AmplitudeEventGenerator(11, 77).lines(Instant.parse("2026-11-28T11:00:00Z"), 0, 800);
    generated.forEachRemaining(lines::add);
    lines.add("{\"user_id\":\"" + "big".repeat(60_000) + "\"}"); // a row larger than the kept block
    List<byte[]> expected = new ArrayList<>();
    for (String line : lines) {
      expected.add(mapper.mapTree(line, WINDOW).row());
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<List<byte[]>>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int shift = t * 97;
        results.add(pool.submit(() -> {
          List<MappedEvent> events = new ArrayList<>();
          for (int i = 0; i < lines.size(); i++) {
            String line = lines.get((i + shift) % lines.size());
            events.add(mapper.mapUtf8(line.getBytes(StandardCharsets.UTF_8), WINDOW));
          }
          List<byte[]> rows = new ArrayList<>(); // read only after every row of the thread was mapped
          for (MappedEvent event : events) {
            rows.add(event.row());
          }
          return rows;
        }));
      }
      for (int t = 0; t < 4; t++) {
        List<byte[]> rows = results.get(t).get();
        for (int i = 0; i < rows.size(); i++) {
          int index = (i + t * 97) % lines.size();
          assertThat(new String(rows.get(i), StandardCharsets.UTF_8)).as("thread %d line %d", t, index)
              .isEqualTo(new String(expected.get(index), StandardCharsets.UTF_8));
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private void assertAllMapAsTheTree(List<String> lines) {
    List<String> differences = new ArrayList<>();
    for (String line : lines) {
      Object tree = outcome(() -> mapper.mapTree(line, WINDOW));
      Object text = outcome(() -> mapper.map(line, WINDOW));
      Object bytes = outcome(() -> mapper.mapUtf8(line.getBytes(StandardCharsets.UTF_8), WINDOW));
      if (!tree.equals(text) || !tree.equals(bytes)) {
        differences.add(line + "\n    tree:  " + tree + "\n    text:  " + text + "\n    bytes: " + bytes);
      }
    }
    assertThat(differences).as("lines that land differently from the tree mapping").isEmpty();
  }

  private interface Mapping {
    MappedEvent map() throws Exception;
  }

  /** The row as text with its hour, keys and counts, or the error as message and column (the quarantine's words). */
  private static Object outcome(Mapping mapping) {
    try {
      MappedEvent event = mapping.map();
      return new String(event.row(), StandardCharsets.UTF_8) + " hour=" + event.hour() + " eventTime="
          + event.eventTime() + " unknown=" + List.copyOf(event.unknownKeys()) + " surrogates="
          + event.replacedSurrogates() + " inExtra=" + event.valuesInExtra();
    } catch (MalformedEventException e) {
      return "refused: " + e.getMessage() + " @" + e.column();
    } catch (Exception e) {
      return "threw: " + e;
    }
  }
}
