package io.bqexport.bigquery;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.DateTimeException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * Reads an Amplitude timestamp as an instant that BigQuery's TIMESTAMP accepts, or null. One value BigQuery rejects
 * fails the whole load job, so anything doubtful is refused here and the mapper keeps it in {@code extra}.
 *
 * <ul>
 *   <li>Text: {@code yyyy-MM-dd HH:mm:ss[.f...]} (space or {@code T}), then nothing (UTC, the Export API's form:
 *       "events timestamped in UTC"), {@code Z} or {@code ±hh:mm}. Exactly four year digits: {@code +10000-01-01}
 *       is refused.
 *   <li>Integers: epoch milliseconds, only within [2000-01-01, 2100-01-01). Epoch seconds read as milliseconds
 *       land in January 1970 and epoch microseconds near the year 58040; both fall outside by orders of magnitude,
 *       so the window separates the three units cleanly instead of guessing one.
 *   <li>The result must lie in GoogleSQL's TIMESTAMP range, 0001-01-01 00:00:00 to 9999-12-31 23:59:59.999999 UTC
 *       (after applying the offset); fractions beyond microseconds are truncated, as BigQuery stores microseconds.
 * </ul>
 */
final class BigQueryTimestamps {

  static final Instant MIN = Instant.parse("0001-01-01T00:00:00Z");
  static final Instant MAX = Instant.parse("9999-12-31T23:59:59.999999Z");
  /** 2000-01-01T00:00:00Z: the first plausible epoch millisecond (Amplitude was founded in 2012). */
  static final long MIN_EPOCH_MILLIS = 946_684_800_000L;
  /** 2100-01-01T00:00:00Z, exclusive. */
  static final long MAX_EPOCH_MILLIS = 4_102_444_800_000L;
  private static final int[] NANO_SCALE = {0, 100_000_000, 10_000_000, 1_000_000, 100_000, 10_000, 1_000, 100, 10, 1};

  private BigQueryTimestamps() {}

  static Instant of(JsonNode value) {
    if (value.isIntegralNumber()) {
      if (!value.canConvertToLong()) {
        return null;
      }
      long millis = value.longValue();
      return millis >= MIN_EPOCH_MILLIS && millis < MAX_EPOCH_MILLIS ? Instant.ofEpochMilli(millis) : null;
    }
    return value.isTextual() ? parse(value.textValue().trim()) : null;
  }

  /**
   * {@code yyyy-MM-ddTHH:mm:ss.SSSSSSZ}, as {@link EventMapper#OUTPUT_TIME} writes it (fractions beyond
   * microseconds are cut), formatted by hand: it runs for several columns of every event.
   */
  static String format(Instant instant) {
    long seconds = instant.getEpochSecond();
    LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(seconds, 86_400));
    if (date.getYear() < 1 || date.getYear() > 9999) {
      return EventMapper.OUTPUT_TIME.format(instant);
    }
    int secondOfDay = (int) Math.floorMod(seconds, 86_400);
    byte[] out = new byte[27];
    put(out, 0, date.getYear(), 4);
    out[4] = '-';
    put(out, 5, date.getMonthValue(), 2);
    out[7] = '-';
    put(out, 8, date.getDayOfMonth(), 2);
    out[10] = 'T';
    put(out, 11, secondOfDay / 3600, 2);
    out[13] = ':';
    put(out, 14, secondOfDay / 60 % 60, 2);
    out[16] = ':';
    put(out, 17, secondOfDay % 60, 2);
    out[19] = '.';
    put(out, 20, instant.getNano() / 1000, 6);
    out[26] = 'Z';
    return new String(out, StandardCharsets.ISO_8859_1);
  }

  private static void put(byte[] out, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      out[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
  }

  /** Parsed by hand: it runs for several columns of every event, and a formatter with optional parts is slow. */
  static Instant parse(String s) {
    int n = s.length();
    if (n < 19 || !digits(s, 0, 4) || s.charAt(4) != '-' || !digits(s, 5, 2) || s.charAt(7) != '-'
        || !digits(s, 8, 2) || " Tt".indexOf(s.charAt(10)) < 0 || !digits(s, 11, 2) || s.charAt(13) != ':'
        || !digits(s, 14, 2) || s.charAt(16) != ':' || !digits(s, 17, 2)) {
      return null;
    }
    int i = 19;
    int nanos = 0;
    if (i < n && s.charAt(i) == '.') {
      int start = ++i;
      while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        i++;
      }
      if (i == start || i - start > 9) {
        return null;
      }
      nanos = number(s, start, i - start) * NANO_SCALE[i - start];
    }
    try {
      ZoneOffset offset = offset(s, i);
      if (offset == null) {
        return null;
      }
      Instant instant = LocalDateTime.of(number(s, 0, 4), number(s, 5, 2), number(s, 8, 2), number(s, 11, 2),
          number(s, 14, 2), number(s, 17, 2), nanos).toInstant(offset).truncatedTo(ChronoUnit.MICROS);
      return instant.isBefore(MIN) || instant.isAfter(MAX) ? null : instant;
    } catch (DateTimeException invalidField) { // month 13, February 30, hour 24, offset beyond 18 hours
      return null;
    }
  }

  /** The zone suffix starting at {@code i}: none (UTC), Z, or ±hh:mm; null when it is anything else. */
  private static ZoneOffset offset(String s, int i) {
    int n = s.length();
    if (i == n) {
      return ZoneOffset.UTC;
    }
    char c = s.charAt(i);
    if ((c == 'Z' || c == 'z') && i + 1 == n) {
      return ZoneOffset.UTC;
    }
    if ((c == '+' || c == '-') && i + 6 == n && digits(s, i + 1, 2) && s.charAt(i + 3) == ':'
        && digits(s, i + 4, 2)) {
      int sign = c == '-' ? -1 : 1;
      return ZoneOffset.ofHoursMinutes(sign * number(s, i + 1, 2), sign * number(s, i + 4, 2));
    }
    return null;
  }

  private static boolean digits(String s, int from, int count) {
    for (int i = from; i < from + count; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  private static int number(String s, int from, int count) {
    int value = 0;
    for (int i = from; i < from + count; i++) {
      value = value * 10 + (s.charAt(i) - '0');
    }
    return value;
  }
}
