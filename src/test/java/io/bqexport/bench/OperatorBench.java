package io.bqexport.bench;

import static org.awaitility.Awaitility.await;

import io.bqexport.api.v1alpha1.AmplitudeSecretRef;
import io.bqexport.api.v1alpha1.AmplitudeSourceSpec;
import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.BigQueryExportSpec;
import io.bqexport.api.v1alpha1.Condition;
import io.bqexport.api.v1alpha1.DestinationSpec;
import io.bqexport.api.v1alpha1.SecretKeyRef;
import io.bqexport.api.v1alpha1.SourceSpec;
import io.bqexport.testing.ExportFixtures;
import io.bqexport.testing.KubernetesStandIn;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Operator benchmark (DESIGN section 8): the real operator process (the shaded jar, with the chart's default memory:
 * 512 MiB limit, 75 % heap) in three steps, each sized on its own and each printing its figures as it ends, so a
 * later step's failure leaves the earlier figures standing:
 * <ol>
 *   <li>ready: on fabric8's CRUD mock API, N new BigQueryExports whose startFrom is the current hour (nothing due,
 *       so Ready needs no run); the time until all are Ready and the operator's API requests per export (counted at
 *       the mock; the benchmark's own requests carry another user agent);</li>
 *   <li>history ({@link HistoryStep}): a few exports get 24 finished runs each (Jobs and Pods with termination
 *       messages) that an operator records in status.runs; one of them is the template of the next step;</li>
 *   <li>steady ({@link SteadyStep}): copies of that export with its history at full scale, served by
 *       {@link ScaleApiStandIn}; peak RSS, heap, reconciles per second and writes per reconcile.</li>
 * </ol>
 * Options: --exports=1000 (ready step) --history-exports=20 --steady-exports=10000 --runs=24
 * --steps=ready,history,steady --work=target/bench --jar=target/bqexport.jar --jvm-opts="-XX:MaxRAM=512m
 * -XX:MaxRAMPercentage=75 -XX:+NeverActAsServerClassMachine" ({@link #POD_JVM_OPTS}) --timeout=600.
 * The last line is {@code operator: ready_1000_s=... steady_10000_rss_mib=... requests_per_export=...
 * writes_per_steady_reconcile=...} with NaN for a figure whose step failed or did not run; the sizes that actually
 * ran are on the lines before it.
 */
public final class OperatorBench {
  /**
   * The JVM as the chart's pod runs it: a 512 MiB memory limit and -XX:MaxRAMPercentage=75. In a container the JVM
   * takes the memory limit for the machine's memory, and with less than 2 GB (1792 MiB) it is no "server-class
   * machine", so ergonomics picks the Serial collector rather than G1 (JDK 17 os::is_server_class_machine; "Java
   * Platform, Standard Edition HotSpot Virtual Machine Garbage Collection Tuning Guide", Ergonomics). MaxRAM sizes
   * the heap but not that choice on a larger host: NeverActAsServerClassMachine makes it as in the pod.
   */
  static final String POD_JVM_OPTS = "-XX:MaxRAM=512m -XX:MaxRAMPercentage=75 -XX:+NeverActAsServerClassMachine";
  static final String NAMESPACE = "analytics";
  static final String PROJECT = "acme-analytics";
  static final String DATASET = "amplitude";

  private OperatorBench() {
  }

