package io.bqexport.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bqexport.api.v1alpha1.Condition;
import io.bqexport.testing.ProjectFiles;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.jse.JsePlatform;

/**
 * The Argo CD health check (helm/bqexport-operator/argocd/health.lua, quoted in the README) run by a real Lua
 * interpreter against status fixtures shaped by the API's own Condition type, as Argo CD runs it: the resource as
 * the global {@code obj}, the returned table's status and message.
 */
class ArgoCdHealthTest {
  private static final String SCRIPT = read("helm/bqexport-operator/argocd/health.lua");
  private static final ObjectMapper JSON = new ObjectMapper();

  record Health(String status, String message) {}

  @Test
  void readyIsHealthy() {
    assertThat(health(3, 3, cond("Ready", "True", "Fresh", "Exported through 09:00"),
        cond("Reconciling", "False", "Fresh", ""), cond("Stalled", "False", "Fresh", "")))
        .isEqualTo(new Health("Healthy", "Fresh: Exported through 09:00"));
  }

  @Test
  void reconcilingIsProgressingEvenWhileReadyIsFalse() {
    assertThat(health(2, 2, cond("Ready", "False", "Running", "12 of 24 hours"),
        cond("Reconciling", "True", "Running", "12 of 24 hours"), cond("Stalled", "False", "Running", "")))
        .isEqualTo(new Health("Progressing", "Running: 12 of 24 hours"));
    assertThat(health(2, 2, cond("Ready", "Unknown", "Validating", "checking the new spec"),
        cond("Reconciling", "True", "Validating", "checking the new spec")).status()).isEqualTo("Progressing");
  }

  @Test
  void stalledOrReadyFalseIsDegraded() {
    assertThat(health(1, 1, cond("Ready", "False", "DatasetNotFound", "no dataset amplitude"),
        cond("Stalled", "True", "DatasetNotFound", "no dataset amplitude"), cond("Reconciling", "False", "", "")))
        .isEqualTo(new Health("Degraded", "DatasetNotFound: no dataset amplitude"));
    assertThat(health(1, 1, cond("Ready", "False", "Stale", "Exported through 02:00, 7 hours behind"),
        cond("Stalled", "False", "Stale", ""), cond("Reconciling", "False", "Stale", "")))
        .as("stale data: Ready False alone").isEqualTo(
            new Health("Degraded", "Stale: Exported through 02:00, 7 hours behind"));
  }

  @Test
  void aSpecTheOperatorHasNotObservedIsProgressingNotWhatTheOldStatusSays() {
    assertThat(health(5, 4, cond("Ready", "True", "Fresh", "ok"), cond("Stalled", "False", "", "")))
        .isEqualTo(new Health("Progressing", "Waiting for the operator to observe generation 5"));
    assertThat(health(5, 4, cond("Ready", "False", "DatasetNotFound", "x"), cond("Stalled", "True", "", "x"))
        .status()).as("an old Stalled may be fixed by the new spec").isEqualTo("Progressing");
  }

  @Test
  void aReadyConditionOfAnOlderGenerationIsNotHealthy() {
    Map<String, Object> ready = cond("Ready", "True", "Fresh", "ok");
    ready.put("observedGeneration", 4);
    assertThat(health(5, 5, ready).status()).isEqualTo("Progressing");
  }

  @Test
  void suspendedAndNoStatusYet() {
    assertThat(health(1, 1, cond("Ready", "False", "Suspended", "spec.suspend is true")))
        .isEqualTo(new Health("Suspended", "Suspended: spec.suspend is true"));
    assertThat(health(1, null)).isEqualTo(new Health("Progressing", "Waiting for the operator to report status"));
  }

  @Test
  void readmeQuotesTheScriptForBothKinds() throws Exception {
    String readme = Files.readString(ProjectFiles.resolve("README.md"));
    String indented = Arrays.stream(SCRIPT.split("\n")).map(line -> line.isEmpty() ? "" : "  " + line)
        .reduce((a, b) -> a + "\n" + b).orElseThrow();
    for (String kind : List.of("BigQueryExport", "BigQueryBackfill")) {
      assertThat(readme).contains("resource.customizations.health.bqexport.io_" + kind + ": |\n" + indented);
    }
  }

  /** The resource as Argo CD hands it to the script; conditions use the API's field names. */
  private static Health health(long generation, Integer observedGeneration, Map<?, ?>... conditions) {
    Map<String, Object> resource = new LinkedHashMap<>();
    resource.put("apiVersion", "bqexport.io/v1alpha1");
    resource.put("kind", "BigQueryExport");
    resource.put("metadata", Map.of("name", "product-events", "generation", generation));
    if (observedGeneration != null) {
      resource.put("status", Map.of("observedGeneration", observedGeneration, "conditions", List.of(conditions)));
    }
    Globals globals = JsePlatform.standardGlobals();
    globals.set("obj", lua(JSON.valueToTree(resource)));
    LuaValue result = globals.load(SCRIPT, "health.lua").call();
    return new Health(result.get("status").tojstring(), result.get("message").tojstring());
  }

  private static Map<String, Object> cond(String type, String status, String reason, String message) {
    Condition condition = new Condition(type, status, reason, message, "2026-11-28T10:00:00Z", null);
    Map<String, Object> map = JSON.convertValue(condition, JSON.getTypeFactory()
        .constructMapType(LinkedHashMap.class, String.class, Object.class));
    map.values().removeIf(v -> v == null);
    return map;
  }

  /** JSON to Lua as Argo CD does it: objects are tables, arrays are 1-based tables, numbers are numbers. */
  private static LuaValue lua(JsonNode node) {
    if (node.isObject()) {
      LuaTable table = new LuaTable();
      node.fields().forEachRemaining(e -> table.set(e.getKey(), lua(e.getValue())));
      return table;
    }
    if (node.isArray()) {
      List<LuaValue> items = new ArrayList<>();
      node.forEach(item -> items.add(lua(item)));
      return LuaValue.listOf(items.toArray(new LuaValue[0]));
    }
    if (node.isNumber()) {
      return LuaValue.valueOf(node.asDouble());
    }
    if (node.isBoolean()) {
      return LuaValue.valueOf(node.asBoolean());
    }
    return node.isNull() ? LuaValue.NIL : LuaValue.valueOf(node.asText());
  }

  private static String read(String path) {
    try {
      return Files.readString(ProjectFiles.resolve(path)).stripTrailing();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
