package io.bqexport.bench;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.operator.ChildApplier;
import io.bqexport.operator.export.ExportCronJob;
import io.bqexport.operator.export.ExporterConfigMap;
import io.bqexport.operator.status.EventRecorder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Step 3 of the operator benchmark: {@code count} copies of the history step's template export, each with its
 * Jobs and Pods, served by {@link ScaleApiStandIn}. First every export's ConfigMap and CronJob are written with
 * the operator's own code, as the operator that made them Ready would have left them; then a fresh operator with the chart's memory settings starts on the full state, and once it has synced its informers and
 * reconciled every export, the step reports its peak RSS, heap, reconciles per second and writes per reconcile
 * (nothing changed, so 0 is right).
 */
final class SteadyStep {
  record Figures(double peakRssMiB, double writesPerReconcile) {}

  private final BenchBed bed;
  private final HistoryStep.Template template;
  private final int count;

  SteadyStep(BenchBed bed, HistoryStep.Template template, int count) {
    this.bed = bed;
    this.template = template;
    this.count = count;
  }

  Figures run() throws Exception {
    ExportFleet fleet = new ExportFleet(template.original(), count);
    try (ScaleApiStandIn api = new ScaleApiStandIn(fleet, template.secrets())) {
      Path kubeconfig = bed.kubeconfig("steady", api.url());
      int exportBytes = fleet.export(0).length();
      System.err.printf(Locale.ROOT, "  one export with its status: %d bytes of JSON; the list of all %d, which the"
          + " operator's export informers read unpaged: %.0f MiB%n", exportBytes, count,
          (double) exportBytes * count / (1 << 20));
      seed(api, fleet);
      Map<String, Long> before = api.counts();
      long writesBefore = api.writes();
      long started = System.nanoTime();
      OperatorProcess operator = bed.startOperator("steady", kubeconfig);
      double synced = (System.nanoTime() - started) / 1e9;
      double reconciles;
      try {
        reconciles = operator.awaitReconciled(count, bed.timeout);
      } catch (RuntimeException | AssertionError e) {
        MeasuredProcess.Result result = operator.stop();
        System.out.printf(Locale.ROOT, "operator steady %d exports x %d runs FAILED: %s; peak heap %.0f MiB, peak"
                + " heap after GC %.0f MiB, peak RSS %.0f MiB; see %s%n", count, fleet.runs, e.getMessage(),
            operator.peakHeapMiB(), operator.peakHeapAfterGcMiB(), result.peakRssMiB(), result.log());
        throw e;
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      long writes = api.writes() - writesBefore;
      double live = operator.liveHeapMiB();
      MeasuredProcess.Result result = operator.stop();
      Map<String, Long> during = minus(api.counts(), before);
      System.out.printf(Locale.ROOT, "operator steady %d exports x %d runs (%d Jobs, %d Pods, paged API): ready"
              + " (informers synced) after %.1f s, %.0f reconciles in %.1f s from start (%.1f/s), %d writes (%.2f per"
              + " reconcile), live heap %.0f MiB, peak heap %.0f MiB, peak heap after GC %.0f MiB, peak RSS %.0f MiB,"
              + " operator CPU %.1f s%n", count, fleet.runs, (long) count * fleet.runs, (long) count * fleet.runs,
          synced, reconciles, seconds, reconciles / seconds, writes, writes / reconciles, live,
          operator.peakHeapMiB(), operator.peakHeapAfterGcMiB(), result.peakRssMiB(), result.cpuSeconds());
      OperatorBench.printRequestMix("  operator requests in steady state:", during);
      return new Figures(result.peakRssMiB(), writes / reconciles);
    }
  }

  /**
   * Writes every export's ConfigMap and CronJob with the operator's own code (the desired objects and the
   * ChildApplier that stamps them), as the operator that made the exports Ready left them. A measured operator
   * that wanted anything else would rewrite them, which the step counts as writes.
   */
  private void seed(ScaleApiStandIn api, ExportFleet fleet) throws Exception {
    long started = System.nanoTime();
    Config config = new ConfigBuilder(Config.empty()).withMasterUrl(api.url())
        .withNamespace(OperatorBench.NAMESPACE).withUserAgent(BenchBed.BENCH_USER_AGENT).build();
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
      ChildApplier children = new ChildApplier(client, new EventRecorder(client, Clock.systemUTC()));
      Instant now = Instant.now();
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < count; i++) {
          BigQueryExport export = client.getKubernetesSerialization().unmarshal(fleet.export(i),
              BigQueryExport.class);
          done.add(pool.submit(() -> {
            children.apply(export, ExporterConfigMap.desired(export, now), Optional.empty());
            children.apply(export, ExportCronJob.desired(export, OperatorProcess.EXPORTER_IMAGE, false),
                Optional.empty());
          }));
        }
        for (Future<?> f : done) {
          f.get();
        }
      } finally {
        pool.shutdown();
      }
    }
    System.err.printf(Locale.ROOT, "  seeded %d ConfigMaps and CronJobs in %.1f s%n", count,
        (System.nanoTime() - started) / 1e9);
  }

  private static Map<String, Long> minus(Map<String, Long> after, Map<String, Long> before) {
    Map<String, Long> diff = new HashMap<>();
    after.forEach((k, v) -> diff.put(k, v - before.getOrDefault(k, 0L)));
    return diff;
  }
}
