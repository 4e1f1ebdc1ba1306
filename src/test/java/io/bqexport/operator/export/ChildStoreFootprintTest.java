package io.bqexport.operator.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.testing.ExportFixtures;
import io.bqexport.testing.RunHistoryFixtures;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.fabric8.kubernetes.client.informers.cache.ReducedStateItemStore;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.GraphLayout;

/**
 * Heap per cached child, measured exactly (JOL walks the store's object graph; the shared serializer is not counted):
 * 5 exports with 24 finished runs each, as the API returns them. Prints the figures for bench/RESULTS.md and holds
 * the packed stores to the budget that lets 10,000 exports x 24 runs fit the chart's heap.
 */
class ChildStoreFootprintTest {
  static {
    // Records' field offsets are not available through Unsafe; JOL finds them another way.
    System.setProperty("jol.magicFieldOffset", "true");
  }

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private static final int EXPORTS = 5;
  private static final int RUNS = 24;

  private final List<Job> jobs = new ArrayList<>();
  private final List<Pod> pods = new ArrayList<>();
  private final List<CronJob> cronJobs = new ArrayList<>();
  private final List<ConfigMap> configMaps = new ArrayList<>();

  ChildStoreFootprintTest() {
    for (int e = 0; e < EXPORTS; e++) {
      BigQueryExport export = ExportFixtures.export("analytics", String.format(Locale.ROOT, "export-%04d", e), null);
      CronJob cronJob = RunHistoryFixtures.cronJob(export, "registry.test/bqexport:1");
      cronJobs.add(asListed(cronJob, CronJob.class));
      configMaps.add(asListed(ExporterConfigMap.desired(export, Instant.parse("2026-11-28T10:00:00Z")),
          ConfigMap.class));
      for (int k = 1; k <= RUNS; k++) {
        var run = RunHistoryFixtures.succeeded(export, cronJob,
            Instant.parse("2026-11-28T05:00:00Z").minusSeconds(3600L * k), 40_000 + k);
        jobs.add(asListed(run.job(), Job.class));
        pods.add(asListed(run.pod(), Pod.class));
      }
    }
  }

  @Test
  void packedJobsAndPodsTakeATenthOfThePrunedMaps() {
    long job = report(Job.class, jobs);
    long pod = report(Pod.class, pods);
    // 10,000 exports x 24 runs in under 100 MiB: about 440 bytes per Job and Pod together.
    assertThat(job + pod).isLessThan(900);
  }

  @Test
  void packedCronJobsAndConfigMapsTakeAFewHundredBytes() {
    assertThat(report(CronJob.class, cronJobs)).isLessThan(1_500);
    assertThat(report(ConfigMap.class, configMaps)).isLessThan(1_000);
  }

  /** Prints heap per object in full, pruned as maps (before) and packed (now); returns packed. */
  private static <R extends HasMetadata> long report(Class<R> type, List<R> items) {
    ItemStore<R> full = new BasicItemStore<>(Cache::metaNamespaceKeyFunc);
    items.forEach(item -> full.put(full.getKey(item), item));
    long fullSize = perObject(full, items.size());
    ItemStore<R> maps = new ReducedStateItemStore<>(ReducedStateItemStore.NAME_KEY_STATE, type, SERIALIZATION,
        ExportChildStores.fields(type).toArray(String[]::new));
    items.forEach(item -> maps.put(maps.getKey(item), item));
    long mapsSize = perObject(maps, items.size());
    ItemStore<R> packed = ExportChildStores.of(type, SERIALIZATION); // last: it slims the objects it is given
    items.forEach(item -> packed.put(packed.getKey(item), item));
    long packedSize = perObject(packed, items.size());
    System.out.printf(Locale.ROOT, "heap per cached %s: full %d B, pruned maps %d B, packed %d B%n",
        type.getSimpleName(), fullSize, mapsSize, packedSize);
    return packedSize;
  }

  private static long perObject(ItemStore<?> store, int count) {
    return GraphLayout.parseInstance(store).subtract(GraphLayout.parseInstance(SERIALIZATION)).totalSize() / count;
  }

  /** The object as the API returns it: a resourceVersion, decoded from JSON. */
  private static <R extends HasMetadata> R asListed(R item, Class<R> type) {
    item.getMetadata().setResourceVersion("1234567");
    return SERIALIZATION.unmarshal(SERIALIZATION.asJson(item), type);
  }
}
