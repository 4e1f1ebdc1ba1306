package io.bqexport.operator.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A stuck run ends before the next one is due: five minutes before it, but never given under five minutes. */
class ExportCronJobTest {

  @Test
  void theDeadlineIsThePeriodLessFiveMinutesAndAtLeastFive() {
    assertThat(ExportCronJob.deadline(CronSchedule.parse("5 * * * *"))).isEqualTo(Duration.ofMinutes(55));
    assertThat(ExportCronJob.deadline(CronSchedule.parse("*/15 * * * *"))).isEqualTo(Duration.ofMinutes(10));
    assertThat(ExportCronJob.deadline(CronSchedule.parse("*/10 * * * *"))).isEqualTo(Duration.ofMinutes(5));
    assertThat(ExportCronJob.deadline(CronSchedule.parse("*/5 * * * *"))).isEqualTo(Duration.ofMinutes(5));
    assertThat(ExportCronJob.deadline(CronSchedule.parse("* * * * *"))).isEqualTo(Duration.ofMinutes(5));
  }
}
