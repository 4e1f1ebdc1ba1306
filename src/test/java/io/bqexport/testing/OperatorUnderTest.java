package io.bqexport.testing;

import io.bqexport.operator.BqExportOperator;
import io.bqexport.operator.OperatorSettings;
import io.bqexport.operator.export.AmbientCredentials;
import io.bqexport.transfer.TransferClients;
import io.bqexport.operator.export.ExportRetries;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import io.bqexport.operator.export.TransferDelivery;
import io.bqexport.transfer.TransferClients;
import io.bqexport.transfer.TransferFailure;
import java.time.Clock;
import java.time.Duration;
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
        allowEndpointOverrides, true));
  }

  /** With leader election on, the Lease in {@code leaseNamespace}, as the chart runs it. */
  public static OperatorUnderTest withLeaderElection(KubernetesStandIn kubernetes, Clock clock,
      String leaseNamespace) {
    return new OperatorUnderTest(kubernetes, clock, new OperatorSettings(Set.of(), true, leaseNamespace, 0,
        EXPORTER_IMAGE, true, true));
  }

  /**
   * Outside Google Cloud: no Application Default Credentials, whatever the machine running the tests has, so an
   * export with workloadIdentity reports WorkloadIdentityUnavailable unless a test passes a metadata stand-in.
   */
  public static final AmbientCredentials NO_AMBIENT_CREDENTIALS = () -> {
    throw new IOException("no Application Default Credentials in tests");
  };

  /** With Workload Identity: the operator's own Google identity comes from {@code ambient}. */
  public OperatorUnderTest(KubernetesStandIn kubernetes, Clock clock, AmbientCredentials ambient) {
    this(kubernetes, clock, ambient, true);
  }

  /**
   * @param allowWorkloadIdentity as --allow-workload-identity; tests set it (the metadata stand-in is the
   *     operator's identity), except the ones proving the default refuses workloadIdentity
   */
  public OperatorUnderTest(KubernetesStandIn kubernetes, Clock clock, AmbientCredentials ambient,
      boolean allowWorkloadIdentity) {
    this(kubernetes, clock, new OperatorSettings(Set.of(), false, null, 0, EXPORTER_IMAGE, true,
        allowWorkloadIdentity), ambient);
  }

  private OperatorUnderTest(KubernetesStandIn kubernetes, Clock clock, OperatorSettings settings) {
    this(kubernetes, clock, settings, NO_AMBIENT_CREDENTIALS);
  }

  /**
   * With Transfer Service delivery: clients from {@code transfers} (a stand-in's channel), runs polled every
   * {@code transferPoll}.
   */
  public OperatorUnderTest(KubernetesStandIn kubernetes, Clock clock, TransferClients transfers,
      Duration transferPoll) {
    this(kubernetes, clock, new OperatorSettings(Set.of(), false, null, 0, EXPORTER_IMAGE, true, true),
        NO_AMBIENT_CREDENTIALS, transfers, transferPoll, ExportRetries.DEFAULT);
  }

  /** With credential probes timing out after {@code probeTimeout} instead of 3 minutes. */
  public static OperatorUnderTest withProbeTimeout(KubernetesStandIn kubernetes, Clock clock,
      Duration probeTimeout) {
    return withRetries(kubernetes, clock, ExportRetries.DEFAULT.withProbeTimeout(probeTimeout));
  }

  /** With the export reconciler's probe timeout and retry waits set to {@code retries}. */
  public static OperatorUnderTest withRetries(KubernetesStandIn kubernetes, Clock clock, ExportRetries retries) {
    return new OperatorUnderTest(kubernetes, clock, new OperatorSettings(Set.of(), false, null, 0, EXPORTER_IMAGE,
        true, true), NO_AMBIENT_CREDENTIALS, NO_TRANSFER_SERVICE, TransferDelivery.DEFAULT_POLL, retries);
  }

  private OperatorUnderTest(KubernetesStandIn kubernetes, Clock clock, OperatorSettings settings,
      AmbientCredentials ambient) {
    this(kubernetes, clock, settings, ambient, NO_TRANSFER_SERVICE, TransferDelivery.DEFAULT_POLL,
        ExportRetries.DEFAULT);
  }

  /** No Transfer Service reachable: a test that does not start its stand-in must not reach Google. */
  private static final TransferClients NO_TRANSFER_SERVICE = credentials -> {
    throw new TransferFailure(TransferFailure.Reason.CALL_FAILED, "no Transfer Service in this test");
  };

  private OperatorUnderTest(KubernetesStandIn kubernetes, Clock clock, OperatorSettings settings,
      AmbientCredentials ambient, TransferClients transfers, Duration transferPoll, ExportRetries retries) {
    client = kubernetes.newOperatorClient();
    try {
      operator = new BqExportOperator(client, settings, clock, ambient, transfers, transferPoll, retries)
          .start();
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
