package io.bqexport.bench;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One operator process (the shaded jar) with its GC log and metrics, as the operator benchmark runs it. */
final class OperatorProcess {
  private static final Pattern GC_PAUSE = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");
  private static final Pattern FULL_GC =
      Pattern.compile("Pause Full \\((?:Diagnostic Command|System\\.gc\\(\\))\\) \\d+M->(\\d+)M");
  private static final Pattern RECONCILES =
      Pattern.compile("^operator_sdk_reconciliations_started_total\\{[^}]*\\}\\s+([0-9.eE+]+)", Pattern.MULTILINE);
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  static final String EXPORTER_IMAGE = "registry.test/bqexport:bench";

  final MeasuredProcess process;
  final Path gcLog;
  private final int port;

  private OperatorProcess(MeasuredProcess process, Path gcLog, int port) {
    this.process = process;
    this.gcLog = gcLog;
    this.port = port;
  }

  /** Starts the operator on {@code kubeconfig} and waits until it reports ready (its informers have synced). */
  static OperatorProcess start(Path dir, String name, List<String> jvmOpts, String jar, Path kubeconfig,
      Duration timeout) throws Exception {
    int port = freePort();
    Path gcLog = dir.resolve("gc-" + name + ".log");
    Files.deleteIfExists(gcLog);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOpts);
    command.add("-Xlog:gc:file=" + gcLog);
    // HTTP/1.1 to the stand-ins, which speak plain HTTP: the JDK client's h2c upgrade garbles large list pages on
    // them ("Frame type(105) ... exceeds MAX_FRAME_SIZE"); a real API server negotiates HTTP/2 over TLS instead.
    command.add("-Dkubernetes.http2.disable=true");
    // The stand-in serves every request on one event loop, and a list page of Jobs or Pods that finds no match
    // scans all 240,000 of them: on a loaded machine a request behind it outwaits fabric8's 10 s default, and the
    // operator stops on the failed list. A real API server answers from its watch cache.
    command.add("-Dkubernetes.request.timeout=120000");
    command.addAll(List.of("-Dkubeconfig=" + kubeconfig, "-jar", jar,
        "operator", "--leader-election=false", "--http-port=" + port, "--namespaces=" + OperatorBench.NAMESPACE,
        "--exporter-image=" + EXPORTER_IMAGE, "--allow-endpoint-overrides"));
    OperatorProcess operator = new OperatorProcess(
        MeasuredProcess.start(command, dir.resolve("operator-" + name + ".log")), gcLog, port);
    Runtime.getRuntime().addShutdownHook(new Thread(operator.process::terminate)); // no orphan on a failure
    try {
      await("operator " + name + " ready").atMost(timeout).pollInterval(Duration.ofMillis(200))
          .failFast("the operator exited during startup; see its log", () -> !operator.process.isAlive())
          .ignoreExceptionsInstanceOf(IOException.class).until(() -> operator.get("/readyz").statusCode() == 200);
    } catch (RuntimeException e) {
      operator.stop();
      throw e;
    }
    return operator;
  }

  /** Reconciler executions counted by JOSDK's Micrometer metrics on /metrics (summed over controllers). */
  double reconciles() throws Exception {
    Matcher m = RECONCILES.matcher(get("/metrics").body());
    double total = 0;
    while (m.find()) {
      total += Double.parseDouble(m.group(1));
    }
    return total;
  }

  /** Waits until {@code count} reconciles started and none started for 2 s (the initial round is over). */
  double awaitReconciled(int count, Duration timeout) {
    double[] last = {-1};
    int[] quiet = {0};
    await("reconciles of " + count + " exports").atMost(timeout).pollInterval(Duration.ofMillis(500))
        .failFast("the operator exited; see its log", () -> !process.isAlive()).until(() -> {
          double now = reconciles();
          quiet[0] = now == last[0] ? quiet[0] + 1 : 0;
          last[0] = now;
          return now >= count && quiet[0] >= 4;
        });
    return last[0];
  }

  /** Live heap after a full collection (jcmd GC.run, read from the GC log). */
  double liveHeapMiB() throws Exception {
    new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
        String.valueOf(process.javaPid()), "GC.run").redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
    double[] after = {Double.NaN};
    await("the full collection in " + gcLog).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
        .until(() -> {
          Matcher m = FULL_GC.matcher(Files.readString(gcLog));
          while (m.find()) {
            after[0] = Double.parseDouble(m.group(1));
          }
          return !Double.isNaN(after[0]);
        });
    return after[0];
  }

  /** The largest heap occupancy before a collection in the GC log (-Xlog:gc). */
  double peakHeapMiB() throws IOException {
    return gcLogMax(1);
  }

  /** The largest heap occupancy right after a collection: the live set at its peak, plus what survived young. */
  double peakHeapAfterGcMiB() throws IOException {
    return gcLogMax(2);
  }

  private double gcLogMax(int group) throws IOException {
    if (!Files.exists(gcLog)) {
      return Double.NaN;
    }
    Matcher m = GC_PAUSE.matcher(Files.readString(gcLog));
    long peak = 0;
    while (m.find()) {
      peak = Math.max(peak, Long.parseLong(m.group(group)));
    }
    return peak;
  }

  MeasuredProcess.Result stop() throws Exception {
    process.terminate();
    return process.await(120);
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** A kubeconfig for {@code server} with a dummy token (the stand-ins check none). */
  static String kubeconfig(String server) {
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
        """.formatted(server, OperatorBench.NAMESPACE);
  }
}
