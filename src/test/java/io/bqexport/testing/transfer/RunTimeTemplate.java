package io.bqexport.testing.transfer;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Run-time parameters as the Transfer Service documents them for Cloud Storage transfers
 * (https://cloud.google.com/bigquery/docs/gcs-transfer-parameters): {@code {run_date}} is run_time as YYYYMMDD;
 * {@code {run_time[+\-offset]|"time_format"}} offsets run_time (UTC) by hours, minutes and seconds "in that order",
 * decimals allowed, days not supported, no whitespace, and formats it with strftime elements. The stand-in knows
 * %Y %m %d %H %M %S and the unpadded %-H, %-d, %-m; anything else is rejected rather than guessed.
 */
final class RunTimeTemplate {
  private static final Pattern PARAMETER = Pattern.compile("\\{([^{}]*)}");
  private static final Pattern RUN_TIME = Pattern.compile(
      "run_time(?:([+-])(?:(\\d+(?:\\.\\d+)?)h)?(?:(\\d+(?:\\.\\d+)?)m)?(?:(\\d+(?:\\.\\d+)?)s)?)?\\|\"([^\"]*)\"");
  private static final Pattern FORMAT_ELEMENT = Pattern.compile("%(-?)(.)");

  private RunTimeTemplate() {}

  /** Checks the template's syntax; the message says what is wrong, as an INVALID_ARGUMENT would. */
  static void validate(String template, String param) {
    render(template, Instant.EPOCH, param);
  }

  static String render(String template, Instant runTime, String param) {
    if (template.indexOf('{') < 0 && template.indexOf('}') >= 0) {
      throw new IllegalArgumentException(param + ": unbalanced '}' in " + template);
    }
    Matcher matcher = PARAMETER.matcher(template);
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      matcher.appendReplacement(out, Matcher.quoteReplacement(parameter(matcher.group(1), runTime, param)));
    }
    matcher.appendTail(out);
    String rendered = out.toString();
    if (rendered.indexOf('{') >= 0 || rendered.indexOf('}') >= 0) {
      throw new IllegalArgumentException(param + ": unbalanced braces in " + template);
    }
    return rendered;
  }

  private static String parameter(String body, Instant runTime, String param) {
    if ("run_date".equals(body)) {
      return format(runTime.atZone(ZoneOffset.UTC), "%Y%m%d", param);
    }
    Matcher runTimeParameter = RUN_TIME.matcher(body);
    if (!runTimeParameter.matches() || (runTimeParameter.group(1) != null && runTimeParameter.group(2) == null
        && runTimeParameter.group(3) == null && runTimeParameter.group(4) == null)) {
      throw new IllegalArgumentException(param + ": '{" + body + "}' is not a run-time parameter: use {run_date} or"
          + " {run_time[+|-offset]|\"time_format\"} with an offset in h, m, s (no days, no whitespace)");
    }
    Duration offset = Duration.ZERO
        .plus(amount(runTimeParameter.group(2), 3600))
        .plus(amount(runTimeParameter.group(3), 60))
        .plus(amount(runTimeParameter.group(4), 1));
    Instant time = "-".equals(runTimeParameter.group(1)) ? runTime.minus(offset) : runTime.plus(offset);
    return format(time.atZone(ZoneOffset.UTC), runTimeParameter.group(5), param);
  }

  private static Duration amount(String value, long secondsPerUnit) {
    return value == null ? Duration.ZERO
        : Duration.ofMillis(Math.round(Double.parseDouble(value) * secondsPerUnit * 1000));
  }

  private static String format(ZonedDateTime time, String format, String param) {
    Matcher element = FORMAT_ELEMENT.matcher(format);
    StringBuilder out = new StringBuilder();
    while (element.find()) {
      boolean unpadded = !element.group(1).isEmpty();
      String value = switch (element.group(2)) {
        case "Y" -> String.format("%04d", time.getYear());
        case "m" -> pad(time.getMonthValue(), unpadded);
        case "d" -> pad(time.getDayOfMonth(), unpadded);
        case "H" -> pad(time.getHour(), unpadded);
        case "M" -> pad(time.getMinute(), unpadded);
        case "S" -> pad(time.getSecond(), unpadded);
        case "%" -> "%";
        default -> throw new IllegalArgumentException(param + ": the stand-in does not know the format element %"
            + element.group(1) + element.group(2));
      };
      element.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    element.appendTail(out);
    return out.toString();
  }

  private static String pad(int value, boolean unpadded) {
    return unpadded ? Integer.toString(value) : String.format("%02d", value);
  }
}
