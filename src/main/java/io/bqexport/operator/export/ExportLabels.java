package io.bqexport.operator.export;

import io.bqexport.api.v1alpha1.BigQueryExport;
import java.util.Map;

/** Labels on every child of an export; they map Jobs and Pods back to it and select them in informers. */
public final class ExportLabels {
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String MANAGED_BY_VALUE = "bqexport";
  public static final String EXPORT = "bqexport.io/export";
  /** How a Job was started: Scheduled (by the CronJob) or RunNow (by the annotation). */
  public static final String TRIGGER = "bqexport.io/trigger";
  /** The export's own children: a backfill's carry the managed-by label too, but not the export label. */
  public static final String SELECTOR = MANAGED_BY + "=" + MANAGED_BY_VALUE + "," + EXPORT;
  /**
   * Set on a finished Job once status.runs holds its record ({@link FinishedRuns}): the Job informer selects Jobs
   * without it, so the operator caches running and unrecorded runs only, not the whole history.
   */
  public static final String RUN_RECORDED = "bqexport.io/run-recorded";
  /** The Jobs the export informer caches: its own, not yet recorded. */
  public static final String UNRECORDED_JOBS = SELECTOR + ",!" + RUN_RECORDED;

  private ExportLabels() {}

  public static Map<String, String> of(BigQueryExport export) {
    return Map.of(MANAGED_BY, MANAGED_BY_VALUE, EXPORT, ChildNames.labelValue(export.getMetadata().getName()),
        "app.kubernetes.io/name", "bqexport-exporter");
  }
}
