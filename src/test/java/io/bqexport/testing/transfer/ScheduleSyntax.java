package io.bqexport.testing.transfer;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code TransferConfig.schedule}: the Transfer Service documents the App Engine cron format
 * (https://cloud.google.com/appengine/docs/flexible/scheduling-jobs-with-cron-yaml#formatting_the_schedule), in UTC.
 * The stand-in accepts its interval form {@code every N hours|minutes|mins [from HH:MM to HH:MM | synchronized]}
 * and {@code every day HH:MM}, and rejects anything else (a cron expression such as {@code 5 * * * *} is not that
 * syntax). The real grammar is larger (weekdays, ordinals, months); those are refused here, which only matters to a
 * test that uses them.
 */
record ScheduleSyntax(Duration interval, LocalTime from, LocalTime to) {
  private static final Pattern EVERY = Pattern.compile(
      "every (\\d+) (hours|minutes|mins)(?: from (\\d{2}:\\d{2}) to (\\d{2}:\\d{2})| synchronized)?");
  private static final Pattern DAILY = Pattern.compile("every day (\\d{2}:\\d{2})");

  static ScheduleSyntax parse(String schedule) {
    Matcher every = EVERY.matcher(schedule);
    Matcher daily = DAILY.matcher(schedule);
    try {
      if (every.matches()) {
        long n = Long.parseLong(every.group(1));
        Duration interval = every.group(2).equals("hours") ? Duration.ofHours(n) : Duration.ofMinutes(n);
        if (n == 0) {
          throw new IllegalArgumentException("the interval must be positive");
        }
        LocalTime from = every.group(3) == null ? LocalTime.MIDNIGHT : LocalTime.parse(every.group(3));
        LocalTime to = every.group(4) == null ? LocalTime.of(23, 59) : LocalTime.parse(every.group(4));
        return new ScheduleSyntax(interval, from, to);
      }
      if (daily.matches()) {
        LocalTime at = LocalTime.parse(daily.group(1));
        return new ScheduleSyntax(Duration.ofDays(1), at, at);
      }
    } catch (java.time.format.DateTimeParseException e) {
      throw new IllegalArgumentException("invalid time in schedule '" + schedule + "'");
    }
    throw new IllegalArgumentException("invalid schedule '" + schedule + "': use the App Engine cron format, e.g."
        + " 'every 24 hours' or 'every 1 hours from 00:05 to 23:05'");
  }

  /** The scheduled run times in [start, end), UTC. */
  List<Instant> runTimes(Instant start, Instant end) {
    List<Instant> times = new ArrayList<>();
    for (Instant day = start.truncatedTo(ChronoUnit.DAYS); day.isBefore(end); day = day.plus(Duration.ofDays(1))) {
      Instant last = day.plusSeconds(to.toSecondOfDay());
      for (Instant time = day.plusSeconds(from.toSecondOfDay()); !time.isAfter(last)
          && time.isBefore(day.plus(Duration.ofDays(1))); time = time.plus(interval)) {
        if (!time.isBefore(start) && time.isBefore(end)) {
          times.add(time);
        }
      }
    }
    return times;
  }
}
