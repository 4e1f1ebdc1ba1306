package io.bqexport.exporter;

import static io.bqexport.exporter.ExporterHarness.hour;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Attack probe (issue 18, bytes end to end): an archive of byte lines that are hard on a byte splitter and a UTF-8
 * check, through the Amplitude stand-in, the exporter and the BigQuery emulator. Each good line lands once with its
 * text intact; each invalid one is a bad line named by its line number and byte, as the decoding reader named it.
 */
class ByteLinesEndToEndAttackProbeTest {

  private final LinesSource source = new LinesSource();
  private ExporterHarness h;

  @BeforeEach
  void start() {
    h = new ExporterHarness(source);
    h.startFrom = hour(10);
  }

  @AfterEach
  void stop() {
    h.close();
  }

  private static byte[] event(String uuid, String userId) {
    return ("{\"uuid\":\"" + uuid + "\",\"event_type\":\"Play\",\"server_upload_time\":\"2026-11-28 10:30:00\","
        + "\"event_time\":\"2026-11-28 10:20:00\",\"user_id\":\"" + userId + "\"}").getBytes(StandardCharsets.UTF_8);
  }

  /** An event whose line is exactly {@code length} bytes, its user_id ASCII with a 4-byte character every 997 bytes. */
  private static String userIdForLineOf(String uuid, int length) {
    int fixed = event(uuid, "").length;
    StringBuilder id = new StringBuilder();
    int bytes = 0;
    while (bytes < length - fixed) {
      if (bytes % 997 == 996 && length - fixed - bytes >= 4) {
        id.append("🎧");
        bytes += 4;
      } else {
        id.append('a');
        bytes++;
      }
    }
    return id.toString();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  private static byte[] bytes(int... values) {
    byte[] bytes = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      bytes[i] = (byte) values[i];
    }
    return bytes;
  }

  @Test
  void hardByteLinesLandOnceOrAreNamedBadLines() {
    String exactly64k = userIdForLineOf("exactly-64k", 64 * 1024);
    String crlf64k = userIdForLineOf("crlf-64k", 64 * 1024 - 1);
    String big = userIdForLineOf("big", 300_000);
    byte[] surrogateHead = "{\"uuid\":\"cesu\",\"user_id\":\"".getBytes(StandardCharsets.UTF_8);
    List<byte[]> lines = new ArrayList<>(List.of(
        concat(event("crlf", "é"), bytes('\r')), // 1
        concat(surrogateHead, bytes(0xed, 0xa0, 0x80), bytes('"', '}')), // 2: an encoded surrogate
        event("exactly-64k", exactly64k), // 3
        concat(event("crlf-64k", crlf64k), bytes('\r')), // 4: 64 KiB with its CR
        bytes('\r'), // 5: blank
        concat("{\"uuid\":\"overlong\",\"user_id\":\"".getBytes(StandardCharsets.UTF_8), bytes(0xc0, 0xaf, '"', '}')),
        event("big", big), // 7
        event("escapes", "a\\u0000b\\ud83c\\udfa7"), // 8
        concat(event("cut", "x"), bytes(0xe2, 0x82)), // 9: a multibyte character cut by the end of the line
        "{\"uuid\":\"nul-key\",\"device_id\\u0000\":\"d\",\"server_upload_time\":\"2026-11-28 10:30:00\"}"
            .getBytes(StandardCharsets.UTF_8), // 10
        "\u00a0".getBytes(StandardCharsets.UTF_8), // 11: not blank, not JSON
        concat(bytes(0xef, 0xbb, 0xbf), event("bom", "b")))); // 12
    source.rawHour(hour(10), lines);
    h.maxBadRecords = 0;

    RunSummary failed = h.run(hour(13));

    assertThat(failed.reason()).as(failed.toJson()).isEqualTo("BadRecords");
    assertThat(failed.message()).contains("line 2 of the Amplitude export is a bad line (the line is not valid UTF-8"
        + " (at byte " + (surrogateHead.length + 1) + "))");

    h.maxBadRecords = 100;
    RunSummary summary = h.run(hour(13));

    assertThat(summary.result()).as(summary.toJson()).isEqualTo("Succeeded");
    List<Map<String, Object>> rows = h.query("SELECT uuid, user_id, device_id, TO_JSON_STRING(extra) AS extra"
        + " FROM `acme-analytics.amplitude.events` ORDER BY uuid");
    assertThat(rows).extracting(r -> r.get("uuid")).as(summary.toJson())
        .containsExactlyInAnyOrder("crlf", "exactly-64k", "crlf-64k", "big", "escapes", "nul-key");
    assertThat(summary.skippedLines()).as(summary.toJson()).isEqualTo(5); // 2, 6, 9, 11, 12
    for (Map<String, Object> row : rows) {
      String expected = switch ((String) row.get("uuid")) {
        case "crlf" -> "é";
        case "exactly-64k" -> exactly64k;
        case "crlf-64k" -> crlf64k;
        case "big" -> big;
        case "escapes" -> "a\u0000b🎧";
        default -> null;
      };
      assertThat(row.get("user_id")).as("user_id of %s", row.get("uuid")).isEqualTo(expected);
    }
    Map<String, Object> nulKey = rows.stream().filter(r -> r.get("uuid").equals("nul-key")).findFirst().orElseThrow();
    assertThat(nulKey.get("device_id")).as("\"device_id\\u0000\" is not device_id").isNull();
    assertThat((String) nulKey.get("extra")).contains("device_id\\u0000");
  }
}
