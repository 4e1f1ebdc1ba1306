package io.bqexport.transfer;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Transfer Service schedule for an export's cron, and the hour each run loads.
 *
 * <p>Only hourly crons map: {@code M * * * *} (M in 0..59) and {@code @hourly}. Amplitude writes one set of files
 * per hour and the data path names one hour, so one run must load one hour: a daily or every-N-hours cron would
 * skip hours. They become {@code every 1 hours from 00:MM to 23:MM}, the App Engine cron syntax that the Transfer
 * Service uses for {@code TransferConfig.schedule}
 * (https://cloud.google.com/appengine/docs/flexible/scheduling-jobs-with-cron-yaml#formatting_the_schedule); the
 * {@code from}/{@code to} range pins the minute, where a bare {@code every 1 hours} would run at the minute the
 * config was created.
 *
 * <p>A run at run_time R loads the latest due hour, the one the Direct mode would export last: hour H is due when
 * {@code H + 1h + availabilityDelay <= R}, so the data path formats {@code run_time - (1h + availabilityDelay)}
 * truncated to the hour.
 */
public record TransferSchedule(int minute, Duration loadOffset) {
  private static final Pattern HOURLY = Pattern.compile("(\\d{1,2})\\s+\\*\\s+\\*\\s+\\*\\s+\\*");

  /**
   * @param cron the export's {@code spec.schedule}
   * @param availabilityDelay the export's {@code spec.availabilityDelay} (how long after its end an hour is due)
   */
  public static TransferSchedule fromCron(String cron, Duration availabilityDelay) {
    if (availabilityDelay == null || availabilityDelay.isNegative()) {
      throw new TransferSpecException("spec.availabilityDelay", "must be zero or positive, e.g. 2h");
    }
    String trimmed = cron == null ? "" : cron.trim();
    if (trimmed.startsWith("CRON_TZ=") || trimmed.startsWith("TZ=")) {
      // The Transfer Service runs schedules in UTC, and a zone such as Asia/Kolkata (+05:30) moves the minute.
      throw new TransferSpecException("spec.schedule", "delivery TransferService runs its schedule in UTC: drop the '"
          + trimmed.substring(0, trimmed.indexOf(' ') < 0 ? trimmed.length() : trimmed.indexOf(' '))
          + "' prefix and give the minute in UTC, e.g. '5 * * * *'; got '" + trimmed + "'.");
    }
    int minute;
    Matcher hourly = HOURLY.matcher(trimmed);
    if ("@hourly".equals(trimmed)) {
      minute = 0;
    } else if (hourly.matches() && Integer.parseInt(hourly.group(1)) < 60) {
      minute = Integer.parseInt(hourly.group(1));
    } else {
      throw new TransferSpecException("spec.schedule", "delivery TransferService needs an hourly schedule 'M * * * *'"
          + " (e.g. '5 * * * *') because each transfer run loads one hour of Amplitude's files; got '" + trimmed
          + "'. Use an hourly schedule, or delivery: Direct for other schedules.");
    }
    return new TransferSchedule(minute, Duration.ofHours(1).plus(availabilityDelay));
  }

  /** The hour a run for {@code runTime} loads: the hour of run_time minus the offset. */
  public java.time.Instant loadedHour(java.time.Instant runTime) {
    return runTime.minus(loadOffset).truncatedTo(java.time.temporal.ChronoUnit.HOURS);
  }

  /**
   * The run time of the schedule slot whose run loads {@code hour}: the first slot (minute {@link #minute()}, second
   * 0) at or after {@code hour + loadOffset}. Not simply {@code hour + loadOffset + minute}: with an
   * availabilityDelay that is not a whole hour (e.g. 90m) that instant is no slot, and a requested_time_range around
   * it would start no run at all.
   */
  public java.time.Instant slotLoading(java.time.Instant hour) {
    java.time.Instant earliest = hour.plus(loadOffset);
    java.time.Instant slot = earliest.truncatedTo(java.time.temporal.ChronoUnit.HOURS).plus(Duration.ofMinutes(minute));
    return slot.isBefore(earliest) ? slot.plus(Duration.ofHours(1)) : slot;
  }

  /** {@code TransferConfig.schedule}. */
  public String transferSchedule() {
    return String.format("every 1 hours from 00:%02d to 23:%02d", minute, minute);
  }

  /**
   * The run-time parameter that formats the loaded hour as Amplitude names it ({@code yyyy-MM-dd_H}, the hour
   * without a leading zero), e.g. {@code {run_time-3h|"%Y-%m-%d_%-H"}}. The offset is in whole hours, minutes or
   * seconds, the units the documented syntax {@code {run_time[+\-offset]|"time_format"}} allows
   * (https://cloud.google.com/bigquery/docs/gcs-transfer-parameters).
   */
  public String hourParameter() {
    return "{run_time-" + offset() + "|\"%Y-%m-%d_%-H\"}";
  }

  private String offset() {
    long seconds = loadOffset.getSeconds();
    if (seconds % 3600 == 0) {
      return seconds / 3600 + "h";
    }
    return seconds % 60 == 0 ? seconds / 60 + "m" : seconds + "s";
  }
}
