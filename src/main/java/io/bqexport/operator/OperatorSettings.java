package io.bqexport.operator;

import java.util.Set;

/**
 * How the operator process runs.
 *
 * @param watchNamespaces namespaces to watch; empty means all namespaces
 * @param leaderElection whether to take a Lease before reconciling (for more than one replica)
 * @param leaseNamespace namespace of the Lease, normally the operator's own
 * @param httpPort port of /healthz, /readyz and /metrics; 0 picks a free one
 * @param exporterImage image of the exporter pods the operator creates
 * @param allowEndpointOverrides honour spec.*.endpoint (tests, the demo, a trusted proxy); off by default, because
 *     anyone allowed to create an export could otherwise have the credentials sent to a URL of their choice
 * @param allowWorkloadIdentity accept credentials.workloadIdentity; off by default, because such exports are probed
 *     with the operator's own Google identity, which anyone allowed to create an export could otherwise point at
 *     any bucket or dataset that identity can reach (a confused deputy)
 */
public record OperatorSettings(Set<String> watchNamespaces, boolean leaderElection, String leaseNamespace,
    int httpPort, String exporterImage, boolean allowEndpointOverrides, boolean allowWorkloadIdentity) {

  public static final String LEASE_NAME = "bqexport-operator";
  /**
   * Objects per page when an informer lists (at start and after a lost watch), as the API server pages on request.
   * A store prunes or packs an object only after its whole response is decoded: unpaged, 24,000 Pods with their
   * specs (1,000 exports with 24 runs each), or the 94 MiB list of 10,000 exports with their run history, took more
   * than the chart's 384 MiB heap at once (bench/RESULTS.md).
   */
  public static final long LIST_PAGE = 500;
}
