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
 * Operator benchmark (DESIGN section 8): the real operator process (the shaded jar, as in its pod) against the
 * Kubernetes API stand-in (fabric8's CRUD mock server), the BigQuery emulator and the Amplitude stand-in. Creates
 * N BigQueryExports whose startFrom is the current hour (nothing due, so Ready needs no run) and reports the time
 * until all are Ready, reconciles per second, and the operator's peak heap (GC log) and peak RSS.
 * Options: --exports=1000 --work=target/bench --jar=target/bqexport.jar --jvm-opts="-XX:MaxRAM=512m
 * -XX:MaxRAMPercentage=75" (the chart's default memory limit and JVM option) --timeout=300.
 */
public final class OperatorBench {
  static final String NAMESPACE = "analytics";
  static final String PROJECT = "acme-analytics";
  static final String DATASET = "amplitude";
  private static final Pattern GC_PAUSE = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");
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
    HttpClient http = HttpClient.newHttpClient();
    double apiFloor = apiFloor(count);

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
      int port = freePort();
      Path gcLog = dir.resolve("gc.log");
      Files.deleteIfExists(gcLog);
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      for (String opt : o.get("jvm-opts", "-XX:MaxRAM=512m -XX:MaxRAMPercentage=75").trim().split("\\s+")) {
        if (!opt.isEmpty()) {
          command.add(opt);
        }
      }
      command.add("-Xlog:gc:file=" + gcLog);
      command.addAll(List.of("-Dkubeconfig=" + kubeconfig, "-jar", o.get("jar", "target/bqexport.jar"),
          "operator", "--leader-election=false", "--http-port=" + port, "--namespaces=" + NAMESPACE,
          "--exporter-image=registry.test/bqexport:bench",
          "--allow-endpoint-overrides"));
      MeasuredProcess operator = MeasuredProcess.start(command, dir.resolve("operator.log"));
      try {
        awaitReady(http, port, operator, timeout);
        Instant now = Instant.now();
        String startFrom = now.truncatedTo(ChronoUnit.HOURS).toString();
        long started = System.nanoTime();
        create(client, count, amplitude.baseUri().toString(), bigquery.endpoint(), startFrom);
        double createdAfter = (System.nanoTime() - started) / 1e9;
        int ready = 0;
        long deadline = started + timeout * 1_000_000_000L;
        long nextReport = System.nanoTime();
        while (System.nanoTime() < deadline) {
          ready = countReady(client); // a list of all exports: poll gently, the mock API serves the operator too
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
        double seconds = (System.nanoTime() - started) / 1e9;
        double reconciles = reconciles(http, port);
        printRequestMix(kubernetes);
        operator.terminate();
        MeasuredProcess.Result result = operator.await(60);
        double peakHeap = peakHeapMiB(gcLog);
        System.out.printf(Locale.ROOT, "operator %d exports: created in %.1f s (%.1f s on an idle mock API), %d Ready"
                + " after %.1f s, %.0f reconciles (%.1f/s), peak heap %.0f MiB, peak RSS %.0f MiB%n", count,
            createdAfter, apiFloor, ready, seconds, reconciles, reconciles / seconds, peakHeap, result.peakRssMiB());
        if (ready != count) {
          System.out.println("operator FAILED: only " + ready + " of " + count + " exports Ready within " + timeout
              + " s; see " + result.log());
          System.exit(1);
        }
        System.out.printf(Locale.ROOT, "operator: %d exports Ready in %.1f s, peak RSS %.0f MiB%n", count, seconds,
            result.peakRssMiB());
      } finally {
        if (operator.isAlive()) {
          operator.terminate();
          operator.await(60);
        }
      }
    }
  }

  /** What the mock API served, by method and path shape (names replaced by *), most frequent first. */
  private static void printRequestMix(KubernetesStandIn kubernetes) {
    java.util.Map<String, Long> mix = new java.util.TreeMap<>();
    for (KubernetesStandIn.ApiRequest r : kubernetes.requests()) {
      String path = r.path().replaceAll("\\?.*", "")
          .replaceAll("/(bigqueryexports|configmaps|cronjobs|secrets|events|jobs|leases)/[^/]+", "/$1/*");
      mix.merge(r.method() + " " + path, 1L, Long::sum);
    }
    System.err.println("  mock API requests (all clients):");
    mix.entrySet().stream().sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed()).limit(12)
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
