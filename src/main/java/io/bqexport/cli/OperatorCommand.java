package io.bqexport.cli;

import io.bqexport.operator.BqExportOperator;
import io.bqexport.operator.OperatorSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `bqexport operator`: runs the reconcilers until SIGTERM. */
@Command(name = "operator", mixinStandardHelpOptions = true,
    description = "Runs the operator against the in-cluster config or the current kubeconfig.")
public final class OperatorCommand implements Callable<Integer> {

  @Option(names = "--namespaces", split = ",", defaultValue = "${env:BQEXPORT_WATCH_NAMESPACES}",
      description = "Namespaces to watch, comma-separated; empty watches all. Env: BQEXPORT_WATCH_NAMESPACES.")
  List<String> namespaces;

  @Option(names = "--leader-election", arity = "1",
      defaultValue = "${env:BQEXPORT_LEADER_ELECTION:-false}",
      description = "Take the Lease bqexport-operator before reconciling. Env: BQEXPORT_LEADER_ELECTION."
          + " Default: ${DEFAULT-VALUE}.")
  boolean leaderElection;

  @Option(names = "--lease-namespace", defaultValue = "${env:POD_NAMESPACE}",
      description = "Namespace of the Lease. Env: POD_NAMESPACE. Default: the client's namespace.")
  String leaseNamespace;

  @Option(names = "--http-port", defaultValue = "${env:BQEXPORT_HTTP_PORT:-8080}",
      description = "Port of /healthz, /readyz and /metrics. Default: ${DEFAULT-VALUE}.")
  int httpPort;

  @Option(names = "--exporter-image", defaultValue = "${env:BQEXPORT_EXPORTER_IMAGE:-ghcr.io/bqexport/bqexport:0.1.0}",
      description = "Image of the exporter pods. Env: BQEXPORT_EXPORTER_IMAGE. Default: ${DEFAULT-VALUE}.")
  String exporterImage;

  @Option(names = "--allow-endpoint-overrides", defaultValue = "${env:BQEXPORT_ALLOW_ENDPOINT_OVERRIDES:-false}",
      description = "Honour spec.source.amplitude.endpoint and spec.destination.endpoint. Off by default: whoever may"
          + " create a BigQueryExport could otherwise have the referenced credentials sent to a URL of their choice."
          + " Env: BQEXPORT_ALLOW_ENDPOINT_OVERRIDES.")
  boolean allowEndpointOverrides;

  @Option(names = "--allow-workload-identity", defaultValue = "${env:BQEXPORT_ALLOW_WORKLOAD_IDENTITY:-false}",
      description = "Accept credentials.workloadIdentity in exports. Off by default: such exports are validated with"
          + " the operator's own Google identity, so whoever may create a BigQueryExport could have the operator read"
          + " any bucket and upload into any dataset that identity can reach. Turn it on only when that identity has"
          + " no grant some export creator must not use. Env: BQEXPORT_ALLOW_WORKLOAD_IDENTITY.")
  boolean allowWorkloadIdentity;

  @Override
  public Integer call() throws Exception {
    KubernetesClient client = new KubernetesClientBuilder().build();
    var watch = new LinkedHashSet<String>();
    if (namespaces != null) {
      namespaces.stream().map(String::trim).filter(s -> !s.isEmpty()).forEach(watch::add);
    }
    String leaseNs = leaseNamespace != null && !leaseNamespace.isBlank() ? leaseNamespace : client.getNamespace();
    var settings = new OperatorSettings(watch, leaderElection, leaseNs, httpPort, exporterImage,
        allowEndpointOverrides, allowWorkloadIdentity);
    CountDownLatch stopped = new CountDownLatch(1);
    try (BqExportOperator operator = new BqExportOperator(client, settings, Clock.systemUTC())) {
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        operator.close();
        client.close();
        stopped.countDown();
      }, "shutdown"));
      operator.start();
      stopped.await();
    }
    return 0;
  }
}
