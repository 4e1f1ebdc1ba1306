package io.bqexport.testing.amplitude;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/** Amplitude's export timestamp format, "2026-11-28 17:04:05.123456" (UTC, microseconds), written fast. */
public final class AmplitudeTimestamps {
  private AmplitudeTimestamps() {
  }

  public static long micros(Instant instant) {
    return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000;
  }

  public static Instant instant(long epochMicros) {
    return Instant.ofEpochSecond(Math.floorDiv(epochMicros, 1_000_000L),
        Math.floorMod(epochMicros, 1_000_000L) * 1_000L);
  }

  public static String format(long epochMicros) {
    long seconds = Math.floorDiv(epochMicros, 1_000_000L);
    int micros = (int) Math.floorMod(epochMicros, 1_000_000L);
    LocalDateTime t = LocalDateTime.ofEpochSecond(seconds, 0, ZoneOffset.UTC);
    char[] c = new char[26];
    pad(c, 0, t.getYear(), 4);
    c[4] = '-';
    pad(c, 5, t.getMonthValue(), 2);
    c[7] = '-';
    pad(c, 8, t.getDayOfMonth(), 2);
    c[10] = ' ';
    pad(c, 11, t.getHour(), 2);
    c[13] = ':';
    pad(c, 14, t.getMinute(), 2);
    c[16] = ':';
    pad(c, 17, t.getSecond(), 2);
    c[19] = '.';
    pad(c, 20, micros, 6);
    return new String(c);
  }

  private static void pad(char[] c, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      c[i] = (char) ('0' + value % 10);
      value /= 10;
    }
  }
}
