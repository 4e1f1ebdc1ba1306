package io.bqexport.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.bqexport.testing.Crds;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** What the generated schemas promise users: descriptions, defaults that match the code, patterns, columns. */
class CrdSchemaTest {

  /** Embedded Kubernetes types: their own fields come from the Kubernetes API and are documented there. */
  private static final Set<String> KUBERNETES_TYPES =
      Set.of("spec.pod.resources", "spec.pod.affinity", "spec.pod.tolerations", "spec.pod.imagePullSecrets");

  @Test
  void everyFieldOfOurOwnTypesHasADescription() {
    for (CustomResourceDefinition crd : Crds.load()) {
      JSONSchemaProps root = schema(crd);
      List<String> undocumented = new ArrayList<>();
      collectUndocumented("spec", root.getProperties().get("spec"), undocumented);
      collectUndocumented("status", root.getProperties().get("status"), undocumented);
      assertThat(undocumented).as(crd.getMetadata().getName()).isEmpty();
    }
  }

  @Test
  void schemaDefaultsEqualTheDefaultsTheCodeApplies() {
    JSONSchemaProps spec = schema(Crds.named("bigqueryexports.bqexport.io")).getProperties().get("spec");
    BigQueryExportSpec defaults = new BigQueryExportSpec(null, null, null, null, null, null, null, null, null, null,
        null, null);
    Map<String, Object> code = new ObjectMapper().convertValue(defaults, Map.class);
    for (String field : List.of("schedule", "availabilityDelay", "suspend", "historyLimit", "maxHoursPerRun",
        "freshnessThreshold", "validationInterval")) {
      assertThat(spec.getProperties().get(field).getDefault().asText()).as(field)
          .isEqualTo(String.valueOf(code.get(field)));
    }
    JSONSchemaProps integrity = spec.getProperties().get("integrity");
    Map<?, ?> integrityCode = (Map<?, ?>) code.get("integrity");
    for (String field : List.of("enabled", "recheckAfter", "lookback", "maxHoursPerRun")) {
      assertThat(integrity.getProperties().get(field).getDefault().asText()).as("integrity." + field)
          .isEqualTo(String.valueOf(integrityCode.get(field)));
    }
    JSONSchemaProps backfill = schema(Crds.named("bigquerybackfills.bqexport.io")).getProperties().get("spec");
    Map<String, Object> backfillCode = new ObjectMapper().convertValue(
        new BigQueryBackfillSpec(null, null, null, null, null, null, null), Map.class);
    for (String field : List.of("mode", "chunkHours", "parallelism", "suspend")) {
      assertThat(backfill.getProperties().get(field).getDefault().asText()).as(field)
          .isEqualTo(String.valueOf(backfillCode.get(field)));
    }
  }

  @Test
  void hourPatternAcceptsWholeUtcHoursOnly() {
    Pattern hour = Pattern.compile(ApiPatterns.HOUR);
    assertThat(hour.matcher("2026-11-01T00:00:00Z").matches()).isTrue();
    assertThat(hour.matcher("2026-11-01T00:30:00Z").matches()).isFalse();
    assertThat(hour.matcher("2026-11-01T00:00:00+01:00").matches()).isFalse();
    assertThat(hour.matcher("2026-11-01").matches()).isFalse();
  }

  @Test
  void namePatternsFollowBigQueryRules() {
    assertThat(Pattern.matches(ApiPatterns.DATASET, "amplitude_prod")).isTrue();
    assertThat(Pattern.matches(ApiPatterns.DATASET, "amplitude-prod")).isFalse();
    assertThat(Pattern.matches(ApiPatterns.TABLE, "events")).isTrue();
    assertThat(Pattern.matches(ApiPatterns.TABLE, "9events")).isFalse();
    assertThat(Pattern.matches(ApiPatterns.PROJECT_ID, "acme-analytics")).isTrue();
    assertThat(Pattern.matches(ApiPatterns.PROJECT_ID, "Acme")).isFalse();
    assertThat(Pattern.matches(ApiPatterns.DURATION, "1h30m")).isTrue();
    assertThat(Pattern.matches(ApiPatterns.DURATION, "2 hours")).isFalse();
  }

  @Test
  void exportPrintsTheColumnsKubectlUsersRead() {
    CustomResourceDefinition crd = Crds.named("bigqueryexports.bqexport.io");
    CustomResourceDefinitionVersion version = crd.getSpec().getVersions().get(0);
    assertThat(version.getAdditionalPrinterColumns()).extracting(c -> c.getName())
        .contains("Ready", "Exported-Through", "Last-Result", "Last-Success", "Age");
    assertThat(version.getSubresources().getStatus()).isNotNull();
    assertThat(crd.getSpec().getNames().getShortNames()).containsExactly("bqx");
    assertThat(crd.getSpec().getNames().getCategories()).containsExactly("bqexport");
    assertThat(Crds.named("bigquerybackfills.bqexport.io").getSpec().getNames().getShortNames())
        .containsExactly("bqbf");
  }

  private static JSONSchemaProps schema(CustomResourceDefinition crd) {
    return crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema();
  }

  private static void collectUndocumented(String path, JSONSchemaProps node, List<String> out) {
    if (node.getProperties() == null) {
      return;
    }
    node.getProperties().forEach((name, child) -> {
      String childPath = path + "." + name;
      if (child.getDescription() == null || child.getDescription().isBlank()) {
        out.add(childPath);
      }
      if (KUBERNETES_TYPES.contains(childPath)) {
        return;
      }
      collectUndocumented(childPath, child, out);
      if (child.getItems() != null && child.getItems().getSchema() != null) {
        collectUndocumented(childPath + "[]", child.getItems().getSchema(), out);
      }
    });
  }
}
