package io.bqexport.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The CRDs the chart installs. They are generated into crds/ at the repository root and copied into the chart by
 * `make crds`; these tests hold for any number of CRD files, so they also pass before the first generation.
 */
class ChartCrdsTest {

  private static final Path CHART_CRDS = RenderedChart.chartDirectory().resolve("crds");
  private static final Path REPOSITORY_CRDS = RenderedChart.chartDirectory().resolve("../../crds").normalize();

  @Test
  void everyChartCrdIsANamespacedCustomResourceDefinitionOfTheBqexportGroup() {
    List<RenderedChart.RenderedObject> crds = RenderedChart.crds();
    String seenByHelm = RenderedChart.helmShowCrds();

    assertThat(crds).as("one CRD per file in %s", CHART_CRDS).hasSize(RenderedChart.crdFiles().size());
    assertThat(crds).allSatisfy(rendered -> {
      assertThat(seenByHelm).as("helm show crds").contains(rendered.object().getMetadata().getName());
      assertThat(rendered.object()).as(rendered.template()).isInstanceOf(CustomResourceDefinition.class);
      CustomResourceDefinition crd = (CustomResourceDefinition) rendered.object();
      assertThat(crd.getSpec().getGroup()).isEqualTo("bqexport.io");
      assertThat(crd.getSpec().getScope()).isEqualTo("Namespaced");
      assertThat(crd.getMetadata().getName())
          .isEqualTo(crd.getSpec().getNames().getPlural() + "." + crd.getSpec().getGroup());
      assertThat(UnknownFields.in(crd)).as("fields fabric8 does not know in %s", rendered.template()).isEmpty();
    });
  }

  @Test
  void chartCrdsAreExactCopiesOfTheRepositoryCrds() throws IOException {
    List<String> repositoryFiles = fileNames(REPOSITORY_CRDS);

    assertThat(fileNames(CHART_CRDS)).as("run `make crds` to copy %s into the chart", REPOSITORY_CRDS)
        .containsExactlyInAnyOrderElementsOf(repositoryFiles);
    for (String file : repositoryFiles) {
      assertThat(CHART_CRDS.resolve(file)).as("run `make crds`: the chart's copy of %s is stale", file)
          .hasSameTextualContentAs(REPOSITORY_CRDS.resolve(file));
    }
  }

  @Test
  void rbacCoversEveryCustomResourceTheChartInstalls() {
    RbacRules rbac = RenderedChart.render().rbac();

    for (RenderedChart.RenderedObject rendered : RenderedChart.crds()) {
      CustomResourceDefinition crd = (CustomResourceDefinition) rendered.object();
      String group = crd.getSpec().getGroup();
      String plural = crd.getSpec().getNames().getPlural();
      for (String verb : List.of("list", "watch")) { // informers; OperatorRbacTest shows nothing more is used
        assertThat(rbac.allows(null, group, plural, verb)).as("%s %s", verb, plural).isTrue();
      }
      assertThat(rbac.allows(null, group, plural + "/finalizers", "update")).as(plural + "/finalizers").isTrue();
      boolean hasStatus = crd.getSpec().getVersions().stream()
          .map(CustomResourceDefinitionVersion::getSubresources)
          .anyMatch(subresources -> subresources != null && subresources.getStatus() != null);
      if (hasStatus) {
        assertThat(rbac.allows(null, group, plural + "/status", "patch")).as(plural + "/status").isTrue();
      }
    }
  }

  private static List<String> fileNames(Path directory) throws IOException {
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(directory)) {
      return files.map(path -> path.getFileName().toString()).filter(name -> name.matches(".*\\.(ya?ml|json)"))
          .sorted().toList();
    }
  }
}
