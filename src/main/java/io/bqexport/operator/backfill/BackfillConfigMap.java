package io.bqexport.operator.backfill;

import io.bqexport.api.v1alpha1.BigQueryBackfill;
import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.operator.export.ChildNames;
import io.bqexport.operator.export.ExporterConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMap;

/**
 * The backfill's own copy of its export's exporter configuration, written once when the backfill starts. A Job's
 * pod template is fixed, but a ConfigMap it mounts is not: with the export's live ConfigMap, changing the export's
 * destination mid-backfill would redirect the remaining chunks.
 */
public final class BackfillConfigMap {
  private BackfillConfigMap() {}

  public static String name(BigQueryBackfill backfill) {
    return ChildNames.withSuffix(backfill.getMetadata().getName(), "-backfill-config");
  }

  public static ConfigMap desired(BigQueryBackfill backfill, BigQueryExport export, java.time.Instant now) {
    return ExporterConfigMap.named(export, name(backfill), BackfillLabels.of(backfill), now);
  }
}
