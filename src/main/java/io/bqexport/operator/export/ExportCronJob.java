package io.bqexport.operator.export;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpecBuilder;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The hourly CronJob. Runs never overlap (Forbid), a run ends before the next one is due, and a missed start is
 * skipped rather than queued: the next run exports every missing hour anyway.
 */
public final class ExportCronJob {
  static final long STARTING_DEADLINE_SECONDS = 600;
  static final int BACKOFF_LIMIT = 2;
  /**
   * Finished Jobs go after a day. The CronJob keeps at most 3 + 3 of its own, but run-now Jobs have no other
   * limit, and every Job left behind is cached by the operator. Run history does not need them: status.runs keeps
   * each run the operator saw (seconds after it finished, unless the operator was down for longer than this).
   */
  static final java.time.Duration FINISHED_JOB_TTL = java.time.Duration.ofDays(1);

  private ExportCronJob() {}

  public static String name(BigQueryExport export) {
    return ChildNames.withSuffix(export.getMetadata().getName(), "");
  }

  /** @param suspend true while the spec says so or the credentials are not valid */
  public static CronJob desired(BigQueryExport export, String image, boolean suspend) {
    CronSchedule schedule = CronSchedule.parse(export.getSpec().schedule());
    Map<String, String> podLabels = new HashMap<>(ExportLabels.of(export));
    podLabels.put(ExportLabels.TRIGGER, "Scheduled");
    return new CronJobBuilder()
        .withNewMetadata().withName(name(export)).withNamespace(export.getMetadata().getNamespace())
        .withLabels(ExportLabels.of(export)).endMetadata()
        .withNewSpec()
        .withSchedule(schedule.expression())
        .withTimeZone(schedule.timeZone().map(ZoneId::getId).orElse(null))
        .withSuspend(suspend)
        .withConcurrencyPolicy("Forbid")
        .withStartingDeadlineSeconds(STARTING_DEADLINE_SECONDS)
        .withSuccessfulJobsHistoryLimit(3)
        .withFailedJobsHistoryLimit(3)
        .withNewJobTemplate()
        .withNewMetadata().withLabels(podLabels).endMetadata()
        .withSpec(jobSpec(export, image, podLabels, schedule))
        .endJobTemplate()
        .endSpec().build();
  }

  static JobSpec jobSpec(BigQueryExport export, String image, Map<String, String> labels, CronSchedule schedule) {
    return new JobSpecBuilder()
        .withBackoffLimit(BACKOFF_LIMIT)
        .withTtlSecondsAfterFinished((int) FINISHED_JOB_TTL.toSeconds())
        .withActiveDeadlineSeconds(deadline(schedule).toSeconds())
        .withTemplate(ExportPodTemplate.build(export, ExporterConfigMap.name(export), image, labels,
            List.of()))
        .build();
  }

  /** Shorter than the schedule's period, so a stuck run ends before the next one is due. */
  static Duration deadline(CronSchedule schedule) {
    Duration period = schedule.shortestInterval();
    Duration deadline = period.minusMinutes(5);
    return deadline.compareTo(Duration.ofMinutes(5)) < 0 ? Duration.ofMinutes(5) : deadline;
  }
}
