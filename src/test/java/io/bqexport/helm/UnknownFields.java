package io.bqexport.helm;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Finds fields that a fabric8 model object did not recognise. fabric8 keeps unknown YAML keys in
 * {@code additionalProperties} instead of failing, so a misspelt template key ("readOnlyRootFileSystem") would
 * otherwise parse fine and be silently ignored by Kubernetes.
 */
final class UnknownFields {

  private static final String MODEL_PACKAGE = "io.fabric8.kubernetes.api.model";

  private UnknownFields() {}

  /** Paths such as "spec.template.spec.containers[0].securityContext.readOnlyRootFileSystem"; empty if none. */
  static List<String> in(Object object) {
    List<String> found = new ArrayList<>();
    walk(object, "", found);
    return found;
  }

  private static void walk(Object value, String path, List<String> found) {
    if (value instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        walk(list.get(i), path + "[" + i + "]", found);
      }
    } else if (value instanceof Map<?, ?> map) {
      map.forEach((key, entry) -> walk(entry, path + "[" + key + "]", found));
    } else if (value != null && isTypedModel(value.getClass())) {
      walkModel(value, path, found);
    }
  }

  private static boolean isTypedModel(Class<?> type) {
    return type.getName().startsWith(MODEL_PACKAGE) && !GenericKubernetesResource.class.isAssignableFrom(type);
  }

  private static void walkModel(Object model, String path, List<String> found) {
    for (Method getter : model.getClass().getMethods()) {
      if (!isPropertyGetter(getter)) {
        continue;
      }
      Object property = invoke(getter, model);
      String name = Character.toLowerCase(getter.getName().charAt(3)) + getter.getName().substring(4);
      if (name.equals("additionalProperties")) {
        if (property instanceof Map<?, ?> unknown) {
          unknown.keySet().forEach(key -> found.add(join(path, String.valueOf(key))));
        }
      } else {
        walk(property, join(path, name), found);
      }
    }
  }

  private static boolean isPropertyGetter(Method method) {
    return method.getName().startsWith("get") && method.getName().length() > 3
        && method.getParameterCount() == 0 && !Modifier.isStatic(method.getModifiers())
        && method.getDeclaringClass().getName().startsWith(MODEL_PACKAGE);
  }

  private static Object invoke(Method getter, Object target) {
    try {
      return getter.invoke(target);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("cannot read " + getter, e);
    }
  }

  private static String join(String path, String name) {
    return path.isEmpty() ? name : path + "." + name;
  }
}
