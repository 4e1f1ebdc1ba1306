package io.bqexport.operator.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.BigQueryExportStatus;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Only spec changes, run-now nonces and deletions reconcile; the operator's own status writes do not. */
class ExportUpdateFilterTest {
  private final ExportUpdateFilter filter = new ExportUpdateFilter();

  @Test
  void aStatusWriteOrAnUnrelatedAnnotationDoesNotReconcile() {
    BigQueryExport old = export(3L, Map.of());
    BigQueryExport written = export(3L, Map.of("note", "anything"));
    written.setStatus(new BigQueryExportStatus(3L, null, null, "2026-11-28T09:00:00Z", 0L, null, null, null, null,
        null, null, null));
    assertThat(filter.accept(written, old)).isFalse();
  }

  @Test
  void aNewGenerationReconciles() {
    assertThat(filter.accept(export(4L, Map.of()), export(3L, Map.of()))).isTrue();
  }

  @Test
  void aNewRunNowNonceReconcilesButTheSameOneDoesNot() {
    BigQueryExport first = export(3L, Map.of(RunNow.ANNOTATION, "1700000000"));
    assertThat(filter.accept(first, export(3L, Map.of()))).isTrue();
    assertThat(filter.accept(export(3L, Map.of(RunNow.ANNOTATION, "1700000600")), first)).isTrue();
    assertThat(filter.accept(export(3L, Map.of(RunNow.ANNOTATION, "1700000000")), first)).isFalse();
  }

  @Test
  void markingForDeletionReconciles() {
    BigQueryExport deleting = export(3L, Map.of());
    deleting.getMetadata().setDeletionTimestamp("2026-11-28T10:00:00Z");
    assertThat(filter.accept(deleting, export(3L, Map.of()))).isTrue();
  }

  private static BigQueryExport export(long generation, Map<String, String> annotations) {
    BigQueryExport export = new BigQueryExport();
    export.setMetadata(new ObjectMetaBuilder().withNamespace("ns").withName("e").withGeneration(generation)
        .withAnnotations(annotations).build());
    return export;
  }
}
