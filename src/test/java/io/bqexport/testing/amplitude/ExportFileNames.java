package io.bqexport.testing.amplitude;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Amplitude's export file names: {@code <appId>_yyyy-MM-dd_H#n.json.gz}, H without leading zero, UTC. */
public final class ExportFileNames {
  private static final Pattern NAME =
      Pattern.compile("(\\d+)_(\\d{4}-\\d{2}-\\d{2})_(\\d{1,2})#(\\d+)\\.json(\\.gz)?");

  private ExportFileNames() {
  }

  public static String name(long appId, Instant hour, int part) {
    var time = hour.atOffset(ZoneOffset.UTC);
    return appId + "_" + time.toLocalDate() + "_" + time.getHour() + "#" + part + ".json.gz";
  }

  /** A parsed file name; empty when {@code fileName} does not follow the layout. */
  public static Optional<Parsed> parse(String fileName) {
    Matcher m = NAME.matcher(fileName);
    if (!m.matches()) {
      return Optional.empty();
    }
    Instant hour = LocalDate.parse(m.group(2)).atStartOfDay(ZoneOffset.UTC).toInstant()
        .plus(Integer.parseInt(m.group(3)), ChronoUnit.HOURS);
    return Optional.of(new Parsed(Long.parseLong(m.group(1)), hour, Integer.parseInt(m.group(4))));
  }

  public record Parsed(long appId, Instant hour, int part) {
  }
}
