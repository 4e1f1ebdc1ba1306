package io.bqexport.helm;

/**
 * One Kubernetes API permission: a verb on a resource of an API group, in a namespace or, when {@code namespace}
 * is null, cluster-wide (cluster-scoped resources, and list/watch across all namespaces).
 *
 * @param apiGroup "" for the core group
 * @param resource plural resource name, with "/subresource" for subresources, e.g. "bigqueryexports/status"
 * @param verb get, list, watch, create, update, patch, delete or deletecollection
 */
public record Permission(String namespace, String apiGroup, String resource, String verb) {

  public static Permission cluster(String apiGroup, String resource, String verb) {
    return new Permission(null, apiGroup, resource, verb);
  }

  public static Permission namespaced(String namespace, String apiGroup, String resource, String verb) {
    return new Permission(namespace, apiGroup, resource, verb);
  }

  @Override
  public String toString() {
    String group = apiGroup.isEmpty() ? "core" : apiGroup;
    return verb + " " + group + "/" + resource + (namespace == null ? " cluster-wide" : " in " + namespace);
  }
}
