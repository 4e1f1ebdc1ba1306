package io.bqexport.operator.backfill;

import io.bqexport.api.v1alpha1.BigQueryBackfill;
import io.bqexport.operator.export.ChildNames;
import io.bqexport.operator.export.ExportLabels;
import java.util.Map;

/**
 * Labels of a backfill's Job and Pods. They carry the managed-by label but deliberately not
 * {@code bqexport.io/export}: the export's informers map children by that label, and backfill chunks must not show
 * up in the export's run history.
 */
public final class BackfillLabels {
  public static final String BACKFILL = "bqexport.io/backfill";
  public static final String SELECTOR = ExportLabels.MANAGED_BY + "=" + ExportLabels.MANAGED_BY_VALUE + "," + BACKFILL;

  private BackfillLabels() {}

  public static Map<String, String> of(BigQueryBackfill backfill) {
    return Map.of(ExportLabels.MANAGED_BY, ExportLabels.MANAGED_BY_VALUE, BACKFILL,
        ChildNames.labelValue(backfill.getMetadata().getName()),
        "app.kubernetes.io/name", "bqexport-backfill");
  }
}
