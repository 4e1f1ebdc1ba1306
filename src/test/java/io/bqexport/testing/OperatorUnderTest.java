package io.bqexport.testing;

import io.bqexport.operator.BqExportOperator;
import io.bqexport.operator.OperatorSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Set;

/** The real operator, started against a {@link KubernetesStandIn}, on a free health port. */
public final class OperatorUnderTest implements AutoCloseable {
  public static final String EXPORTER_IMAGE = "registry.test/bqexport:test";

  private final BqExportOperator operator;
  private final KubernetesClient client;

  public OperatorUnderTest(KubernetesStandIn kubernetes, Clock clock) {
    this(kubernetes, clock, Set.of());
  }

  /** @param watchNamespaces namespaces to watch; empty watches all */
  public OperatorUnderTest(KubernetesStandIn kubernetes, Clock clock, Set<String> watchNamespaces) {
    this(kubernetes, clock, watchNamespaces, true);
  }

  /**
   * @param allowEndpointOverrides as --allow-endpoint-overrides; tests point exports at the local stand-ins, so
   *     they set it, except the ones proving the default refuses overrides
   */
  public OperatorUnderTest(KubernetesStandIn kubernetes, Clock clock, Set<String> watchNamespaces,
      boolean allowEndpointOverrides) {
    this(kubernetes, clock, new OperatorSettings(watchNamespaces, false, null, 0, EXPORTER_IMAGE,
        allowEndpointOverrides));
  }

  /** With leader election on, the Lease in {@code leaseNamespace}, as the chart runs it. */
  public static OperatorUnderTest withLeaderElection(KubernetesStandIn kubernetes, Clock clock,
      String leaseNamespace) {
    return new OperatorUnderTest(kubernetes, clock, new OperatorSettings(Set.of(), true, leaseNamespace, 0,
        EXPORTER_IMAGE, true));
  }

  private OperatorUnderTest(KubernetesStandIn kubernetes, Clock clock, OperatorSettings settings) {
    client = kubernetes.newOperatorClient();
    try {
      operator = new BqExportOperator(client, settings, clock).start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public BqExportOperator operator() {
    return operator;
  }

  @Override
  public void close() {
    operator.close();
    client.close();
  }
}
