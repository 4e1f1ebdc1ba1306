package io.bqexport.bigquery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class BigQueryTimestampsTest {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  @ParameterizedTest(name = "[{index}] '{0}'")
  @CsvSource(delimiter = '|', value = {
      "2026-01-26 04:23:35Z|2026-01-26T04:23:35Z",
      "2026-01-26 04:23:35|2026-01-26T04:23:35Z",
      "2026-01-26 04:23:35.123456|2026-01-26T04:23:35.123456Z",
      "2026-01-26T04:23:35.5+02:00|2026-01-26T02:23:35.500Z",
      "2026-01-26 04:23:35+02:00|2026-01-26T02:23:35Z",
      "2026-01-26 04:23:35-00:45|2026-01-26T05:08:35Z",
      "2026-01-26 04:23:35.123456-05:30|2026-01-26T09:53:35.123456Z",
      "2026-01-26t04:23:35z|2026-01-26T04:23:35Z",
      "2026-01-26 04:23:35.123456789|2026-01-26T04:23:35.123456Z",
      "0001-01-01 00:00:00|0001-01-01T00:00:00Z",
      "9999-12-31 23:59:59.999999999|9999-12-31T23:59:59.999999Z",
      "1900-03-01 00:00:00|1900-03-01T00:00:00Z"})
  void acceptsAmplitudeAndRfc3339TextWithOrWithoutZone(String text, String expected) {
    assertThat(BigQueryTimestamps.of(NODES.textNode(text))).isEqualTo(Instant.parse(expected));
  }

  @ParameterizedTest(name = "[{index}] '{0}'")
  @ValueSource(strings = {
      "+10000-01-01 00:00:00", "10000-01-01 00:00:00", "0000-12-31 23:59:59", "0001-01-01 00:30:00+01:00",
      "9999-12-31 23:30:00-01:00", "2026-02-30 00:00:00", "2026-01-26 24:00:00", "2026-01-26 04:23",
      "2026-01-26", "2026-01-26 04:23:35.", "2026-01-26 04:23:35.1234567890", "2026-01-26 04:23:35 Z",
      "2026-01-26 04:23:35+0200", "2026-01-26 04:23:35.123456+02:3x", "2026-01-26 04:23:35.123456+0x:30", "2026-01-26 04:23:35+19:00", "2026-01-26 04:23:35 UTC", "yesterday", ""})
  void refusesTextBigQueryWouldRejectOrMisread(String text) {
    assertThat(BigQueryTimestamps.of(NODES.textNode(text))).isNull();
  }

  @Test
  void readsIntegersAsEpochMillisecondsOnlyInThePlausibilityWindow() {
    assertThat(BigQueryTimestamps.of(NODES.numberNode(1_769_401_415_123L)))
        .isEqualTo(Instant.parse("2026-01-26T04:23:35.123Z"));
    assertThat(BigQueryTimestamps.of(NODES.numberNode(BigQueryTimestamps.MIN_EPOCH_MILLIS)))
        .isEqualTo(Instant.parse("2000-01-01T00:00:00Z"));
    assertThat(BigQueryTimestamps.of(NODES.numberNode(BigQueryTimestamps.MAX_EPOCH_MILLIS - 1)))
        .isEqualTo(Instant.parse("2099-12-31T23:59:59.999Z"));
    assertThat(BigQueryTimestamps.of(NODES.numberNode(BigQueryTimestamps.MAX_EPOCH_MILLIS))).isNull();
    assertThat(BigQueryTimestamps.of(NODES.numberNode(1_769_401_415L))).as("epoch seconds, 1970 as ms").isNull();
    assertThat(BigQueryTimestamps.of(NODES.numberNode(1_769_401_415_123_456L))).as("epoch micros, year 58040")
        .isNull();
    assertThat(BigQueryTimestamps.of(NODES.numberNode(-1L))).isNull();
    assertThat(BigQueryTimestamps.of(NODES.numberNode(new java.math.BigInteger("99999999999999999999")))).isNull();
    assertThat(BigQueryTimestamps.of(NODES.numberNode(new java.math.BigDecimal("1769401415123.5")))).isNull();
    assertThat(BigQueryTimestamps.of(NODES.textNode("1769401415123"))).isNull();
  }

  @Test
  void aFractionStartingWithZeroIsKeptAndANonDigitAnywhereInTheDateOrTimeIsNoTimestamp() {
    assertThat(BigQueryTimestamps.parse("2026-11-28 10:20:00.05")).isEqualTo(Instant.parse("2026-11-28T10:20:00.050Z"));
    assertThat(BigQueryTimestamps.parse("2026-11-28 10:20:00.000009"))
        .isEqualTo(Instant.parse("2026-11-28T10:20:00.000009Z"));
    for (String bad : new String[] {"2O26-11-28 10:20:00", "2026-1x-28 10:20:00", "2026-11-2 T10:20:00",
        "2026-11-28 1:-20:00", "2026-11-28 10:2/:00", "2026-11-28 10:20:0:", "2026-11-28 10:20:00+0a:00"}) {
      assertThat(BigQueryTimestamps.parse(bad)).as(bad).isNull();
    }
  }

  /**
   * format writes years 1 to 9999 by hand and leaves any other year to EventMapper.OUTPUT_TIME, whose year-of-era
   * pattern writes year 0 (1 BC) as 0001 and year 10000 with a sign: the hand path would write both as 0000.
   * (Parsed values never leave 0001-9999; the guard keeps a wider instant from a wrong row.)
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiter = '|', value = {
      "0001-01-01T00:00:00Z|0001-01-01T00:00:00.000000Z",
      "9999-12-31T23:59:59.999999999Z|9999-12-31T23:59:59.999999Z",
      "2026-11-28T10:20:00.100Z|2026-11-28T10:20:00.100000Z",
      "2026-11-28T10:20:00.000001Z|2026-11-28T10:20:00.000001Z",
      "0000-12-31T23:59:59Z|0001-12-31T23:59:59.000000Z",
      "+10000-01-01T00:00:00Z|+10000-01-01T00:00:00.000000Z"})
  void formatWritesTheRowTextAndLeavesYearsOutsideBigQuerysRangeToTheFormatter(String instant, String expected) {
    assertThat(BigQueryTimestamps.format(Instant.parse(instant))).isEqualTo(expected);
  }
}
