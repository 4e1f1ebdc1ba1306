package io.bqexport.operator.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

class CronScheduleTest {
  private static final ZonedDateTime NOON = ZonedDateTime.parse("2026-11-28T12:00:00Z");

  @Test
  void hourlyAtMinuteFiveFiresAtTheNextMinuteFive() {
    CronSchedule s = CronSchedule.parse("5 * * * *");
    assertThat(s.next(NOON, 1)).contains(ZonedDateTime.parse("2026-11-28T12:05:00Z"));
    assertThat(s.shortestInterval()).isEqualTo(Duration.ofHours(1));
    assertThat(s.timeZone()).isEmpty();
  }

  @Test
  void macrosExpandToTheirFiveFieldForms() {
    assertThat(CronSchedule.parse("@hourly").next(NOON, 1)).contains(ZonedDateTime.parse("2026-11-28T13:00:00Z"));
    assertThat(CronSchedule.parse("@daily").shortestInterval()).isEqualTo(Duration.ofDays(1));
    assertThat(CronSchedule.parse("@weekly").next(NOON, 8))
        .contains(ZonedDateTime.parse("2026-11-29T00:00:00Z")); // 2026-11-29 is a Sunday
  }

  @Test
  void timeZonePrefixIsSplitOffForTheCronJobsTimeZoneField() {
    CronSchedule s = CronSchedule.parse("CRON_TZ=Europe/Berlin 30 2 * * *");
    assertThat(s.timeZone()).contains(ZoneId.of("Europe/Berlin"));
    assertThat(s.expression()).isEqualTo("30 2 * * *");
    assertThat(s.next(NOON, 2).orElseThrow().toInstant())
        .isEqualTo(ZonedDateTime.parse("2026-11-29T01:30:00Z").toInstant());
  }

  @Test
  void listsRangesStepsAndNamesAreUnderstood() {
    CronSchedule s = CronSchedule.parse("*/15 9-17 * JAN-DEC MON-FRI");
    assertThat(s.next(ZonedDateTime.parse("2026-11-27T17:50:00Z"), 7)) // Friday evening -> Monday morning
        .contains(ZonedDateTime.parse("2026-11-30T09:00:00Z"));
    assertThat(CronSchedule.parse("0,30 * * * *").shortestInterval()).isEqualTo(Duration.ofMinutes(30));
  }

  @Test
  void badSchedulesAreRejectedWithTheFieldAndAnExample() {
    assertThatThrownBy(() -> CronSchedule.parse("5 * * *")).hasMessageContaining("spec.schedule")
        .hasMessageContaining("has 4 fields").hasMessageContaining("\"5 * * * *\"");
    assertThatThrownBy(() -> CronSchedule.parse("61 * * * *")).hasMessageContaining("'61' is outside 0-59");
    assertThatThrownBy(() -> CronSchedule.parse("every hour")).hasMessageContaining("spec.schedule");
    assertThatThrownBy(() -> CronSchedule.parse("@every 1h")).hasMessageContaining("unsupported macro");
    assertThatThrownBy(() -> CronSchedule.parse("CRON_TZ=Mars/Olympus 5 * * * *"))
        .hasMessageContaining("unknown time zone 'Mars/Olympus'");
    assertThatThrownBy(() -> CronSchedule.parse("0 0 30 2 *")).hasMessageContaining("never fires");
    assertThatThrownBy(() -> CronSchedule.parse("")).hasMessageContaining("spec.schedule is empty");
  }

  @Test
  void dayOfMonthAndDayOfWeekBothRestrictedFireOnEitherAsCronDoes() {
    ZonedDateTime monday = ZonedDateTime.parse("2024-01-01T00:00:00Z");
    // the 13th or any Friday: Friday the 5th comes first
    assertThat(CronSchedule.parse("0 0 13 * FRI").next(monday, 40))
        .contains(ZonedDateTime.parse("2024-01-05T00:00:00Z"));
    assertThat(CronSchedule.parse("0 0 2 * FRI").next(monday, 40))
        .contains(ZonedDateTime.parse("2024-01-02T00:00:00Z"));
    // one of them any ('*' or '?'): only the other one restricts
    assertThat(CronSchedule.parse("0 0 ? * FRI").next(monday, 40))
        .contains(ZonedDateTime.parse("2024-01-05T00:00:00Z"));
    assertThat(CronSchedule.parse("0 0 13 * ?").next(monday, 40))
        .contains(ZonedDateTime.parse("2024-01-13T00:00:00Z"));
    assertThat(CronSchedule.parse("0 0 13 * *").next(monday, 40))
        .contains(ZonedDateTime.parse("2024-01-13T00:00:00Z"));
  }

  @Test
  void eachFieldAcceptsItsBoundsAndStepsUpToItsWidth() {
    ZonedDateTime start = ZonedDateTime.parse("2024-01-01T00:00:00Z");
    assertThat(CronSchedule.parse("0 0 1 1 0").next(start, 3 * 366)).isPresent();
    assertThat(CronSchedule.parse("59 23 31 12 6").next(start, 3 * 366)).isPresent();
    assertThat(CronSchedule.parse("5-5 * * * *").next(start, 1)).contains(ZonedDateTime.parse("2024-01-01T00:05:00Z"));
    assertThat(CronSchedule.parse("*/60 * * * *").shortestInterval()).isEqualTo(Duration.ofHours(1));
    assertThat(CronSchedule.parse("0 0 */31 * *").next(start, 40)).contains(
        ZonedDateTime.parse("2024-02-01T00:00:00Z")); // days 1, 32, ...: the first of each month
    assertThatThrownBy(() -> CronSchedule.parse("*/61 * * * *")).hasMessageContaining("'*/61' is outside 1-60");
    assertThatThrownBy(() -> CronSchedule.parse("0 0 */32 * *")).hasMessageContaining("'*/32' is outside 1-31");
    assertThatThrownBy(() -> CronSchedule.parse("0 24 * * *")).hasMessageContaining("'24' is outside 0-23");
    assertThatThrownBy(() -> CronSchedule.parse("0 0 0 * *")).hasMessageContaining("'0' is outside 1-31");
    assertThatThrownBy(() -> CronSchedule.parse("30-10 * * * *")).hasMessageContaining("'30-10' runs backwards");
  }
}
