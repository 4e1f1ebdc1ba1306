package io.bqexport.bigquery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bqexport.ExportWindow;
import io.bqexport.amplitude.SourceLine;
import io.bqexport.testing.amplitude.AmplitudeEventGenerator;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The streaming fast path ({@link EventMapper#mapStreaming}) must write exactly the bytes of the tree mapping, and hand
 * every line it does not map alike back to the tree: this is the exactly-once path, so what lands in BigQuery must
 * not depend on which path mapped a line.
 */
class EventMapperEquivalenceTest {

  private static final ExportWindow WINDOW = ExportWindow.parse("2026-11-28T10:00:00Z/2026-11-28T12:00:00Z");
  private final EventMapper mapper = new EventMapper();

  @Test
  void generatedEventsTakeTheFastPathAndMapToTheTreesBytes() throws Exception {
    Iterator<String> lines = new AmplitudeEventGenerator(7, 123).lines(Instant.parse("2026-11-28T11:00:00Z"), 0, 3000);
    int fast = 0;
    List<String> unusual = new ArrayList<>();
    while (lines.hasNext()) {
      String line = lines.next();
      MappedEvent tree = mapper.mapTree(line, WINDOW);
      assertSame(mapper.map(line, WINDOW), tree, line);
      assertSame(mapper.mapUtf8(utf8(line), WINDOW), tree, line);
      try {
        assertSame(mapper.mapStreaming(line, WINDOW), tree, line);
        assertSame(mapper.mapStreaming(utf8(line), WINDOW), tree, line);
        fast++;
      } catch (StreamingEventMapper.Unusual e) {
        unusual.add(line);
      }
    }
    assertThat(fast).as("unusual: %s", unusual.subList(0, Math.min(3, unusual.size()))).isEqualTo(3000);
  }

  /** Lines the fast path maps itself; each must equal the tree's mapping. */
  @Test
  void edgesTheFastPathMapsEqualTheTree() throws Exception {
    List<String> lines = List.of(
        "{}",
        " { \"uuid\" : \"u\" } ",
        "{\"user_id\":\"\\u00e9\\u0041\\n\\t\\\"\\\\/ \\u2028\"}",
        "{\"user_id\":\"Zoë 🎧 \\ud83c\\udfa7\"}".replace("\\ud83c\\udfa7", "🎧"),
        "{\"user_id\":\"\\ud83d\\ude80 \\\\ \\\\u\\u00e9\",\"event_properties\":{\"\\uD83C\\uDFA7\":\"\\\\\"}}",
        "{\"event_properties\":{\"a\":\"\\u00e9\",\"e\":\"🎧\",\"k\\u00e9y\":1}}",
        "{\"event_properties\":{\"n\":[1,-0,1.50,1e3,1.5E-7,-2.0e+2,123456789012345678901234567890,"
            + "9223372036854775807,9223372036854775808,-9223372036854775809,0.1,1e400]}}",
        "{\"event_properties\":{\"d\":" + "[".repeat(60) + "1" + "]".repeat(60) + "}}",
        "{\"event_properties\":{" + keys(0, 16) + "},\"user_properties\":{" + keys(0, 17) + "},\"groups\":{"
            + keys(0, 200) + "}}",
        "{\"data\":\"text\",\"plan\":7,\"groups\":[],\"global_user_properties\":true,\"user_properties\":null}",
        "{\"amplitude_id\":9223372036854775807,\"session_id\":-1,\"app\":2147483648,\"event_id\":true,"
            + "\"$schema\":{\"x\":1}}",
        "{\"location_lat\":1,\"location_lng\":-2.5e-3,\"sample_rate\":1e400,\"location_lat\":null}"
            .replace(",\"location_lat\":null", ""),
        "{\"location_lat\":48.8566,\"location_lng\":9007199254740993,\"sample_rate\":[1]}",
        "{\"is_attribution_event\":1,\"paying\":true,\"city\":1.5e3,\"dma\":-0,\"region\":false}",
        "{\"is_attribution_event\":2}",
        "{\"is_attribution_event\":0.0}",
        "{\"event_time\":\"2026-11-20 09:15:30\",\"server_upload_time\":\"2026-11-28T11:59:59.9999999+00:00\"}",
        "{\"event_time\":\"2026-11-20T09:15:30.1Z\",\"client_event_time\":\"2026-11-20 10:15:30.123456789-05:30\"}",
        "{\"event_time\":\" 2026-11-20 09:15:30 \",\"processed_time\":\"2026-02-30 00:00:00\"}",
        "{\"event_time\":1764323999123,\"server_upload_time\":1764320400000,\"processed_time\":1764320400}",
        "{\"event_time\":1.7643e12,\"user_creation_time\":true,\"server_received_time\":{\"a\":1}}",
        "{\"event_time\":\"0001-01-01 00:00:00\",\"client_upload_time\":\"9999-12-31 23:59:59.999999\"}",
        "{\"event_time\":\"0001-01-01 00:00:00+00:01\",\"client_upload_time\":\"9999-12-31 23:59:59-00:01\"}",
        "{\"server_upload_time\":\"2026-11-27 23:00:00\"}",
        "{\"server_upload_time\":\"2026-11-29 23:00:00\",\"extra\":{\"x\":1},\"bqexport_hour\":\"h\"}",
        "{\"ingestion_metadata\":{\"source\":\"s\"},\"$bqexport_unknown_flag\":null,\"z\":[{},[]]}",
        "{\"event_type\":\"a\",\"unknown\":1,\"amplitude_id\":\"not a column type\"}".replace(
            ",\"amplitude_id\":\"not a column type\"", ""));
    for (String line : lines) {
      MappedEvent tree = mapper.mapTree(line, WINDOW);
      assertSame(mapper.mapStreaming(line, WINDOW), tree, line);
      assertSame(mapper.mapStreaming(utf8(line), WINDOW), tree, line);
    }
  }

  /** Lines the fast path hands back: through EventMapper they map (or fail) exactly as the tree does. */
  @Test
  void unusualLinesGoToTheTree() throws Exception {
    List<String> lines = List.of(
        "{\"uuid\":\"a\",\"uuid\":\"b\"}",
        "{\"uuid\":\"a\",\"event_type\":\"x\",\"uuid\":null}",
        "{\"x\":1,\"x\":2}",
        "{\"event_properties\":{\"a\":1,\"b\":2,\"a\":3}}",
        "{\"event_properties\":{" + keys(0, 40) + ",\"k7\":0}}",
        "{\"user_properties\":[{" + keys(0, 10) + ",\"k3\":0}]}",
        "{\"event_properties\":{\"d\":" + "[".repeat(70) + "]".repeat(70) + "}}",
        "{\"amplitude_id\":12.0,\"session_id\":\"1732780800123\",\"event_id\":\" 7 \",\"app\":1e30}",
        "{\"amplitude_id\":18446744073709551616}",
        "{\"is_attribution_event\":18446744073709551616,\"paying\":{\"a\":[1]}}",
        "{\"location_lat\":\"48.5\",\"location_lng\":\" NaN \",\"is_attribution_event\":\" TRUE \"}",
        "{\"event_time\":99999999999999999999}",
        "{\"user_id\":\"\\ud83d\"}",
        "{\"user_id\":\"\\udc00\"}",
        "{\"user_id\":\"\\ud83d\\u0041\"}",
        "{\"user_id\":\"\\ud83d🎧\"}",
        "{\"user_id\":\"\\\\ud83d\\udc00\"}",
        "{\"event_properties\":{\"k\\udfff\":1}}",
        "{\"user_id\":\"\\ud83d\\ude8\"}",
        "{\"user_id\":\"a\"} x",
        "{\"user_id\":\"a\"}{}",
        "[1]",
        "",
        "{\"user_id\":",
        "{\"event_properties\":" + "[".repeat(600) + "]".repeat(600) + "}",
        "{\"unknown\":" + "[".repeat(500) + "]".repeat(500) + "}",
        "{\u0000\u0000\u0000}\u0000\u0000\u0000",
        "{\u0000}\u0000",
        "\uFEFF{}",
        "\u0000{}");
    for (String line : lines) {
      assertThatThrownBy(() -> mapper.mapStreaming(line, WINDOW)).as(line).isInstanceOf(StreamingEventMapper.Unusual.class);
      assertThatThrownBy(() -> mapper.mapStreaming(utf8(line), WINDOW)).as(line)
          .isInstanceOf(StreamingEventMapper.Unusual.class);
      Object tree = outcome(() -> mapper.mapTree(line, WINDOW));
      for (Object either : List.of(outcome(() -> mapper.map(line, WINDOW)),
          outcome(() -> mapper.mapUtf8(utf8(line), WINDOW)))) {
        if (tree instanceof MappedEvent treeEvent) {
          assertSame((MappedEvent) either, treeEvent, line);
        } else {
          assertThat(either).as(line).isEqualTo(tree);
        }
      }
    }
  }

  @Test
  void randomPropertyValuesMapAlike() throws Exception {
    Random random = new Random(42);
    int fast = 0;
    for (int i = 0; i < 2000; i++) {
      String line = "{\"event_properties\":" + randomValue(random, 0) + ",\"unknown\":" + randomValue(random, 0)
          + ",\"user_id\":" + randomValue(random, 3) + ",\"amplitude_id\":" + randomValue(random, 3)
          + ",\"event_time\":" + randomValue(random, 3) + ",\"location_lat\":" + randomValue(random, 3) + "}";
      MappedEvent tree = mapper.mapTree(line, WINDOW);
      assertSame(mapper.map(line, WINDOW), tree, line);
      assertSame(mapper.mapUtf8(utf8(line), WINDOW), tree, line);
      try {
        assertSame(mapper.mapStreaming(line, WINDOW), tree, line);
        assertSame(mapper.mapStreaming(utf8(line), WINDOW), tree, line);
        fast++;
      } catch (StreamingEventMapper.Unusual unusual) {
        // the tree's case; compared above through EventMapper
      }
    }
    assertThat(fast).isGreaterThan(500);
  }

  /**
   * Escaped lone surrogates on the byte path: the fast path hands them to the tree, which repairs and counts them as
   * it does for text; escaped pairs and real 4-byte characters stay on the fast path with the tree's bytes.
   */
  @Test
  void loneSurrogatesOnTheBytePathAreRepairedAsFromText() throws Exception {
    for (String line : List.of("{\"user_id\":\"a\\ud83d\"}", "{\"user_id\":\"\\udc00b\"}",
        "{\"event_properties\":{\"k\\udfff\":\"\\ud800\\ud800\"}}", "{\"x\":\"\\ud83d\\u0041\"}",
        "{\"user_id\":\"\\ud83d🎧\"}", "{\"user_id\":\"\\ud83d\"}")) {
      assertThatThrownBy(() -> mapper.mapStreaming(utf8(line), WINDOW)).as(line)
          .isInstanceOf(StreamingEventMapper.Unusual.class);
      MappedEvent tree = mapper.mapTree(line, WINDOW);
      assertThat(tree.replacedSurrogates()).as(line).isPositive();
      assertSame(mapper.mapUtf8(utf8(line), WINDOW), tree, line);
    }
    for (String line : List.of("{\"user_id\":\"\\ud83d\\ude80 🎧 \\\\udc00\"}", "{\"user_id\":\"\uD83C\uDFA7\"}")) {
      assertSame(mapper.mapStreaming(utf8(line), WINDOW), mapper.mapTree(line, WINDOW), line);
    }
  }

  /**
   * Why the byte path needs valid UTF-8 from its caller (the sources check it, see SourceLineTest): Jackson's UTF-8
   * parser takes an encoded surrogate (CESU-8), which the strict decoder of the text path refuses.
   */
  @Test
  void encodedSurrogatesAreRefusedBeforeTheBytePath() {
    byte[] cesu = {'{', '"', 'u', 's', 'e', 'r', '_', 'i', 'd', '"', ':', '"', (byte) 0xED, (byte) 0xA0,
        (byte) 0x80, '"', '}'};
    assertThat(new String(cesu, StandardCharsets.UTF_8)).contains("\uFFFD");
    assertThat(SourceLine.ofUtf8("f", 1, cesu, null).problem())
        .isEqualTo("the line is not valid UTF-8 (at byte 13)");
    assertThat(SourceLine.ofUtf8("f", 1, cesu, null).utf8()).isNull();
    assertThat(outcome(() -> mapper.mapStreaming(cesu, WINDOW))).as("unchecked, the parser takes it")
        .isInstanceOf(MappedEvent.class);
  }

  @Test
  void handFormattedTimestampsEqualTheFormatter() {
    Random random = new Random(1);
    long min = BigQueryTimestamps.MIN.getEpochSecond();
    long max = BigQueryTimestamps.MAX.getEpochSecond();
    for (int i = 0; i < 100_000; i++) {
      Instant instant = Instant.ofEpochSecond(min + Math.floorMod(random.nextLong(), max - min + 1),
          random.nextInt(1_000_000_000));
      assertThat(BigQueryTimestamps.format(instant)).isEqualTo(EventMapper.OUTPUT_TIME.format(instant));
    }
    for (Instant instant : List.of(BigQueryTimestamps.MIN, BigQueryTimestamps.MAX, Instant.EPOCH,
        Instant.parse("2000-02-29T23:59:59.999999999Z"), Instant.parse("1969-12-31T23:59:59.000001Z"))) {
      assertThat(BigQueryTimestamps.format(instant)).isEqualTo(EventMapper.OUTPUT_TIME.format(instant));
    }
  }

  private static byte[] utf8(String line) {
    return line.getBytes(StandardCharsets.UTF_8);
  }

  /** "k0":0,"k1":1,... */
  private static String keys(int from, int to) {
    StringBuilder keys = new StringBuilder();
    for (int i = from; i < to; i++) {
      keys.append(i == from ? "" : ",").append("\"k").append(i).append("\":").append(i);
    }
    return keys.toString();
  }

  private static String randomValue(Random random, int depth) {
    int kind = random.nextInt(depth >= 4 ? 6 : 8);
    return switch (kind) {
      case 0 -> "null";
      case 1 -> random.nextBoolean() ? "true" : "false";
      case 2 -> Long.toString(random.nextLong() >> random.nextInt(64));
      case 3 -> List.of("0.5", "-1.25e-3", "1E+2", "3.0", "1e400", "-0.0", "12345678901234567890123", "1.50",
          "1764323999123", "0", "1").get(random.nextInt(11));
      case 4 -> List.of("\"text\"", "\"\\u00e9\\n\"", "\"2026-11-28 11:00:00\"", "\"2026-11-28T11:00:00.5+01:00\"",
          "\" 12 \"", "\"\"", "\"🎧\"", "\"\\\\ud83d\"").get(random.nextInt(8));
      case 5 -> "\"k" + random.nextInt(3) + "\"";
      case 6 -> {
        StringBuilder object = new StringBuilder("{");
        int n = random.nextInt(4);
        for (int k = 0; k < n; k++) {
          object.append(k == 0 ? "" : ",").append("\"k").append(random.nextInt(5)).append("\":")
              .append(randomValue(random, depth + 1));
        }
        yield object.append('}').toString();
      }
      default -> {
        List<String> items = new ArrayList<>();
        int n = random.nextInt(4);
        for (int k = 0; k < n; k++) {
          items.add(randomValue(random, depth + 1));
        }
        yield "[" + String.join(",", items) + "]";
      }
    };
  }

  private interface Mapping {
    MappedEvent map() throws Exception;
  }

  /** The event, or the error as message and column (what the quarantine and the summary show). */
  private static Object outcome(Mapping mapping) {
    try {
      return mapping.map();
    } catch (MalformedEventException e) {
      return e.getMessage() + " @" + e.column();
    } catch (Exception e) {
      return e;
    }
  }

  private static void assertSame(MappedEvent actual, MappedEvent expected, String line) {
    assertThat(new String(actual.row(), StandardCharsets.UTF_8)).as(line)
        .isEqualTo(new String(expected.row(), StandardCharsets.UTF_8));
    assertThat(actual.row()).as(line).isEqualTo(expected.row());
    assertThat(actual.hour()).as(line).isEqualTo(expected.hour());
    assertThat(actual.eventTime()).as(line).isEqualTo(expected.eventTime());
    assertThat(List.copyOf(actual.unknownKeys())).as(line).isEqualTo(List.copyOf(expected.unknownKeys()));
    assertThat(actual.replacedSurrogates()).as(line).isEqualTo(expected.replacedSurrogates());
    assertThat(actual.valuesInExtra()).as(line).isEqualTo(expected.valuesInExtra());
  }
}