  public static void main(String[] args) throws Exception {
    Options o = Options.parse(args);
    int readyExports = Integer.parseInt(o.get("exports", "1000"));
    int historyExports = Integer.parseInt(o.get("history-exports", "20"));
    int steadyExports = Integer.parseInt(o.get("steady-exports", "10000"));
    int runs = Integer.parseInt(o.get("runs", "24"));
    Set<String> steps = Set.of(o.get("steps", "ready,history,steady").split(","));
    Duration timeout = Duration.ofSeconds(Long.parseLong(o.get("timeout", "600")));

    double readySeconds = Double.NaN;
    double requestsPerExport = Double.NaN;
    SteadyStep.Figures steady = null;
    List<String> caveats = new ArrayList<>();
    try (BenchBed bed = new BenchBed(Path.of(o.get("work", "target/bench")).resolve("run-operator"),
        o.get("jar", "target/bqexport.jar"), o.get("jvm-opts", POD_JVM_OPTS),
        timeout)) {
      if (steps.contains("ready")) {
        try {
          double[] ready = ready(bed, readyExports);
          readySeconds = ready[0];
          requestsPerExport = ready[1];
          if (readyExports != 1000) {
            caveats.add("ready_1000_s below is the time for " + readyExports + " exports, not 1000");
          }
        } catch (Exception | AssertionError e) {
          System.out.println("operator ready FAILED: " + e);
        }
      }
      HistoryStep.Template template = null;
      if (steps.contains("history") || steps.contains("steady")) {
        try {
          template = new HistoryStep(bed, historyExports, runs).run();
        } catch (Exception | AssertionError e) {
          System.out.println("operator history FAILED: " + e);
        }
      }
      if (steps.contains("steady") && template != null) {
        try {
          steady = new SteadyStep(bed, template, steadyExports).run();
          if (steadyExports != 10_000) {
            caveats.add("steady_10000_rss_mib below is the peak RSS with " + steadyExports
                + " exports, not 10000 (measured, not extrapolated)");
          }
        } catch (Exception | AssertionError e) {
          System.out.println("operator steady FAILED with " + steadyExports + " exports: " + e);
        }
      }
    }
    // Last, after the stand-ins have closed (they may log): scripts read the last line.
    System.err.flush();
    caveats.forEach(c -> System.out.println("  caveat: " + c));
    System.out.println(String.format(Locale.ROOT, "operator: ready_1000_s=%.0f steady_10000_rss_mib=%.0f"
            + " requests_per_export=%.1f writes_per_steady_reconcile=%.2f", readySeconds,
        steady == null ? Double.NaN : steady.peakRssMiB(), requestsPerExport,
        steady == null ? Double.NaN : steady.writesPerReconcile()));
  }

  /** Step 1: @return the seconds until all {@code count} exports were Ready, and the requests per export */
  private static double[] ready(BenchBed bed, int count) throws Exception {
    double apiFloor = apiFloor(count);
    try (KubernetesStandIn kubernetes = bed.newApi();
         KubernetesClient bench = BenchBed.benchClient(kubernetes)) {
      OperatorProcess operator = bed.startOperator("ready",
          bed.kubeconfig("ready", kubernetes.client().getMasterUrl().toString()));
      int requestsBefore = kubernetes.requests().size();
      long started = System.nanoTime();
      create(bench, count, bed, Instant.now().truncatedTo(ChronoUnit.HOURS).toString());
      double createdAfter = (System.nanoTime() - started) / 1e9;
      awaitAllReady(bench, count, started, bed.timeout);
      double seconds = (System.nanoTime() - started) / 1e9;
      List<KubernetesStandIn.ApiRequest> toReady = operatorRequests(kubernetes, requestsBefore);
      double reconciles = operator.reconciles();
      MeasuredProcess.Result result = operator.stop();
      double perExport = (double) toReady.size() / count;
      System.out.printf(Locale.ROOT, "operator ready %d exports: created in %.1f s (%.1f s on an idle mock API), all"
              + " Ready after %.1f s, %.0f reconciles (%.1f/s), %.1f API requests per export, peak heap %.0f MiB,"
              + " peak RSS %.0f MiB, operator CPU %.1f s%n", count, createdAfter, apiFloor, seconds, reconciles,
          reconciles / seconds, perExport, operator.peakHeapMiB(), result.peakRssMiB(), result.cpuSeconds());
      printRequestMix("  operator requests until all Ready:", mix(toReady));
      return new double[] {seconds, perExport};
    }
  }

  /** The operator's requests since the {@code from}-th request the mock API saw. */
  static List<KubernetesStandIn.ApiRequest> operatorRequests(KubernetesStandIn kubernetes, int from) {
    List<KubernetesStandIn.ApiRequest> all = kubernetes.requests();
    return all.subList(from, all.size()).stream()
        .filter(r -> !BenchBed.BENCH_USER_AGENT.equals(r.userAgent())).toList();
  }

