package io.bqexport.operator.export;

import static io.bqexport.testing.ExportSpecs.withDestination;
import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.DestinationSpec;
import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.api.v1alpha1.SecretKeyRef;
import io.bqexport.operator.status.ConditionType;
import io.bqexport.testing.ExportConditions;
import io.bqexport.testing.ExportFixtures;
import io.bqexport.testing.KubernetesStandIn;
import io.bqexport.testing.OperatorUnderTest;
import java.time.Clock;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A Secret reference is a name and a key, never a path: on an API server that does not enforce the CRD's patterns
 * (an old CRD; the stand-in enforces none), a name or key that climbs out of its directory is refused before the
 * operator requests anything with it.
 */
class SecretReferencePathTest {
  private static final String NS = "tenant";

  @Test
  void aSecretNameOrKeyThatClimbsOutOfItsPathIsRefusedBeforeAnyRequest() {
    try (KubernetesStandIn kubernetes = new KubernetesStandIn().namespace(NS).namespace("kube-system");
         OperatorUnderTest operator = new OperatorUnderTest(kubernetes, Clock.systemUTC(), Set.of(), false)) {
      kubernetes.client().resource(ExportFixtures.amplitudeSecret(NS)).create();
      BigQueryExport export = ExportFixtures.export(NS, "climb", null);
      DestinationSpec d = export.getSpec().destination();
      export.setSpec(withDestination(export.getSpec(), new DestinationSpec(d.projectId(), d.dataset(), d.location(),
          new SecretKeyRef("x/../../../kube-system/secrets/admin", "../../etc/passwd"), d.createDataset(), null)));
      kubernetes.client().resource(export).create();

      var stalled = new ExportConditions(kubernetes.client(), NS)
          .awaitReason("climb", ConditionType.STALLED, Reasons.INVALID_SPEC);
      assertThat(stalled.message()).contains("spec.destination.credentialsSecretRef.name",
          "spec.destination.credentialsSecretRef.key");
      assertThat(kubernetes.requests()).filteredOn(KubernetesStandIn.ApiRequest::byOperator)
          .noneMatch(r -> r.path().contains("..") || r.path().contains("kube-system"));
    }
  }
}
