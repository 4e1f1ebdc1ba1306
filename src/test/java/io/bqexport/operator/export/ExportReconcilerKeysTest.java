package io.bqexport.operator.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.BigQueryExportSpec;
import io.bqexport.api.v1alpha1.DestinationSpec;
import io.bqexport.api.v1alpha1.SecretKeyRef;
import io.bqexport.testing.ExportFixtures;
import io.bqexport.testing.ExportSpecs;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * How the reconciler finds the export of a Secret or a child (its indexes), and when it releases the transfer configs
 * before anything else.
 */
class ExportReconcilerKeysTest {
  private static final String NS = "analytics";
  private final BigQueryExport export = ExportFixtures.export(NS, "product-events", null);

  @Test
  void anExportIndexesTheSecretsItReferencesOnceEach() {
    assertThat(ExportReconciler.referencedSecrets(export)).containsExactly("analytics/amplitude-prod",
        "analytics/bq-writer");
    assertThat(ExportReconciler.referencedSecretIds(export)).containsExactlyInAnyOrder(
        new ResourceID("amplitude-prod", NS), new ResourceID("bq-writer", NS));

    BigQueryExportSpec shared = ExportSpecs.withDestination(export.getSpec(), new DestinationSpec(null, "amplitude",
        null, new SecretKeyRef(ExportFixtures.AMPLITUDE_SECRET, null), null, null));
    export.setSpec(shared);
    assertThat(ExportReconciler.referencedSecrets(export)).containsExactly("analytics/amplitude-prod");

    export.setSpec(null);
    assertThat(ExportReconciler.referencedSecrets(export)).isEmpty();
  }

  @Test
  void aChildFindsItsExportByTheExportLabel() {
    String key = ExportReconciler.labelIndexKey(export);
    assertThat(key).isEqualTo("analytics/" + ChildNames.labelValue("product-events"));

    ConfigMap child = new ConfigMapBuilder().withNewMetadata().withNamespace(NS).withName("product-events-config")
        .withLabels(Map.of(ExportLabels.EXPORT, ChildNames.labelValue("product-events"))).endMetadata().build();
    assertThat(ExportReconciler.labelIndexKey(child)).contains(key);

    child.getMetadata().setLabels(Map.of("app", "other"));
    assertThat(ExportReconciler.labelIndexKey(child)).isEmpty();
    child.getMetadata().setLabels(null);
    assertThat(ExportReconciler.labelIndexKey(child)).isEmpty();
  }

  @Test
  void theTransferConfigsAreReleasedWhenDeletedOrSwitchedBackToDirectWithAValidSpec() {
    assertThat(ExportReconciler.releasesTransferConfigs(export, true, false)).as("never held").isFalse();

    export.addFinalizer(TransferFinalizer.NAME);
    assertThat(ExportReconciler.releasesTransferConfigs(export, true, false)).as("back to Direct").isTrue();
    assertThat(ExportReconciler.releasesTransferConfigs(export, true, true)).as("still TransferService").isFalse();
    assertThat(ExportReconciler.releasesTransferConfigs(export, false, false))
        .as("an invalid spec says nothing about the delivery").isFalse();

    export.getMetadata().setDeletionTimestamp("2026-11-28T12:00:00Z");
    assertThat(ExportReconciler.releasesTransferConfigs(export, false, false)).as("deleted").isTrue();
    assertThat(ExportReconciler.releasesTransferConfigs(export, true, true)).isTrue();
  }
}
