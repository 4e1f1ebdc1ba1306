package io.bqexport.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.testing.Crds;
import io.bqexport.testing.ProjectFiles;
import io.bqexport.testing.SchemaValidation;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The stricter schema and the export's CEL rules, evaluated as the API server would (defaults, OpenAPI checks, CEL
 * with cel-java), on the samples and on the mistakes they are there to catch.
 */
class ExportSchemaRulesTest {
  private final SchemaValidation exports = new SchemaValidation(Crds.named("bigqueryexports.bqexport.io"));
  private final SchemaValidation backfills = new SchemaValidation(Crds.named("bigquerybackfills.bqexport.io"));

  @Test
  void everySampleIsAccepted() {
    for (String sample : List.of("export-minimal.yaml", "export-full.yaml")) {
      assertThat(exports.violations(sample(sample), null)).as(sample).isEmpty();
    }
    assertThat(backfills.violations(sample("backfill.yaml"), null)).isEmpty();
  }

  @Test
  @SuppressWarnings("unchecked")
  void aNameLongerThanALabelValueIsRejectedWithTheReason() {
    assertThat(exports.violations(minimal("e".repeat(63)), null)).isEmpty();
    assertThat(exports.violations(minimal("e".repeat(64)), null)).containsExactly("<root>: metadata.name must be at"
        + " most 63 characters: the operator names its children and labels them with bqexport.io/export=NAME, and a"
        + " label value holds at most 63");
    Map<String, Object> backfill = sample("backfill.yaml");
    ((Map<String, Object>) backfill.get("metadata")).put("name", "b".repeat(64));
    assertThat(backfills.violations(backfill, null)).singleElement().asString().contains("at most 63 characters");
  }

  @Test
  void anEmptyDurationIsRejected() {
    for (String field : List.of("availabilityDelay", "freshnessThreshold", "validationInterval")) {
      Map<String, Object> export = minimal("product-events");
      spec(export).put(field, "");
      assertThat(exports.violations(export, null)).as(field).contains("spec." + field + ": shorter than 1");
    }
  }

  @Test
  void aValidationIntervalUnderFiveMinutesIsRejected() {
    Map<String, Object> export = minimal("product-events");
    spec(export).put("validationInterval", "4m59s");
    assertThat(exports.violations(export, null)).containsExactly("spec: spec.validationInterval must be 5m or more:"
        + " each validation makes a test upload (default 12h)");
    spec(export).put("validationInterval", "1h30m");
    assertThat(exports.violations(export, null)).isEmpty();
  }

  @Test
  @SuppressWarnings("unchecked")
  void theSameSecretKeyForTheApiKeyAndTheSecretKeyIsRejected() {
    Map<String, Object> export = minimal("product-events");
    Map<String, Object> ref = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) spec(export)
        .get("source")).get("amplitude")).get("credentialsSecretRef");
    ref.put("apiKeyKey", "key");
    ref.put("secretKeyKey", "key");
    assertThat(exports.violations(export, null)).singleElement().asString()
        .contains("apiKeyKey and secretKeyKey name the same Secret key");
    ref.put("secretKeyKey", "secret");
    assertThat(exports.violations(export, null)).isEmpty();
  }

  /** Kubernetes' rule for Secret keys: [-._a-zA-Z0-9]+, not "." or "..", not starting with ".." (..data). */
  @Test
  @SuppressWarnings("unchecked")
  void secretKeysFollowKubernetesRules() {
    Map<String, Object> export = minimal("product-events");
    Map<String, Object> ref = (Map<String, Object>) ((Map<String, Object>) spec(export).get("destination"))
        .get("credentialsSecretRef");
    for (String key : List.of(".", "..", "..data", "..x", "a/b", "key json")) {
      ref.put("key", key);
      assertThat(exports.violations(export, null)).as(key).singleElement().asString()
          .startsWith("spec.destination.credentialsSecretRef.key");
    }
    for (String key : List.of("key.json", ".hidden", "a..b", "x..", "-_.9")) {
      ref.put("key", key);
      assertThat(exports.violations(export, null)).as(key).isEmpty();
    }
  }

  @Test
  void integrityTakesDaysAndABoundedBudget() {
    Map<String, Object> export = minimal("product-events");
    Map<String, Object> integrity = new HashMap<>(Map.of("recheckAfter", "1d12h", "lookback", "14d",
        "maxHoursPerRun", 0));
    spec(export).put("integrity", integrity);
    assertThat(exports.violations(export, null)).isEmpty();
    integrity.put("maxHoursPerRun", 8785);
    integrity.put("lookback", "1 week");
    assertThat(exports.violations(export, null)).containsExactlyInAnyOrder(
        "spec.integrity.maxHoursPerRun: more than 8784.0",
        "spec.integrity.lookback: does not match ^([0-9]+d)?([0-9]+h)?([0-9]+m)?([0-9]+s)?$");
    integrity.put("maxHoursPerRun", -1);
    integrity.put("lookback", "");
    assertThat(exports.violations(export, null)).contains("spec.integrity.maxHoursPerRun: less than 0.0",
        "spec.integrity.lookback: shorter than 1");
  }

  @Test
  @SuppressWarnings("unchecked")
  void overlongStringsAreRejected() {
    Map<String, Object> export = minimal("product-events");
    ((Map<String, Object>) spec(export).get("destination")).put("dataset", "d".repeat(1025));
    assertThat(exports.violations(export, null)).contains("spec.destination.dataset: longer than 1024");
  }

  @Test
  void everyStringOfOurOwnSpecTypesHasAMaxLength() {
    List<String> unbounded = new ArrayList<>();
    JSONSchemaProps spec = Crds.named("bigqueryexports.bqexport.io").getSpec().getVersions().get(0).getSchema()
        .getOpenAPIV3Schema().getProperties().get("spec");
    collectUnbounded("spec", spec, unbounded);
    collectUnbounded("spec", Crds.named("bigquerybackfills.bqexport.io").getSpec().getVersions().get(0).getSchema()
        .getOpenAPIV3Schema().getProperties().get("spec"), unbounded);
    assertThat(unbounded).isEmpty();
  }

  /** Kubernetes' own types under spec.pod (resources, tolerations, affinity...) keep their upstream schema. */
  private static void collectUnbounded(String path, JSONSchemaProps node, List<String> out) {
    if ("string".equals(node.getType()) && node.getMaxLength() == null && node.getEnum().isEmpty()) {
      out.add(path);
    }
    if (node.getProperties() != null) {
      node.getProperties().forEach((name, child) -> {
        String at = path + "." + name;
        if (!at.startsWith("spec.pod.") || at.equals("spec.pod.serviceAccountName")) {
          collectUnbounded(at, child, out);
        }
      });
    }
  }

  private static Map<String, Object> minimal(String name) {
    Map<String, Object> export = sample("export-minimal.yaml");
    ((Map<String, Object>) export.get("metadata")).put("name", name);
    return export;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> spec(Map<String, Object> object) {
    return (Map<String, Object>) object.get("spec");
  }

  /** A sample as a mutable map. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> sample(String file) {
    try (InputStream in = Files.newInputStream(ProjectFiles.resolve("samples/" + file))) {
      return mutable((Map<String, Object>) new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readValue(in,
          Map.class));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> mutable(Map<String, Object> map) {
    Map<String, Object> copy = new HashMap<>();
    map.forEach((k, v) -> copy.put(k, v instanceof Map<?, ?> m ? mutable((Map<String, Object>) m) : v));
    return copy;
  }
}
