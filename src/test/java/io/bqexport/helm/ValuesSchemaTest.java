package io.bqexport.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** values.schema.json makes Helm reject misspelt and invalid values before anything reaches the cluster. */
class ValuesSchemaTest {

  @Test
  void aMisspeltValueIsRejectedWithItsName() {
    assertThatThrownBy(() -> RenderedChart.render(Map.of("watchNamespace", List.of("a"))))
        .hasMessageContaining("watchNamespace");
    assertThatThrownBy(() -> RenderedChart.render(Map.of("serviceMonitor", Map.of("enable", true))))
        .hasMessageContaining("enable");
  }

  @Test
  void invalidValuesAreRejectedWithTheFieldName() {
    assertThatThrownBy(() -> RenderedChart.render(Map.of("logFormat", "xml"))).hasMessageContaining("logFormat");
    assertThatThrownBy(() -> RenderedChart.render(Map.of("watchNamespaces", List.of("Team_A"))))
        .hasMessageContaining("watchNamespaces");
    assertThatThrownBy(() -> RenderedChart.render(Map.of("image", Map.of("pullPolicy", "Sometimes"))))
        .hasMessageContaining("pullPolicy");
    assertThatThrownBy(() -> RenderedChart.render(Map.of("replicaCount", -1))).hasMessageContaining("replicaCount");
  }

  @Test
  void kubernetesObjectsInValuesAreNotConstrained() {
    RenderedChart chart = RenderedChart.render(Map.of(
        "resources", Map.of("limits", Map.of("memory", "1Gi", "cpu", "2")),
        "podSecurityContext", Map.of("runAsNonRoot", true, "runAsUser", 10001, "fsGroup", 10001,
            "seccompProfile", Map.of("type", "RuntimeDefault")),
        "updateStrategy", Map.of("type", "Recreate")));

    assertThat(chart.deployment().getSpec().getStrategy().getType()).isEqualTo("Recreate");
    assertThat(chart.deployment().getSpec().getTemplate().getSpec().getSecurityContext().getRunAsUser())
        .isEqualTo(10001L);
  }
}