  /** Waits until all {@code count} exports are Ready, reporting progress every 10 s. */
  static void awaitAllReady(KubernetesClient bench, int count, long started, Duration timeout) {
    long[] nextReport = {System.nanoTime()};
    // A list of all exports: poll gently, the mock API serves the operator too.
    await("all " + count + " exports Ready").atMost(timeout).pollInterval(Duration.ofSeconds(1)).until(() -> {
      int ready = countReady(bench);
      if (ready < count && System.nanoTime() >= nextReport[0]) {
        System.err.printf(Locale.ROOT, "  %.0f s: %d of %d Ready%n", (System.nanoTime() - started) / 1e9, ready,
            count);
        nextReport[0] += 10_000_000_000L;
      }
      return ready == count;
    });
  }

  /** Requests by method and path shape (names replaced by *). */
  static Map<String, Long> mix(List<KubernetesStandIn.ApiRequest> requests) {
    Map<String, Long> mix = new java.util.TreeMap<>();
    for (KubernetesStandIn.ApiRequest r : requests) {
      String path = r.path().replaceAll("\\?.*", "")
          .replaceAll("/(bigqueryexports|configmaps|cronjobs|secrets|events|jobs|pods|leases)/[^/]+", "/$1/*");
      mix.merge(r.method() + " " + path, 1L, Long::sum);
    }
    return mix;
  }

  /** The most frequent requests of a mix, most frequent first. */
  static void printRequestMix(String title, Map<String, Long> mix) {
    System.err.println(title);
    mix.entrySet().stream().filter(e -> e.getValue() > 0)
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(14)
        .forEach(e -> System.err.printf(Locale.ROOT, "  %7d %s%n", e.getValue(), e.getKey()));
  }

  /** The test bed's own floor: creating the same exports on a fresh mock API that no operator watches. */
  private static double apiFloor(int count) throws Exception {
    try (KubernetesStandIn kubernetes = new KubernetesStandIn().namespace(NAMESPACE)) {
      long started = System.nanoTime();
      create(kubernetes.client(), count, "http://127.0.0.1:1", "http://127.0.0.1:1",
          Instant.now().truncatedTo(ChronoUnit.HOURS).toString());
      return (System.nanoTime() - started) / 1e9;
    }
  }

  static void create(KubernetesClient client, int count, BenchBed bed, String startFrom) throws Exception {
    create(client, count, bed.amplitude.baseUri().toString(), bed.bigquery.endpoint(), startFrom);
  }

  private static void create(KubernetesClient client, int count, String amplitudeUrl, String bigqueryUrl,
      String startFrom) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        BigQueryExport export = export(ExportFleet.name(i), amplitudeUrl, bigqueryUrl, startFrom);
        futures.add(pool.submit(() -> client.resource(export).create()));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
  }

  static BigQueryExport export(String name, String amplitudeUrl, String bigqueryUrl, String startFrom) {
    BigQueryExport export = new BigQueryExport();
    export.setMetadata(new ObjectMetaBuilder().withNamespace(NAMESPACE).withName(name).build());
    export.setSpec(new BigQueryExportSpec(
        new SourceSpec(new AmplitudeSourceSpec(null, amplitudeUrl,
            new AmplitudeSecretRef(ExportFixtures.AMPLITUDE_SECRET, null, null), null)),
        new DestinationSpec(PROJECT, DATASET, null, new SecretKeyRef(ExportFixtures.GOOGLE_SECRET, null), null,
            bigqueryUrl),
        null, null, null, startFrom, null, null, null, null, null, null));
    return export;
  }

  private static int countReady(KubernetesClient client) {
    int ready = 0;
    for (BigQueryExport e : client.resources(BigQueryExport.class).inNamespace(NAMESPACE).list().getItems()) {
      if (e.getStatus() != null && e.getStatus().conditions() != null) {
        for (Condition c : e.getStatus().conditions()) {
          if ("Ready".equals(c.type()) && "True".equals(c.status())) {
            ready++;
          }
        }
      }
    }
    return ready;
  }
}
