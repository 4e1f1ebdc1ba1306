package io.bqexport.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import io.bqexport.api.v1alpha1.Condition;
import io.bqexport.testing.ProjectFiles;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Flux healthCheckExprs (helm/bqexport-operator/flux/health-check-exprs.yaml, quoted in the README) evaluated
 * with cel-java the way Flux does it (RFC-0009, fluxcd/flux2): InProgress while status.observedGeneration differs
 * from metadata.generation; otherwise the first of inProgress, failed, current that is true; InProgress if none is.
 */
class FluxHealthTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
      .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
      .addVar("metadata", SimpleType.DYN).addVar("status", SimpleType.DYN).build();
  private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();
  private static final List<Map<String, String>> CHECKS = checks();

  @Test
  void readyIsCurrent() {
    assertThat(status(3, 3, cond("Ready", "True", "Fresh", 3), cond("Reconciling", "False", "Fresh", 3),
        cond("Stalled", "False", "Fresh", 3))).isEqualTo("Current");
  }

  @Test
  void aStaleExportIsNeverCurrent() {
    assertThat(status(5, 4, cond("Ready", "True", "Fresh", 4))).as("spec not observed yet").isEqualTo("InProgress");
    assertThat(status(5, 5, cond("Ready", "True", "Fresh", 4))).as("Ready of an older generation")
        .isEqualTo("InProgress");
    assertThat(status(5, 5, cond("Ready", "False", "Stale", 5), cond("Reconciling", "False", "Stale", 5),
        cond("Stalled", "False", "Stale", 5))).as("stale data, which kstatus alone calls Current").isEqualTo("Failed");
  }

  @Test
  void reconcilingIsInProgressAndStalledIsFailed() {
    assertThat(status(2, 2, cond("Ready", "Unknown", "Validating", 2), cond("Reconciling", "True", "Validating", 2)))
        .isEqualTo("InProgress");
    assertThat(status(2, 2, cond("Ready", "False", "Running", 2), cond("Reconciling", "True", "Running", 2)))
        .isEqualTo("InProgress");
    assertThat(status(1, 1, cond("Ready", "False", "DatasetNotFound", 1), cond("Stalled", "True", "DatasetNotFound",
        1), cond("Reconciling", "True", "Validating", 1))).isEqualTo("Failed");
  }

  @Test
  void suspendedIsCurrentAndNoConditionsYetIsInProgress() {
    assertThat(status(1, 1, cond("Ready", "False", "Suspended", 1))).isEqualTo("Current");
    assertThat(status(1, 1)).isEqualTo("InProgress");
  }

  @Test
  void readmeQuotesTheExpressionsAndBothKindsHaveThem() throws Exception {
    String file = Files.readString(ProjectFiles.resolve("helm/bqexport-operator/flux/health-check-exprs.yaml"));
    String body = file.substring(file.indexOf("- apiVersion"));
    assertThat(Files.readString(ProjectFiles.resolve("README.md"))).contains(body.indent(4).stripTrailing());
    assertThat(CHECKS).extracting(c -> c.get("kind")).containsExactly("BigQueryExport", "BigQueryBackfill");
    assertThat(CHECKS.get(0)).usingRecursiveComparison().ignoringFields("kind").isEqualTo(CHECKS.get(1));
  }

  private static String status(long generation, long observedGeneration, Map<?, ?>... conditions) {
    Map<String, Object> metadata = Map.of("name", "product-events", "generation", generation);
    Map<String, Object> status = new HashMap<>(Map.of("observedGeneration", observedGeneration));
    if (conditions.length > 0) {
      status.put("conditions", List.of(conditions));
    }
    if (observedGeneration != generation) {
      return "InProgress";
    }
    Map<String, String> check = CHECKS.get(0);
    for (String[] expression : new String[][] {{"inProgress", "InProgress"}, {"failed", "Failed"},
        {"current", "Current"}}) {
      if (evaluate(check.get(expression[0]), metadata, status)) {
        return expression[1];
      }
    }
    return "InProgress";
  }

  private static boolean evaluate(String expression, Map<String, Object> metadata, Map<String, Object> status) {
    try {
      var ast = COMPILER.compile(expression).getAst();
      return (Boolean) RUNTIME.createProgram(ast).eval(Map.of("metadata", metadata, "status", status));
    } catch (Exception e) {
      throw new IllegalStateException("Flux would fail the health check: " + expression, e);
    }
  }

  private static Map<String, Object> cond(String type, String status, String reason, long generation) {
    Map<String, Object> map = JSON.convertValue(new Condition(type, status, reason, "", "2026-11-28T10:00:00Z",
        generation), JSON.getTypeFactory().constructMapType(LinkedHashMap.class, String.class, Object.class));
    map.values().removeIf(v -> v == null);
    return map;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, String>> checks() {
    try {
      return new YAMLMapper().readValue(ProjectFiles.resolve("helm/bqexport-operator/flux/health-check-exprs.yaml")
          .toFile(), List.class);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
