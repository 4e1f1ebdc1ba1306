package io.bqexport.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RunSummaryTest {

  private static RunSummary summary(List<String> committed, List<String> drift, String message) {
    return new RunSummary("Succeeded", null, message, 0, "FillGaps", null, committed, committed.size(), 48211,
        1234567, "2026-11-28T13:00:00Z", 0, drift, "2026-11-28T15:05:00Z", "2026-11-28T15:06:00Z");
  }

  @Test
  void roundTripsThroughJson() {
    RunSummary s = summary(List.of("2026-11-28T10:00:00Z/2026-11-28T13:00:00Z"), List.of("new_key"), "ok");
    assertThat(RunSummary.parse(s.toJson())).isEqualTo(s);
    assertThat(s.toJson()).contains("\"result\":\"Succeeded\"", "\"exportedThrough\":\"2026-11-28T13:00:00Z\"");
  }

  @Test
  void mappingCountersRoundTripAndDefaultToZeroForOlderSummaries() {
    RunSummary s = new RunSummary("Succeeded", null, "ok", 0, "FillGaps", null, List.of(), 1, 10, 100, null, 0,
        List.of(), "a", "b", 2, 3, 4, List.of(new RunSummary.Quarantined("2026-11-28T04:00:00Z", "LoadRejected",
            "rejected", 3, "2026-11-28T07:05:00Z")));
    RunSummary parsed = RunSummary.parse(s.toJson());
    assertThat(parsed).isEqualTo(s);
    assertThat(s.toJson()).contains("\"skippedLines\":2", "\"replacedSurrogates\":3", "\"valuesInExtra\":4");
    String olderJson = summary(List.of(), List.of(), "ok").toJson()
        .replaceAll(",\"(skippedLines|replacedSurrogates|valuesInExtra)\":0", "");
    assertThat(olderJson).doesNotContain("skippedLines", "replacedSurrogates", "valuesInExtra");
    RunSummary older = RunSummary.parse(olderJson);
    assertThat(older.skippedLines() + older.replacedSurrogates() + older.valuesInExtra()).isZero();
  }

  @Test
  void manyQuarantinedHoursWithLongMessagesStayWithinFourKibibytes() {
    List<RunSummary.Quarantined> hours = IntStream.range(0, 500).mapToObj(i -> new RunSummary.Quarantined(
        "2026-11-28T04:00:00Z", "LoadRejected", "x".repeat(400), 3, "2026-11-28T07:05:00Z")).toList();
    RunSummary s = new RunSummary("Failed", "LoadRejected", "m", 5, "FillGaps", null, List.of(), 0, 0, 0, null, 0,
        List.of(), "a", "b", 0, 0, 0, hours);

    String json = s.toJson();

    assertThat(json.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isLessThanOrEqualTo(4096);
    assertThat(RunSummary.parse(json).quarantined()).isNotEmpty()
        .allSatisfy(q -> assertThat(q.reason()).isEqualTo("LoadRejected"));
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

  /** Over 4 KiB, the first pass keeps 8 + 8 entries of a long list and 640 characters of the message. */
  @Test
  void theFirstShorteningKeepsEightEntriesAtEachEndAndSixHundredFortyCharactersOfTheMessage() {
    List<String> ranges = IntStream.range(0, 300).mapToObj(i -> "range-" + i).toList();
    List<String> drift = IntStream.range(0, 17).mapToObj(i -> "key_" + i).toList();

    RunSummary parsed = RunSummary.parse(summary(ranges, drift, "m".repeat(1000)).toJson());

    List<String> kept = new ArrayList<>(ranges.subList(0, 8));
    kept.add("...284 more...");
    kept.addAll(ranges.subList(292, 300));
    assertThat(parsed.committed()).containsExactlyElementsOf(kept);
    assertThat(parsed.schemaDrift()).as("17 = 16 + 1 entries are kept whole").isEqualTo(drift);
    assertThat(parsed.message()).isEqualTo("m".repeat(640) + "...");
    assertThat(parsed.succeeded()).isTrue();
    assertThat(RunSummary.parse(summary(List.of(), List.of(), "m").toJson().replace("\"Succeeded\"", "\"Failed\""))
        .succeeded()).isFalse();
  }
  private static int bytes(String json) {
    return json.getBytes(StandardCharsets.UTF_8).length;
  }

  /** Exactly 4 KiB is within the limit: such a summary is written whole, not shortened. */
  @Test
  void aSummaryOfExactlyFourKibibytesIsWrittenWhole() {
    int room = RunSummary.MAX_BYTES - bytes(summary(List.of("range"), List.of(), "").toJson());
    RunSummary exact = summary(List.of("range"), List.of(), "m".repeat(room));

    assertThat(bytes(exact.toJson())).isEqualTo(RunSummary.MAX_BYTES);
    assertThat(RunSummary.parse(exact.toJson())).isEqualTo(exact);
  }

  /** The first pass keeps 640 characters of the message: a message of exactly 640 is kept whole, no ellipsis. */
  @Test
  void aMessageOfExactlySixHundredFortyCharactersSurvivesTheFirstShorteningWhole() {
    List<String> ranges = IntStream.range(0, 300).mapToObj(i -> "range-" + i).toList();

    RunSummary parsed = RunSummary.parse(summary(ranges, List.of(), "m".repeat(640)).toJson());

    assertThat(parsed.committed()).hasSize(17);
    assertThat(parsed.message()).isEqualTo("m".repeat(640));
  }

  /**
   * Over 4 KiB, the first pass keeps the first 16 quarantined hours (the operator shows them all) and the last 16
   * repairs (the operator keeps the most recent in status).
   */
  @Test
  void theFirstShorteningKeepsTheFirstSixteenQuarantinedHoursAndTheLastSixteenRepairs() {
    List<RunSummary.Quarantined> quarantined = IntStream.range(0, 40).mapToObj(i -> new RunSummary.Quarantined(
        "2026-11-%02dT04:00:00Z".formatted(1 + i % 28), "LoadRejected", "q" + i, 3, "2026-11-28T07:05:00Z")).toList();
    List<RunSummary.Repaired> repaired = IntStream.range(0, 40).mapToObj(i -> new RunSummary.Repaired(
        "2026-11-%02dT05:00:00Z".formatted(1 + i % 28), i, i + 1, "2026-11-28T07:05:00Z")).toList();
    RunSummary s = new RunSummary("Succeeded", null, "ok", 0, "FillGaps", null, List.of(), 0, 0, 0, null, 0,
        List.of(), "a", "b", 0, 0, 0, quarantined, 40, repaired, null, 0, 0);

    RunSummary parsed = RunSummary.parse(s.toJson());

    assertThat(parsed.quarantined()).isEqualTo(quarantined.subList(0, 16));
    assertThat(parsed.repaired()).isEqualTo(repaired.subList(24, 40));
    assertThat(parsed.verifiedHours()).isEqualTo(40);
  }

  /** When the first pass's 8 + 8 entries per list are still too many, the next pass keeps 4 + 4, not none. */
  @Test
  void aSummaryStillTooLargeAfterTheFirstPassKeepsFourEntriesAtEachEnd() {
    List<String> ranges = IntStream.range(0, 100).mapToObj(i -> "r%03d-".formatted(i) + "x".repeat(110)).toList();
    List<String> drift = IntStream.range(0, 100).mapToObj(i -> "k%03d-".formatted(i) + "y".repeat(110)).toList();

    String json = summary(ranges, drift, "m").toJson();
    RunSummary parsed = RunSummary.parse(json);

    List<String> kept = new ArrayList<>(ranges.subList(0, 4));
    kept.add("...92 more...");
    kept.addAll(ranges.subList(96, 100));
    assertThat(parsed.committed()).containsExactlyElementsOf(kept);
    assertThat(parsed.schemaDrift()).hasSize(9).startsWith(drift.get(0)).endsWith(drift.get(99));
    assertThat(bytes(json)).isLessThanOrEqualTo(RunSummary.MAX_BYTES);
  }
}
