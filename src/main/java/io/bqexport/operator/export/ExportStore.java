package io.bqexport.operator.export;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.BigQueryExportStatus;
import io.bqexport.api.v1alpha1.Condition;
import io.bqexport.api.v1alpha1.CredentialsStatus;
import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.api.v1alpha1.RunRecord;
import io.bqexport.exporter.RunSummary;
import io.bqexport.operator.status.ConditionType;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.AbstractList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The export controller's informer store: every BigQueryExport packed ({@link PackedItemStore}) with all the
 * operator reads of it, metadata but managedFields, spec and status. An export with 24 run records is about 15 KiB
 * of JSON and several times that as Java objects; 10,000 of them held so would take the chart's whole heap. The
 * object the informer then hands to the event handlers loses its status: JOSDK's filters read its metadata, the
 * indexers its spec and metadata, and a reconcile reads the export from the store.
 */
public final class ExportStore {
  static final List<String> FIELDS = List.of("metadata.uid", "metadata.generation", "metadata.creationTimestamp",
      "metadata.labels", "metadata.annotations", "metadata.finalizers", "metadata.ownerReferences",
      "metadata.deletionTimestamp", "metadata.deletionGracePeriodSeconds", "spec", "status");
  /** What the backfill controller reads of an export: all but the run history. */
  static final List<String> WITHOUT_RUN_HISTORY = Stream.concat(FIELDS.stream().filter(f -> !f.equals("status")),
      Stream.of("observedGeneration", "conditions", "credentials", "exportedThrough", "missingHours", "schemaDrift",
          "lastRunNow", "quarantinedHours", "integrity", "transfer").map(f -> "status." + f)).toList();
  private static final String TIME = "2026-01-01T00:00:00Z";

  private ExportStore() {}

  public static ItemStore<BigQueryExport> create(KubernetesSerialization serialization) {
    return new PackedItemStore<>(BigQueryExport.class, serialization, FIELDS, sample(), ExportStore::dropUnread,
        ExportStore::runsOnFirstUse);
  }

  /**
   * The export with its run records unpacked only when first used. JOSDK reads an export from the store when it
   * queues its reconcile and again when the reconcile runs; at start it queues one for every export, and with their
   * run records unpacked (about 27 KiB each) 10,000 queued exports filled the chart's heap.
   */
  static BigQueryExport runsOnFirstUse(BigQueryExport export, Supplier<BigQueryExport> again) {
    BigQueryExportStatus s = export.getStatus();
    if (s == null || s.runs() == null || s.runs().isEmpty()) {
      return export;
    }
    export.setStatus(new BigQueryExportStatus(s.observedGeneration(), s.conditions(), s.credentials(),
        s.exportedThrough(), s.missingHours(), s.lastRun(), s.lastSuccessfulRun(),
        new OnFirstUse<>(() -> again.get().getStatus().runs()), s.schemaDrift(), s.lastRunNow(),
        s.quarantinedHours(), s.integrity(), s.transfer()));
    return export;
  }

  /** A list made when first read. */
  static final class OnFirstUse<T> extends AbstractList<T> {
    private Supplier<List<T>> source;
    private List<T> list;

    OnFirstUse(Supplier<List<T>> source) {
      this.source = source;
    }

    private synchronized List<T> list() {
      if (list == null) {
        list = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(source.get()));
        source = null;
      }
      return list;
    }

    @Override
    public T get(int index) {
      return list().get(index);
    }

    @Override
    public int size() {
      return list().size();
    }
  }

  /** For the backfill controller's informer of exports: packed too, without the run history. */
  public static ItemStore<BigQueryExport> withoutRunHistory(KubernetesSerialization serialization) {
    return new PackedItemStore<>(BigQueryExport.class, serialization, WITHOUT_RUN_HISTORY, sample(),
        ExportStore::dropUnread);
  }

  static void dropUnread(BigQueryExport export) {
    export.getMetadata().setManagedFields(null);
    export.setStatus(null);
  }

  /** The dictionary: an export as the operator writes it, with a few run records and its conditions. */
  static BigQueryExport sample() {
    BigQueryExport export = ChildDictionaries.export();
    List<RunRecord> runs = IntStream.range(0, 4).mapToObj(i -> new RunRecord("export-2900000" + i,
        "export-2900000" + i + "-abcde", "Scheduled", TIME, TIME, RunSummary.SUCCEEDED, 1L, 1000L,
        TIME, 0L, 0L, null, null, null, null)).toList();
    List<Condition> conditions = List.of(ConditionType.READY, ConditionType.CREDENTIALS_VALID,
        ConditionType.SCHEDULED, ConditionType.DATA_FRESH, ConditionType.RECONCILING, ConditionType.STALLED).stream()
        .map(type -> new Condition(type, "True", Reasons.READY, "Credentials valid, scheduled, data fresh through "
            + TIME + ".", TIME, 1L)).toList();
    export.setStatus(new BigQueryExportStatus(1L, conditions, new CredentialsStatus("writer@project.iam"
        + ".gserviceaccount.com", "project", "0000", TIME, "amplitude@1,google@2"), TIME, 0L, runs.get(0),
        runs.get(0), runs, null, null, null, null));
    return export;
  }
}
