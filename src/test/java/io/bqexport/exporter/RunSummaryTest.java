package io.bqexport.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RunSummaryTest {

  private static RunSummary summary(List<String> committed, List<String> drift, String message) {
    return new RunSummary("Succeeded", null, message, 0, "FillGaps", null, committed, committed.size(), 48211,
        1234567, "2026-11-28T13:00:00Z", 0, drift, "2026-11-28T15:05:00Z", "2026-11-28T15:06:00Z",
        List.of());
  }

  @Test
  void roundTripsThroughJson() {
    RunSummary s = summary(List.of("2026-11-28T10:00:00Z/2026-11-28T13:00:00Z"), List.of("new_key"), "ok");
    assertThat(RunSummary.parse(s.toJson())).isEqualTo(s);
    assertThat(s.toJson()).contains("\"result\":\"Succeeded\"", "\"exportedThrough\":\"2026-11-28T13:00:00Z\"");
  }

  @Test
  void staysWithinFourKibibytesAndKeepsBothEndsOfLongLists() {
    List<String> ranges = IntStream.range(0, 2000)
        .mapToObj(i -> "2026-11-%02dT%02d:00:00Z/x".formatted(1 + i / 24 % 28, i % 24)).toList();
    List<String> drift = IntStream.range(0, 500).mapToObj(i -> "key_" + "é".repeat(50) + i).toList();
    String json = summary(ranges, drift, "🎧".repeat(5000)).toJson();
    assertThat(json.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(RunSummary.MAX_BYTES);
    RunSummary parsed = RunSummary.parse(json);
    assertThat(parsed.committed().get(0)).isEqualTo(ranges.get(0));
    assertThat(parsed.committed().get(parsed.committed().size() - 1)).isEqualTo(ranges.get(ranges.size() - 1));
    assertThat(parsed.committed()).anyMatch(r -> r.contains("more"));
    assertThat(parsed.rows()).isEqualTo(48211);
    assertThat(parsed.exportedThrough()).isEqualTo("2026-11-28T13:00:00Z");
  }
}
