package io.bqexport.operator.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.BigQueryExportSpec;
import io.bqexport.api.v1alpha1.JobPodSpec;
import io.bqexport.testing.ExportFixtures;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The exporter JVM's heap: fixed with the default resources, a share of the limit with the user's own. */
class ExportPodTemplateMemoryTest {

  @Test
  void defaultResourcesGetAnExplicitHeapAndTheSerialCollector() {
    Container container = container(ExportFixtures.export("analytics", "product-events", null));
    assertThat(container.getResources().getLimits()).containsEntry("memory", new Quantity("512Mi"));
    assertThat(javaToolOptions(container)).isEqualTo(ExportPodTemplate.DEFAULT_JAVA_TOOL_OPTIONS)
        .contains("-Xms128m", "-Xmx128m", "-Xmn64m", "-XX:SurvivorRatio=2", "-XX:TargetSurvivorRatio=90",
            "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.io.tmpdir=/tmp");
  }

  @Test
  void customResourcesKeepTheHeapAShareOfTheirLimit() {
    BigQueryExport export = ExportFixtures.export("analytics", "product-events", null);
    BigQueryExportSpec s = export.getSpec();
    export.setSpec(new BigQueryExportSpec(s.source(), s.destination(), s.data(), s.schedule(), s.availabilityDelay(),
        s.startFrom(), s.suspend(), s.historyLimit(), s.maxHoursPerRun(), s.freshnessThreshold(),
        s.validationInterval(), new JobPodSpec(new ResourceRequirementsBuilder()
            .addToLimits("memory", new Quantity("2Gi")).build(), null, null, null, null, null),
        s.integrity(), s.delivery(), s.transfer()));
    Container container = container(export);
    assertThat(container.getResources().getLimits()).containsEntry("memory", new Quantity("2Gi"));
    assertThat(javaToolOptions(container)).isEqualTo("-XX:MaxRAMPercentage=75 -Djava.io.tmpdir=/tmp");
  }

  private static Container container(BigQueryExport export) {
    return ExportPodTemplate.build(export, "cm", "bqexport:test", Map.of(), List.of()).getSpec().getContainers()
        .get(0);
  }

  private static String javaToolOptions(Container container) {
    return container.getEnv().stream().filter(e -> e.getName().equals("JAVA_TOOL_OPTIONS")).map(EnvVar::getValue)
        .findFirst().orElseThrow();
  }
}
