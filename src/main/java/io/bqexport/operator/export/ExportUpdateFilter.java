package io.bqexport.operator.export;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;
import java.util.Map;
import java.util.Objects;

/**
 * Which updates of a BigQueryExport start a reconcile: a new generation (spec), a new run-now nonce, or a deletion.
 * Everything else, above all the operator's own status writes, does not: each of those used to cost a second full
 * reconcile (bench/RESULTS.md). JOSDK's generation awareness alone would drop the run-now annotation, which changes
 * no generation, and a user filter can only narrow it (JOSDK ands the two), so this filter replaces it.
 */
public final class ExportUpdateFilter implements OnUpdateFilter<BigQueryExport> {
  @Override
  public boolean accept(BigQueryExport updated, BigQueryExport old) {
    return !Objects.equals(updated.getMetadata().getGeneration(), old.getMetadata().getGeneration())
        || !Objects.equals(runNow(updated), runNow(old))
        || updated.getMetadata().getDeletionTimestamp() != null;
  }

  private static String runNow(BigQueryExport export) {
    Map<String, String> annotations = export.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(RunNow.ANNOTATION);
  }
}
