package io.bqexport.bench;

import io.bqexport.operator.export.ExportSecrets;
import io.bqexport.testing.ExportFixtures;
import io.bqexport.testing.KubernetesStandIn;
import io.bqexport.testing.ServiceAccountKeys;
import io.bqexport.testing.amplitude.AmplitudeEventGenerator;
import io.bqexport.testing.amplitude.AmplitudeExportStandIn;
import io.bqexport.testing.amplitude.GeneratedEvents;
import io.bqexport.testing.bigquery.BigQueryEmulator;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What every step of the operator benchmark shares: the BigQuery emulator and the Amplitude stand-in the exports
 * point at (the operator's credential probe reaches them), the service-account key, the operator jar and its JVM
 * options, and fresh Kubernetes API stand-ins holding the two credential Secrets.
 */
final class BenchBed implements AutoCloseable {
  static final String BENCH_USER_AGENT = "bqexport-bench";

  final BigQueryEmulator bigquery;
  final AmplitudeExportStandIn amplitude;
  final ServiceAccountKeys.Key key;
  final Path dir;
  final String jar;
  final List<String> jvmOpts;
  final Duration timeout;

  BenchBed(Path dir, String jar, String jvmOpts, Duration timeout) throws Exception {
    this.dir = Files.createDirectories(dir);
    this.jar = jar;
    this.jvmOpts = split(jvmOpts);
    this.timeout = timeout;
    bigquery = BigQueryEmulator.start();
    amplitude = AmplitudeExportStandIn.start(new GeneratedEvents(new AmplitudeEventGenerator(7, 187_000)),
        "bench-api-key", "bench-secret-key");
    bigquery.requireAuthentication(true);
    bigquery.createDataset(OperatorBench.PROJECT, OperatorBench.DATASET);
    key = ServiceAccountKeys.create(bigquery, OperatorBench.PROJECT, "bq-writer");
  }

  /** A fresh mock API (fabric8's CRUD mock) with the two Secrets the exports reference. */
  KubernetesStandIn newApi() {
    KubernetesStandIn kubernetes = new KubernetesStandIn().namespace(OperatorBench.NAMESPACE);
    KubernetesClient client = kubernetes.client();
    client.resource(ExportFixtures.googleKeySecret(OperatorBench.NAMESPACE, key.json())).create();
    client.resource(new SecretBuilder().withNewMetadata().withNamespace(OperatorBench.NAMESPACE)
        .withName(ExportFixtures.AMPLITUDE_SECRET).addToLabels(ExportSecrets.CREDENTIALS_LABEL, "true").endMetadata()
        .addToStringData("api-key", "bench-api-key").addToStringData("secret-key", "bench-secret-key").build())
        .create();
    return kubernetes;
  }

  /** A client of {@code kubernetes} whose requests carry the benchmark's user agent, not counted as the operator's. */
  static KubernetesClient benchClient(KubernetesStandIn kubernetes) {
    return new KubernetesClientBuilder().withConfig(new ConfigBuilder(kubernetes.client().getConfiguration())
        .withUserAgent(BENCH_USER_AGENT).build()).build();
  }

  /** Writes a kubeconfig for {@code server} and returns its path. */
  Path kubeconfig(String name, String server) throws Exception {
    Path file = dir.resolve("kubeconfig-" + name);
    Files.writeString(file, OperatorProcess.kubeconfig(server));
    return file;
  }

  OperatorProcess startOperator(String name, Path kubeconfig) throws Exception {
    return OperatorProcess.start(dir, name, jvmOpts, jar, kubeconfig, timeout);
  }

  static List<String> split(String options) {
    List<String> list = new ArrayList<>();
    for (String opt : options.trim().split("\\s+")) {
      if (!opt.isEmpty()) {
        list.add(opt);
      }
    }
    return list;
  }

  @Override
  public void close() {
    amplitude.close();
    bigquery.close();
  }
}
