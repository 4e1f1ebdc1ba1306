package io.bqexport.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bqexport.api.v1alpha1.BigQueryBackfill;
import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.testing.KubernetesStandIn;
import io.bqexport.testing.OperatorUnderTest;
import io.bqexport.testing.ProjectFiles;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The chart's RBAC grants every request the running operator makes: the permissions are derived from the requests
 * the operator's own client sent to the API stand-in while it reconciled the samples, not from a second list.
 */
class OperatorRbacTest {
  private static final String NS = "analytics";

  @Test
  void chartGrantsEveryRequestTheOperatorMakes() {
    Set<Permission> needed = permissionsUsedReconcilingTheSamples(Set.of());
    assertThat(needed).extracting(Permission::resource)
        .contains("bigqueryexports", "bigqueryexports/status", "bigquerybackfills/status", "secrets", "events");
    assertThat(RenderedChart.render().rbac().denied(needed)).as("cluster-wide install").isEmpty();
  }

  @Test
  void namespacedChartGrantsEveryRequestOfAnOperatorWatchingOneNamespace() {
    Set<Permission> needed = permissionsUsedReconcilingTheSamples(Set.of(NS));
    assertThat(needed).allSatisfy(p -> assertThat(p.namespace()).isEqualTo(NS));
    assertThat(RenderedChart.render(Map.of("watchNamespaces", List.of(NS))).rbac().denied(needed))
        .as("install watching only " + NS).isEmpty();
  }

  private static Set<Permission> permissionsUsedReconcilingTheSamples(Set<String> watch) {
    try (KubernetesStandIn kubernetes = new KubernetesStandIn().namespace(NS);
         OperatorUnderTest operator = new OperatorUnderTest(kubernetes, Clock.systemUTC(), watch)) {
      for (String sample : new String[] {"secrets.yaml", "export-minimal.yaml", "backfill.yaml"}) {
        kubernetes.apply(ProjectFiles.resolve("samples/" + sample), NS);
      }
      await().until(() -> kubernetes.client().resources(BigQueryBackfill.class).inNamespace(NS).list().getItems()
          .stream().allMatch(b -> b.getStatus() != null)
          && kubernetes.client().resources(BigQueryExport.class).inNamespace(NS).list().getItems().stream()
          .allMatch(e -> e.getStatus() != null));
      // Deleting and restoring a Secret exercises the update paths too: status patches, and an Event whose
      // reason recurs, which is patched (count + 1) rather than created again.
      var amplitude = kubernetes.client().secrets().inNamespace(NS).withName("amplitude-prod").get();
      kubernetes.client().secrets().inNamespace(NS).withName("amplitude-prod").delete();
      await().until(() -> kubernetes.requests().stream().anyMatch(r -> r.byOperator()
          && r.method().equals("POST") && r.path().contains("/events")
          && kubernetes.client().v1().events().inNamespace(NS).list().getItems().stream()
              .anyMatch(e -> "SecretNotFound".equals(e.getReason()))));
      amplitude.getMetadata().setResourceVersion(null);
      kubernetes.client().resource(amplitude).create();
      await().until(() -> kubernetes.requests().stream().anyMatch(r -> r.byOperator()
          && r.method().equals("PATCH") && r.path().contains("/events/")));
      return kubernetes.requests().stream().filter(KubernetesStandIn.ApiRequest::byOperator)
          .map(r -> ApiRequestPermissions.of(r.method(), r.path()))
          .flatMap(Optional::stream)
          .collect(Collectors.toSet());
    }
  }
}
