package io.bqexport.operator.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.BigQueryExportStatus;
import io.bqexport.api.v1alpha1.RunRecord;
import io.bqexport.testing.ExportFixtures;
import io.bqexport.testing.KubernetesStandIn;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.GraphLayout;

/** The packed export store under a real fabric8 informer against the Kubernetes API stand-in. */
class ExportStoreTest {
  static {
    // Records' field offsets are not available through Unsafe; JOL finds them another way.
    System.setProperty("jol.magicFieldOffset", "true");
  }

  private static final String NS = "analytics";

  private KubernetesStandIn kubernetes;
  private SharedIndexInformer<BigQueryExport> informer;
  private PackedItemStore<BigQueryExport> store;
  private final List<BigQueryExport> handed = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    kubernetes = new KubernetesStandIn().namespace(NS);
    store = (PackedItemStore<BigQueryExport>) ExportStore.create(kubernetes.client().getKubernetesSerialization());
    informer = kubernetes.newOperatorClient().resources(BigQueryExport.class).inNamespace(NS).runnableInformer(0)
        .itemStore(store);
    // As ExportReconciler indexes exports: from the spec, which the store keeps on the object it hands on.
    informer.addIndexers(Map.of("secrets", e -> ExportReconciler.referencedSecrets(e)));
    informer.addEventHandler(new ResourceEventHandler<>() {
      @Override
      public void onAdd(BigQueryExport export) {
        handed.add(export);
      }

      @Override
      public void onUpdate(BigQueryExport old, BigQueryExport export) {
        handed.add(export);
      }

      @Override
      public void onDelete(BigQueryExport export, boolean unknown) {}
    });
    informer.start().toCompletableFuture().join();
  }

  @AfterEach
  void stop() {
    informer.stop();
    kubernetes.close();
  }

  @Test
  void anExportWithItsRunHistoryIsKeptWholeButManagedFieldsAndPackedToAFractionOfItsJson() {
    BigQueryExport created = kubernetes.client().resource(ExportFixtures.export(NS, "product-events", null))
        .create();
    created.getMetadata().setAnnotations(Map.of(RunNow.ANNOTATION, "nonce-1"));
    created.getMetadata().setFinalizers(List.of(TransferFinalizer.NAME));
    BigQueryExport annotated = kubernetes.client().resource(created).update();
    List<RunRecord> runs = IntStream.range(0, 24).mapToObj(i -> new RunRecord("product-events-294114" + (10 + i),
        "product-events-294114" + (10 + i) + "-x7k2p", "Scheduled", "2026-11-28T0" + (i % 10) + ":00:03Z",
        "2026-11-28T0" + (i % 10) + ":01:41Z", "Succeeded", 1L, 4200L + i, "2026-11-28T0" + (i % 10) + ":00:00Z",
        0L, 0L, null, null, null, null)).toList();
    annotated.setStatus(new BigQueryExportStatus(1L, List.of(), null, "2026-11-28T09:00:00Z", 0L, runs.get(0),
        runs.get(0), runs, null, "nonce-1", null, null));
    BigQueryExport live = kubernetes.client().resource(annotated).updateStatus();
    String key = Cache.metaNamespaceKeyFunc(live);
    withoutRunHistoryKeepsAllButTheRuns(kubernetes.client().resource(live).get());

    await().atMost(Duration.ofMinutes(2)).until(() -> store.get(key) != null && live.getMetadata()
        .getResourceVersion().equals(store.get(key).getMetadata().getResourceVersion()));
    BigQueryExport cached = store.get(key);
    assertThat(cached.getSpec()).isEqualTo(live.getSpec());
    assertThat(cached.getStatus()).isEqualTo(live.getStatus());
    assertThat(cached.getMetadata().getManagedFields()).isEmpty();
    live.getMetadata().setManagedFields(List.of());
    assertThat(cached.getMetadata()).isEqualTo(live.getMetadata());
    assertThat(cached.getApiVersion()).isEqualTo(live.getApiVersion());
    assertThat(cached.getKind()).isEqualTo(live.getKind());
    int json = kubernetes.client().getKubernetesSerialization().asJson(live).length();
    assertThat(store.packedSize(key)).as("of %d bytes of JSON", json).isLessThan(json / 5);

    // The handlers get the object without its status; the index from its spec is still right.
    assertThat(handed).isNotEmpty().allSatisfy(e -> assertThat(e.getStatus()).isNull());
    assertThat(informer.getIndexer().byIndex("secrets", NS + "/" + ExportFixtures.GOOGLE_SECRET))
        .singleElement().satisfies(e -> assertThat(e.getStatus()).isEqualTo(live.getStatus()));
  }

  @Test
  void anExportReadFromTheStoreUnpacksItsRunRecordsOnlyWhenFirstUsed() {
    BigQueryExport export = ExportFixtures.export(NS, "queued", null);
    export.getMetadata().setResourceVersion("7");
    List<RunRecord> runs = IntStream.range(0, 24).mapToObj(i -> new RunRecord("queued-294114" + (10 + i),
        "queued-294114" + (10 + i) + "-x7k2p", "Scheduled", "2026-11-28T0" + (i % 10) + ":00:03Z",
        "2026-11-28T0" + (i % 10) + ":01:41Z", "Succeeded", 1L, 4200L + i, "2026-11-28T0" + (i % 10) + ":00:00Z",
        0L, 0L, null, null, null, null)).toList();
    BigQueryExportStatus status = new BigQueryExportStatus(1L, List.of(), null, "2026-11-28T09:00:00Z", 0L,
        runs.get(0), runs.get(0), runs, null, null, null, null);
    export.setStatus(status);
    store.put(Cache.metaNamespaceKeyFunc(export), export); // hands the informer's object on without its status

    // What JOSDK holds for each queued reconcile: the export as read, its run records not yet used.
    BigQueryExport queued = store.get(Cache.metaNamespaceKeyFunc(export));
    // The store (its packed bytes, its serializer) is held anyway: only what the read export adds counts.
    long queuedBytes = GraphLayout.parseInstance(queued).subtract(GraphLayout.parseInstance(store)).totalSize();
    assertThat(queued.getStatus().runs()).isEqualTo(runs); // first use
    long usedBytes = GraphLayout.parseInstance(queued).subtract(GraphLayout.parseInstance(store)).totalSize();
    assertThat(queuedBytes).as("held before the runs are used, against %d after", usedBytes)
        .isLessThan(usedBytes / 2);
    assertThat(queued.getStatus()).isEqualTo(status);
    assertThat(kubernetes.client().getKubernetesSerialization().asJson(queued.getStatus()))
        .isEqualTo(kubernetes.client().getKubernetesSerialization().asJson(status));
  }

  /** The backfill controller's copy: the status but its run history. */
  private void withoutRunHistoryKeepsAllButTheRuns(BigQueryExport live) {
    var reduced = ExportStore.withoutRunHistory(kubernetes.client().getKubernetesSerialization());
    reduced.put("k", kubernetes.client().getKubernetesSerialization().clone(live));
    BigQueryExport kept = reduced.get("k");
    assertThat(kept.getSpec()).isEqualTo(live.getSpec());
    assertThat(kept.getStatus().runs()).isNull();
    assertThat(kept.getStatus().lastRun()).isNull();
    assertThat(kept.getStatus()).usingRecursiveComparison().ignoringFields("runs", "lastRun", "lastSuccessfulRun")
        .isEqualTo(live.getStatus());
    assertThat(kept.getMetadata().getAnnotations()).isEqualTo(live.getMetadata().getAnnotations());
  }
}
