package io.bqexport.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.testing.Crds;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** What the build adds to the crd-generator's output, checked on the committed CRDs. */
class CrdPostProcessingTest {

  @Test
  void kubectlGetShowsTheColumnsInTheDeclaredOrderWithAgeLast() {
    assertThat(Crds.named("bigqueryexports.bqexport.io").getSpec().getVersions().get(0).getAdditionalPrinterColumns())
        .extracting(CustomResourceColumnDefinition::getName)
        .containsExactly("Ready", "Exported-Through", "Last-Result", "Last-Success", "Reason", "Verified-Through",
            "Age");
    assertThat(Crds.named("bigqueryexports.bqexport.io").getSpec().getVersions().get(0).getAdditionalPrinterColumns())
        .filteredOn(c -> c.getPriority() != null && c.getPriority() > 0)
        .as("kubectl get bqx stays narrow: these show with -o wide only")
        .extracting(CustomResourceColumnDefinition::getName).containsExactly("Reason", "Verified-Through");
    assertThat(Crds.named("bigquerybackfills.bqexport.io").getSpec().getVersions().get(0)
        .getAdditionalPrinterColumns()).extracting(CustomResourceColumnDefinition::getName)
        .containsExactly("Export", "Phase", "Progress", "Rows", "Mode", "Age");
  }

  @Test
  void conditionsAreAListMapKeyedByType() {
    for (CustomResourceDefinition crd : Crds.load()) {
      JSONSchemaProps conditions = crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema()
          .getProperties().get("status").getProperties().get("conditions");
      assertThat(conditions.getXKubernetesListType()).as(crd.getMetadata().getName()).isEqualTo("map");
      assertThat(conditions.getXKubernetesListMapKeys()).containsExactly("type");
      assertThat(conditions.getItems().getSchema().getRequired()).contains("type");
    }
  }

  @Test
  void processingTwiceChangesNothing() throws Exception {
    for (Path file : Crds.files()) {
      String committed = Files.readString(file);
      assertThat(CrdPostProcessing.process(committed)).isEqualTo(committed);
    }
  }
}
