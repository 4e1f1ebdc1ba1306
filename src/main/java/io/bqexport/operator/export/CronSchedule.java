package io.bqexport.operator.export;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A CronJob schedule as Kubernetes accepts it: five fields (minute hour day-of-month month day-of-week), the macros
 * {@code @hourly} and friends, and an optional {@code CRON_TZ=Zone} or {@code TZ=Zone} prefix. Kubernetes rejects the
 * prefix inside {@code spec.schedule}, so it is split off into the CronJob's {@code spec.timeZone}.
 */
public record CronSchedule(String expression, Optional<ZoneId> timeZone, BitSet minutes, BitSet hours,
    BitSet daysOfMonth, BitSet months, BitSet daysOfWeek, boolean anyDayOfMonth, boolean anyDayOfWeek) {

  private static final Map<String, String> MACROS = Map.of(
      "@yearly", "0 0 1 1 *", "@annually", "0 0 1 1 *", "@monthly", "0 0 1 * *", "@weekly", "0 0 * * 0",
      "@daily", "0 0 * * *", "@midnight", "0 0 * * *", "@hourly", "0 * * * *");
  private static final String[] MONTH_NAMES =
      {"", "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
  /**
   * Where "never fires" and the shortest interval are measured from: a fixed instant, so the answer does not depend on
   * the day the operator runs. Four years from it include a February 29 and every month length.
   */
  private static final ZonedDateTime REFERENCE = ZonedDateTime.of(2024, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
  private static final String[] DAY_NAMES = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};
  private static final String HINT = "; use five fields (minute hour day-of-month month day-of-week) such as"
      + " \"5 * * * *\", or a macro such as @hourly, optionally prefixed with CRON_TZ=Europe/Berlin";

  /** @throws IllegalArgumentException with a message that quotes the schedule and says how to fix it */
  public static CronSchedule parse(String schedule) {
    if (schedule == null || schedule.isBlank()) {
      throw new IllegalArgumentException("spec.schedule is empty" + HINT);
    }
    String rest = schedule.trim();
    Optional<ZoneId> zone = Optional.empty();
    if (rest.startsWith("CRON_TZ=") || rest.startsWith("TZ=")) {
      int space = rest.indexOf(' ');
      String zoneName = rest.substring(rest.indexOf('=') + 1, space < 0 ? rest.length() : space);
      try {
        zone = Optional.of(ZoneId.of(zoneName));
      } catch (DateTimeException e) {
        throw new IllegalArgumentException("spec.schedule \"" + schedule + "\": unknown time zone '" + zoneName
            + "'; use an IANA zone such as Europe/Berlin or UTC");
      }
      rest = space < 0 ? "" : rest.substring(space + 1).trim();
    }
    String expression = MACROS.getOrDefault(rest.toLowerCase(Locale.ROOT), rest);
    if (expression.startsWith("@")) {
      throw new IllegalArgumentException("spec.schedule \"" + schedule + "\": unsupported macro '" + rest + "'"
          + HINT);
    }
    String[] fields = expression.split("\\s+");
    if (fields.length != 5) {
      throw new IllegalArgumentException("spec.schedule \"" + schedule + "\" has " + fields.length + " fields"
          + HINT);
    }
    try {
      CronSchedule parsed = new CronSchedule(rest, zone,
          field(fields[0], 0, 59, null), field(fields[1], 0, 23, null), field(fields[2], 1, 31, null),
          field(fields[3], 1, 12, MONTH_NAMES), field(fields[4], 0, 6, DAY_NAMES),
          isAny(fields[2]), isAny(fields[4]));
      if (parsed.next(REFERENCE, 4 * 366).isEmpty()) {
        throw new IllegalArgumentException("it never fires (no such date)");
      }
      return parsed;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("spec.schedule \"" + schedule + "\": " + e.getMessage() + HINT);
    }
  }

  private static boolean isAny(String field) {
    return field.equals("*") || field.equals("?");
  }

  private static BitSet field(String field, int min, int max, String[] names) {
    BitSet bits = new BitSet(max + 1);
    for (String part : field.split(",")) {
      String range = part;
      int step = 1;
      int slash = part.indexOf('/');
      if (slash >= 0) {
        range = part.substring(0, slash);
        step = number(part.substring(slash + 1), 1, max - min + 1, null, part);
      }
      int from;
      int to;
      if (range.equals("*") || range.equals("?")) {
        from = min;
        to = max;
      } else if (range.contains("-")) {
        String[] ends = range.split("-", 2);
        from = number(ends[0], min, max, names, part);
        to = number(ends[1], min, max, names, part);
        if (from > to) {
          throw new IllegalArgumentException("range '" + part + "' runs backwards");
        }
      } else {
        from = number(range, min, max, names, part);
        to = slash >= 0 ? max : from;
      }
      for (int v = from; v <= to; v += step) {
        bits.set(v);
      }
    }
    return bits;
  }

  private static int number(String text, int min, int max, String[] names, String part) {
    if (names != null) {
      for (int i = 0; i < names.length; i++) {
        if (!names[i].isEmpty() && names[i].equalsIgnoreCase(text)) {
          return i;
        }
      }
    }
    try {
      int value = Integer.parseInt(text);
      if (value < min || value > max) {
        throw new IllegalArgumentException("'" + part + "' is outside " + min + "-" + max);
      }
      return value;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + part + "' is not a number, range, list or step");
    }
  }

  /** The first firing strictly after {@code after}, searching at most {@code days} days ahead. */
  public Optional<ZonedDateTime> next(ZonedDateTime after, int days) {
    ZonedDateTime t = after.withZoneSameInstant(timeZone.orElse(ZoneOffset.UTC))
        .truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
    ZonedDateTime limit = t.plusDays(days);
    while (t.isBefore(limit)) {
      if (!months.get(t.getMonthValue())) {
        t = t.plusMonths(1).withDayOfMonth(1).truncatedTo(ChronoUnit.DAYS);
      } else if (!dayMatches(t)) {
        t = t.plusDays(1).truncatedTo(ChronoUnit.DAYS);
      } else if (!hours.get(t.getHour())) {
        t = t.plusHours(1).truncatedTo(ChronoUnit.HOURS);
      } else if (!minutes.get(t.getMinute())) {
        t = t.plusMinutes(1);
      } else {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  private boolean dayMatches(ZonedDateTime t) {
    boolean dom = daysOfMonth.get(t.getDayOfMonth());
    boolean dow = daysOfWeek.get(t.getDayOfWeek().getValue() % 7);
    if (anyDayOfMonth || anyDayOfWeek) {
      return dom && dow;
    }
    return dom || dow; // cron: when both are restricted, either one matching is enough
  }

  /** The shortest gap between two consecutive firings over the coming weeks: bounds a run's deadline. */
  public Duration shortestInterval() {
    Duration shortest = Duration.ofDays(366);
    Optional<ZonedDateTime> previous = next(REFERENCE, 4 * 366);
    for (int i = 0; i < 64 && previous.isPresent(); i++) {
      Optional<ZonedDateTime> following = next(previous.get(), 4 * 366);
      if (following.isEmpty()) {
        break;
      }
      Duration gap = Duration.between(previous.get(), following.get());
      shortest = gap.compareTo(shortest) < 0 ? gap : shortest;
      previous = following;
    }
    return shortest;
  }
}
