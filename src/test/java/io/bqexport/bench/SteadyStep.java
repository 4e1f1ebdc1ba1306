package io.bqexport.bench;

import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Step 3 of the operator benchmark: {@code count} copies of the history step's template export, each with its
 * Jobs and Pods, served by {@link ScaleApiStandIn}. First a seeding operator (a large heap, history not listed)
 * writes every export's ConfigMap and CronJob, as the operator that made them Ready would have; then a fresh
 * operator with the chart's memory settings starts on the full state, and once it has synced its informers and
 * reconciled every export, the step reports its peak RSS, heap, reconciles per second and writes per reconcile
 * (nothing changed, so 0 is right).
 */
final class SteadyStep {
  record Figures(double peakRssMiB, double writesPerReconcile) {}

  private final BenchBed bed;
  private final HistoryStep.Template template;
  private final int count;
  private final List<String> seedJvmOpts;

  SteadyStep(BenchBed bed, HistoryStep.Template template, int count, List<String> seedJvmOpts) {
    this.bed = bed;
    this.template = template;
    this.count = count;
    this.seedJvmOpts = seedJvmOpts;
  }

  Figures run() throws Exception {
    ExportFleet fleet = new ExportFleet(template.original(), count);
    try (ScaleApiStandIn api = new ScaleApiStandIn(fleet, template.secrets())) {
      Path kubeconfig = bed.kubeconfig("steady", api.url());
      seed(api, kubeconfig);

      api.listHistory(true);
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

  /** A seeding operator writes every export's ConfigMap and CronJob (unsuspended once the probe passed). */
  private void seed(ScaleApiStandIn api, Path kubeconfig) throws Exception {
    api.listHistory(false);
    long started = System.nanoTime();
    OperatorProcess seeder = OperatorProcess.start(bed.dir, "steady-seed", seedJvmOpts, bed.jar, kubeconfig,
        bed.timeout);
    try {
      await("every export's ConfigMap and unsuspended CronJob").atMost(bed.timeout)
          .pollInterval(java.time.Duration.ofSeconds(1))
          .failFast("the seeding operator exited; see its log", () -> !seeder.process.isAlive())
          .until(() -> api.storedContaining("configmaps", "") == count
              && api.storedContaining("cronjobs", "\"suspend\":false") == count);
    } finally {
      seeder.stop();
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
