package io.bqexport.bench;

import io.bqexport.api.v1alpha1.AmplitudeSecretRef;
import io.bqexport.api.v1alpha1.AmplitudeSourceSpec;
import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.BigQueryExportSpec;
import io.bqexport.api.v1alpha1.Condition;
import io.bqexport.api.v1alpha1.DestinationSpec;
import io.bqexport.api.v1alpha1.SecretKeyRef;
import io.bqexport.api.v1alpha1.SourceSpec;
import io.bqexport.testing.ExportFixtures;
import io.bqexport.operator.export.ExportCronJob;
import io.bqexport.testing.RunHistoryFixtures;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.HashMap;
import java.util.Map;
import io.bqexport.testing.KubernetesStandIn;
import io.bqexport.testing.ServiceAccountKeys;
import io.bqexport.testing.amplitude.AmplitudeEventGenerator;
import io.bqexport.testing.amplitude.AmplitudeExportStandIn;
import io.bqexport.testing.amplitude.GeneratedEvents;
import io.bqexport.testing.bigquery.BigQueryEmulator;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Operator benchmark (DESIGN section 8): the real operator process (the shaded jar, with the chart's default memory:
 * 512 MiB limit, 75 % heap) against the Kubernetes API stand-in (fabric8's CRUD mock server), the BigQuery emulator
 * and the Amplitude stand-in, in three steps:
 * <ol>
 *   <li>Ready: creates N BigQueryExports whose startFrom is the current hour (nothing due, so Ready needs no run)
 *       and reports the time until all are Ready and the operator's API requests per export (counted at the mock
 *       API; the benchmark's own requests carry another user agent);</li>
 *   <li>history: stores {@code runs} finished Jobs and Pods with termination messages per export and lets a
 *       restarted operator record them in status.runs;</li>
 *   <li>steady state: a fresh operator reconciles every export once more; it reports writes per reconcile (nothing
 *       changed, so 0 is right), live heap after a full GC, peak heap and peak RSS.</li>
 * </ol>
 * Options: --exports=1000 --runs=24 --work=target/bench --jar=target/bqexport.jar --jvm-opts="-XX:MaxRAM=512m
 * -XX:MaxRAMPercentage=75" (the chart's default memory limit and JVM option) --timeout=300.
 */
public final class OperatorBench {
  static final String NAMESPACE = "analytics";
  static final String PROJECT = "acme-analytics";
  static final String DATASET = "amplitude";
  private static final Pattern GC_PAUSE = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");
  private static final Pattern FULL_GC = Pattern.compile("Pause Full \\((?:Diagnostic Command|System\\.gc\\(\\))\\) \\d+M->(\\d+)M");
  private static final Pattern RECONCILES =
      Pattern.compile("^operator_sdk_reconciliations_started_total\\{[^}]*\\}\\s+([0-9.eE+]+)",
          Pattern.MULTILINE);

  /** Held so that the level sticks: the mock server logs every request at INFO, which costs CPU here. */
  private static final java.util.logging.Logger MOCK_SERVER_LOG =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  private OperatorBench() {
  }

  public static void main(String[] args) throws Exception {
    MOCK_SERVER_LOG.setLevel(java.util.logging.Level.WARNING);
    Options o = Options.parse(args);
    int count = Integer.parseInt(o.get("exports", "1000"));
    Path dir = Path.of(o.get("work", "target/bench")).resolve("run-operator");
    Files.createDirectories(dir);
    long timeout = Long.parseLong(o.get("timeout", "300"));
    int runs = Integer.parseInt(o.get("runs", "24"));
    HttpClient http = HttpClient.newHttpClient();
    double apiFloor = apiFloor(count);

    String summary;
    try (KubernetesStandIn kubernetes = new KubernetesStandIn().namespace(NAMESPACE);
         BigQueryEmulator bigquery = BigQueryEmulator.start();
         AmplitudeExportStandIn amplitude = AmplitudeExportStandIn.start(
             new GeneratedEvents(new AmplitudeEventGenerator(7, 187_000)), "bench-api-key", "bench-secret-key")) {
      bigquery.requireAuthentication(true);
      bigquery.createDataset(PROJECT, DATASET);
      ServiceAccountKeys.Key key = ServiceAccountKeys.create(bigquery, PROJECT, "bq-writer");
      KubernetesClient client = kubernetes.client();
      client.resource(ExportFixtures.googleKeySecret(NAMESPACE, key.json())).create();
      client.resource(new SecretBuilder().withNewMetadata().withNamespace(NAMESPACE)
          .withName(ExportFixtures.AMPLITUDE_SECRET)
          .addToLabels(io.bqexport.operator.export.ExportSecrets.CREDENTIALS_LABEL, "true").endMetadata()
          .addToStringData("api-key", "bench-api-key").addToStringData("secret-key", "bench-secret-key").build())
          .create();

      Path kubeconfig = dir.resolve("kubeconfig");
      Files.writeString(kubeconfig, kubeconfig(client.getMasterUrl().toString()));
      List<String> jvmOpts = new ArrayList<>();
      for (String opt : o.get("jvm-opts", "-XX:MaxRAM=512m -XX:MaxRAMPercentage=75").trim().split("\\s+")) {
        if (!opt.isEmpty()) {
          jvmOpts.add(opt);
        }
      }
      String jar = o.get("jar", "target/bqexport.jar");
      // The bench's own requests carry another user agent, so the operator's are counted alone.
      KubernetesClient bench = new KubernetesClientBuilder().withConfig(new ConfigBuilder(client.getConfiguration())
          .withUserAgent(BENCH_USER_AGENT).build()).build();

      // 1. Ready: N new exports on an operator that holds nothing yet.
      Operator first = Operator.start(dir, "ready", jvmOpts, jar, kubeconfig, http, timeout);
      double liveBaseline = first.liveHeapMiB();
      int requestsBefore = kubernetes.requests().size();
      Instant now = Instant.now();
      String startFrom = now.truncatedTo(ChronoUnit.HOURS).toString();
      long started = System.nanoTime();
      create(bench, count, amplitude.baseUri().toString(), bigquery.endpoint(), startFrom);
      double createdAfter = (System.nanoTime() - started) / 1e9;
      int ready = awaitAllReady(bench, count, started, timeout);
      double seconds = (System.nanoTime() - started) / 1e9;
      List<KubernetesStandIn.ApiRequest> toReady = operatorRequests(kubernetes, requestsBefore);
      double reconciles = first.reconciles();
      MeasuredProcess.Result firstResult = first.stop();
      System.out.printf(Locale.ROOT, "operator %d exports: created in %.1f s (%.1f s on an idle mock API), %d Ready"
              + " after %.1f s, %.0f reconciles (%.1f/s), %.1f API requests per export, peak heap %.0f MiB,"
              + " peak RSS %.0f MiB%n", count, createdAfter, apiFloor, ready, seconds, reconciles,
          reconciles / seconds, (double) toReady.size() / count, peakHeapMiB(first.gcLog), firstResult.peakRssMiB());
      printRequestMix("  operator requests until all Ready:", toReady);
      if (ready != count) {
        System.out.println("operator FAILED: only " + ready + " of " + count + " exports Ready within " + timeout
            + " s; see " + firstResult.log());
        System.exit(1);
      }

      // 2. History: `runs` finished runs per export (Jobs and Pods with termination messages), as the CronJob and
      // Job controllers would have left them; an operator picks them up once (status.runs changes).
      long preloadStarted = System.nanoTime();
      preloadHistory(kubernetes, bench, runs, now);
      System.err.printf(Locale.ROOT, "  preloaded %d Jobs and %d Pods in %.1f s%n", (long) count * runs,
          (long) count * runs, (System.nanoTime() - preloadStarted) / 1e9);
      Operator second = Operator.start(dir, "history", jvmOpts, jar, kubeconfig, http, timeout);
      second.awaitReconciled(count, timeout);
      awaitRunsRecorded(bench, count, runs, timeout);
      second.stop();

      // 3. Steady state: a fresh operator reconciles every export once more; nothing changed, so nothing is written.
      int steadyBefore = kubernetes.requests().size();
      Operator third = Operator.start(dir, "steady", jvmOpts, jar, kubeconfig, http, timeout);
      long steadyStarted = System.nanoTime();
      double steadyReconciles = third.awaitReconciled(count, timeout);
      double steadySeconds = (System.nanoTime() - steadyStarted) / 1e9;
      double live = third.liveHeapMiB();
      List<KubernetesStandIn.ApiRequest> steady = operatorRequests(kubernetes, steadyBefore);
      long writes = steady.stream().filter(r -> !r.method().equals("GET")).count();
      MeasuredProcess.Result steadyResult = third.stop();
      double perExport = (live - liveBaseline) / count;
      double rss10000 = steadyResult.peakRssMiB() + Math.max(0, 10_000 - count) * perExport;
      System.out.printf(Locale.ROOT, "operator steady %d exports x %d runs: %.0f reconciles in %.1f s (%.1f/s), %d"
              + " writes (%.2f per reconcile), live heap %.0f MiB (%.0f MiB with no export: %.1f KiB per export),"
              + " peak heap %.0f MiB, peak RSS %.0f MiB%n", count, runs, steadyReconciles, steadySeconds,
          steadyReconciles / steadySeconds, writes, writes / steadyReconciles, live, liveBaseline, perExport * 1024,
          peakHeapMiB(third.gcLog), steadyResult.peakRssMiB());
      printRequestMix("  operator requests in steady state:", steady);
      if (count != 10_000) {
        System.out.printf(Locale.ROOT, "  steady_10000_rss_mib below is EXTRAPOLATED from %d exports: peak RSS"
            + " + (10000 - %d) x live heap per export%n", count, count);
      }
      summary = String.format(Locale.ROOT, "operator: ready_%d_s=%.0f steady_10000_rss_mib=%.0f"
              + " requests_per_export=%.1f writes_per_steady_reconcile=%.2f", count, seconds, rss10000,
          (double) toReady.size() / count, writes / steadyReconciles);
    }
    // Last, after the stand-ins have closed (they may log): scripts read this line.
    System.err.flush();
    System.out.println(summary);
  }

  static final String BENCH_USER_AGENT = "bqexport-bench";

  /** One operator process (the shaded jar with the chart's memory settings) and its GC log and metrics. */
  private static final class Operator {
    final MeasuredProcess process;
    final Path gcLog;
    final int port;
    final HttpClient http;

    private Operator(MeasuredProcess process, Path gcLog, int port, HttpClient http) {
      this.process = process;
      this.gcLog = gcLog;
      this.port = port;
      this.http = http;
    }

    static Operator start(Path dir, String name, List<String> jvmOpts, String jar, Path kubeconfig, HttpClient http,
        long timeout) throws Exception {
      int port = freePort();
      Path gcLog = dir.resolve("gc-" + name + ".log");
      Files.deleteIfExists(gcLog);
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(jvmOpts);
      command.add("-Xlog:gc:file=" + gcLog);
      command.addAll(List.of("-Dkubeconfig=" + kubeconfig, "-jar", jar,
          "operator", "--leader-election=false", "--http-port=" + port, "--namespaces=" + NAMESPACE,
          "--exporter-image=registry.test/bqexport:bench", "--allow-endpoint-overrides"));
      Operator operator = new Operator(MeasuredProcess.start(command, dir.resolve("operator-" + name + ".log")),
          gcLog, port, http);
      Runtime.getRuntime().addShutdownHook(new Thread(operator.process::terminate)); // no orphan on a failure
      try {
        awaitReady(http, port, operator.process, timeout);
      } catch (Exception e) {
        operator.stop();
        throw e;
      }
      return operator;
    }

    double reconciles() throws Exception {
      return OperatorBench.reconciles(http, port);
    }

    /** Waits until {@code count} reconciles finished and none ran for 2 s (the initial round is over). */
    double awaitReconciled(int count, long timeout) throws Exception {
      long deadline = System.nanoTime() + timeout * 1_000_000_000L;
      double last = -1;
      int quiet = 0;
      while (System.nanoTime() < deadline) {
        double now = reconciles();
        quiet = now == last ? quiet + 1 : 0;
        last = now;
        if (now >= count && quiet >= 4) {
          return now;
        }
        Thread.sleep(500);
      }
      throw new IllegalStateException("only " + last + " reconciles of " + count + " exports within " + timeout
          + " s");
    }

    /** Live heap after a full collection (jcmd GC.run, read from the GC log). */
    double liveHeapMiB() throws Exception {
      Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
          String.valueOf(process.javaPid()), "GC.run").redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      jcmd.waitFor();
      for (int i = 0; i < 50; i++) {
        Matcher m = FULL_GC.matcher(Files.readString(gcLog));
        double after = Double.NaN;
        while (m.find()) {
          after = Double.parseDouble(m.group(1));
        }
        if (!Double.isNaN(after)) {
          return after;
        }
        Thread.sleep(100);
      }
      return Double.NaN;
    }

    MeasuredProcess.Result stop() throws Exception {
      process.terminate();
      return process.await(120);
    }
  }

  /** The operator's requests since the {@code from}-th request the mock API saw. */
  private static List<KubernetesStandIn.ApiRequest> operatorRequests(KubernetesStandIn kubernetes, int from) {
    List<KubernetesStandIn.ApiRequest> all = kubernetes.requests();
    return all.subList(from, all.size()).stream().filter(r -> !BENCH_USER_AGENT.equals(r.userAgent())).toList();
  }

  private static int awaitAllReady(KubernetesClient bench, int count, long started, long timeout)
      throws InterruptedException {
    int ready = 0;
    long deadline = started + timeout * 1_000_000_000L;
    long nextReport = System.nanoTime();
    while (System.nanoTime() < deadline) {
      ready = countReady(bench); // a list of all exports: poll gently, the mock API serves the operator too
      if (ready == count) {
        break;
      }
      if (System.nanoTime() >= nextReport) {
        System.err.printf(Locale.ROOT, "  %.0f s: %d of %d Ready%n", (System.nanoTime() - started) / 1e9, ready,
            count);
        nextReport += 10_000_000_000L;
      }
      Thread.sleep(1000);
    }
    return ready;
  }

  /** Jobs and Pods of {@code runs} hourly runs before {@code now} for every export, stored without requests. */
  private static void preloadHistory(KubernetesStandIn kubernetes, KubernetesClient bench, int runs, Instant now) {
    Map<String, CronJob> cronJobs = new HashMap<>();
    bench.batch().v1().cronjobs().inNamespace(NAMESPACE).list().getItems()
        .forEach(c -> cronJobs.put(c.getMetadata().getName(), c));
    List<HasMetadata> history = new ArrayList<>();
    for (BigQueryExport export : bench.resources(BigQueryExport.class).inNamespace(NAMESPACE).list().getItems()) {
      CronJob cronJob = cronJobs.get(ExportCronJob.name(export));
      for (int k = 1; k <= runs; k++) {
        RunHistoryFixtures.FinishedRun run = RunHistoryFixtures.succeeded(export, cronJob,
            now.truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(k + 3L)), 40_000 + k);
        history.add(run.job());
        history.add(run.pod());
      }
      if (history.size() >= 20_000) {
        kubernetes.preload(history);
        history.clear();
      }
    }
    kubernetes.preload(history);
  }

  /** Waits until every export's status shows its history (min(runs, historyLimit 24) records). */
  private static void awaitRunsRecorded(KubernetesClient bench, int count, int runs, long timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout * 1_000_000_000L;
    int expected = Math.min(runs, 24);
    while (System.nanoTime() < deadline) {
      long done = bench.resources(BigQueryExport.class).inNamespace(NAMESPACE).list().getItems().stream()
          .filter(e -> e.getStatus() != null && e.getStatus().runs() != null
              && e.getStatus().runs().size() >= expected).count();
      if (done == count) {
        return;
      }
      Thread.sleep(1000);
    }
    throw new IllegalStateException("run history not recorded for every export within " + timeout + " s");
  }

  /** Requests by method and path shape (names replaced by *), most frequent first. */
  private static void printRequestMix(String title, List<KubernetesStandIn.ApiRequest> requests) {
    Map<String, Long> mix = new java.util.TreeMap<>();
    for (KubernetesStandIn.ApiRequest r : requests) {
      String path = r.path().replaceAll("\\?.*", "")
          .replaceAll("/(bigqueryexports|configmaps|cronjobs|secrets|events|jobs|pods|leases)/[^/]+", "/$1/*");
      mix.merge(r.method() + " " + path, 1L, Long::sum);
    }
    System.err.println(title);
    mix.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(12)
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

  private static void create(KubernetesClient client, int count, String amplitudeUrl, String bigqueryUrl,
      String startFrom) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        BigQueryExport export = export(String.format(Locale.ROOT, "export-%04d", i), amplitudeUrl, bigqueryUrl,
            startFrom);
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

  private static void awaitReady(HttpClient http, int port, MeasuredProcess operator, long timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout * 1_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (!operator.isAlive()) {
        throw new IllegalStateException("the operator exited during startup; see its log");
      }
      try {
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
            .build(), HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("the operator was not ready within " + timeout + " s");
  }

  /** Reconciler executions counted by JOSDK's Micrometer metrics on /metrics (summed over resources). */
  private static double reconciles(HttpClient http, int port) throws Exception {
    String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    Matcher m = RECONCILES.matcher(metrics);
    double total = 0;
    while (m.find()) {
      total += Double.parseDouble(m.group(1));
    }
    return total;
  }

  /** The largest heap occupancy before a collection in the GC log (-Xlog:gc). */
  static double peakHeapMiB(Path gcLog) throws IOException {
    if (!Files.exists(gcLog)) {
      return Double.NaN;
    }
    Matcher m = GC_PAUSE.matcher(Files.readString(gcLog));
    long peak = 0;
    while (m.find()) {
      peak = Math.max(peak, Long.parseLong(m.group(1)));
    }
    return peak;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static String kubeconfig(String server) {
    return """
        apiVersion: v1
        kind: Config
        clusters:
        - name: bench
          cluster:
            server: %s
        users:
        - name: bench
          user:
            token: bench
        contexts:
        - name: bench
          context:
            cluster: bench
            user: bench
            namespace: %s
        current-context: bench
        """.formatted(server, NAMESPACE);
  }
}
