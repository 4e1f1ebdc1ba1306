package io.bqexport.testing;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates a CRD's x-kubernetes-validations with cel-java the way the API server would: rules on the object at
 * their schema path, transition rules (those using oldSelf) only on update. The mock API server does not run them.
 */
public final class CelRules {
  private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
      .setStandardMacros(CelStandardMacro.STANDARD_MACROS) // has(), all(), exists(): Kubernetes enables them
      .addVar("self", SimpleType.DYN).addVar("oldSelf", SimpleType.DYN).build();
  private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();

  private final JSONSchemaProps root;

  public CelRules(CustomResourceDefinition crd) {
    this.root = crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema();
  }

  /** The rules attached to a property path such as "spec"; "" is the root, where rules see metadata.name. */
  public List<ValidationRule> at(String path) {
    JSONSchemaProps node = root;
    for (String part : path.isEmpty() ? new String[0] : path.split("\\.")) {
      node = node.getProperties().get(part);
    }
    return node.getXKubernetesValidations() == null ? List.of() : node.getXKubernetesValidations();
  }

  /** Messages of the rules at path that reject the value; oldValue null means a create. */
  public List<String> violations(String path, Map<String, Object> value, Map<String, Object> oldValue) {
    return violations(at(path), value, oldValue);
  }

  /** Messages of {@code rules} that reject the value; oldValue null means a create. */
  public static List<String> violations(List<ValidationRule> rules, Object value, Object oldValue) {
    List<String> messages = new ArrayList<>();
    for (ValidationRule rule : rules) {
      boolean transition = rule.getRule().contains("oldSelf");
      if (transition && oldValue == null) {
        continue;
      }
      if (!evaluate(rule.getRule(), value, oldValue)) {
        messages.add(rule.getMessage());
      }
    }
    return messages;
  }

  private static boolean evaluate(String expression, Object self, Object oldSelf) {
    try {
      CelAbstractSyntaxTree ast = COMPILER.compile(expression).getAst();
      Map<String, Object> vars = new HashMap<>();
      vars.put("self", self);
      if (oldSelf != null) {
        vars.put("oldSelf", oldSelf);
      }
      return (Boolean) RUNTIME.createProgram(ast).eval(vars);
    } catch (Exception e) {
      throw new IllegalStateException("CEL rule does not evaluate: " + expression, e);
    }
  }
}
