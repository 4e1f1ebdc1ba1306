package io.bqexport.testing;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What the API server does with a custom resource on create or update, for the parts of a CRD our schemas use:
 * apply the schema's defaults, then check types, required fields, enum, pattern, minLength/maxLength,
 * minimum/maximum, maxItems, and every x-kubernetes-validations rule (with cel-java, through {@link CelRules}),
 * at the root too, where rules see metadata.name. The mock API server checks none of this.
 */
public final class SchemaValidation {
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  private final JSONSchemaProps root;

  public SchemaValidation(CustomResourceDefinition crd) {
    root = crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema();
  }

  /** Why the API server would reject {@code object} (any POJO or map); oldObject null means a create. */
  public List<String> violations(Object object, Object oldObject) {
    Object value = defaulted(root, plain(object));
    Object old = oldObject == null ? null : defaulted(root, plain(oldObject));
    List<String> out = new ArrayList<>();
    check(root, value, old, "", out);
    return out;
  }

  private static Object plain(Object object) {
    return JSON.unmarshal(JSON.asJson(object), Map.class);
  }

  @SuppressWarnings("unchecked")
  private static Object defaulted(JSONSchemaProps schema, Object value) {
    if (value instanceof Map<?, ?> map && schema.getProperties() != null) {
      Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) map);
      schema.getProperties().forEach((name, property) -> {
        if (!copy.containsKey(name) && property.getDefault() != null) {
          copy.put(name, JSON.convertValue(property.getDefault(), Object.class));
        }
        if (copy.containsKey(name)) {
          copy.put(name, defaulted(property, copy.get(name)));
        }
      });
      return copy;
    }
    if (value instanceof List<?> list && schema.getItems() != null && schema.getItems().getSchema() != null) {
      return list.stream().map(item -> defaulted(schema.getItems().getSchema(), item)).toList();
    }
    return value;
  }

  private static void check(JSONSchemaProps schema, Object value, Object old, String path, List<String> out) {
    String at = path.isEmpty() ? "<root>" : path;
    if (value == null) {
      return;
    }
    String type = schema.getType();
    if ("string".equals(type)) {
      if (!(value instanceof String s)) {
        out.add(at + ": must be a string");
        return;
      }
      if (schema.getMaxLength() != null && s.length() > schema.getMaxLength()) {
        out.add(at + ": longer than " + schema.getMaxLength());
      }
      if (schema.getMinLength() != null && s.length() < schema.getMinLength()) {
        out.add(at + ": shorter than " + schema.getMinLength());
      }
      if (schema.getPattern() != null && !Pattern.compile(schema.getPattern()).matcher(s).find()) {
        out.add(at + ": does not match " + schema.getPattern());
      }
    } else if ("integer".equals(type)) {
      if (!(value instanceof Number n)) {
        out.add(at + ": must be an integer");
        return;
      }
      if (schema.getMinimum() != null && n.doubleValue() < schema.getMinimum()) {
        out.add(at + ": less than " + schema.getMinimum());
      }
      if (schema.getMaximum() != null && n.doubleValue() > schema.getMaximum()) {
        out.add(at + ": more than " + schema.getMaximum());
      }
    } else if ("boolean".equals(type) && !(value instanceof Boolean)) {
      out.add(at + ": must be a boolean");
    }
    if (schema.getEnum() != null && !schema.getEnum().isEmpty()
        && schema.getEnum().stream().map(e -> JSON.convertValue(e, Object.class)).noneMatch(value::equals)) {
      out.add(at + ": not one of " + schema.getEnum());
    }
    if (value instanceof Map<?, ?> map) {
      Map<?, ?> oldMap = old instanceof Map<?, ?> m ? m : null;
      if (schema.getRequired() != null) {
        schema.getRequired().stream().filter(r -> !map.containsKey(r))
            .forEach(r -> out.add(join(path, r) + ": required"));
      }
      if (schema.getProperties() != null) {
        schema.getProperties().forEach((name, property) -> check(property, map.get(name),
            oldMap == null ? null : oldMap.get(name), join(path, name), out));
      }
      if (schema.getAdditionalProperties() != null && schema.getAdditionalProperties().getSchema() != null) {
        map.forEach((k, v) -> check(schema.getAdditionalProperties().getSchema(), v, null, join(path, "" + k), out));
      }
    }
    if (value instanceof List<?> list) {
      if (schema.getMaxItems() != null && list.size() > schema.getMaxItems()) {
        out.add(at + ": more than " + schema.getMaxItems() + " items");
      }
      if (schema.getItems() != null && schema.getItems().getSchema() != null) {
        for (int i = 0; i < list.size(); i++) {
          check(schema.getItems().getSchema(), list.get(i), null, path + "[" + i + "]", out);
        }
      }
    }
    if (schema.getXKubernetesValidations() != null) {
      CelRules.violations(schema.getXKubernetesValidations(), longs(value), longs(old))
          .forEach(message -> out.add(at + ": " + message));
    }
  }

  /** CEL's int is 64 bits: cel-java wants Long where JSON parsing made Integer. */
  private static Object longs(Object value) {
    if (value instanceof Integer i) {
      return i.longValue();
    }
    if (value instanceof Map<?, ?> map) {
      Map<Object, Object> copy = new LinkedHashMap<>();
      map.forEach((k, v) -> copy.put(k, longs(v)));
      return copy;
    }
    if (value instanceof List<?> list) {
      return list.stream().map(SchemaValidation::longs).toList();
    }
    return value;
  }

  private static String join(String path, String name) {
    return path.isEmpty() ? name : path + "." + name;
  }
}
