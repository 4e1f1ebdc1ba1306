package io.bqexport.helm;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Turns an HTTP request to the Kubernetes API (as recorded by a mock API server) into the RBAC permission it needs,
 * following the API server's request-info rules, so that a test can check the requests a running operator made
 * against the chart's RBAC.
 */
public final class ApiRequestPermissions {

  private static final Set<String> NAMESPACE_SUBRESOURCES = Set.of("status", "finalize");

  private ApiRequestPermissions() {}

  /**
   * The permission that {@code method} on {@code pathAndQuery} (e.g. "GET",
   * "/apis/batch/v1/namespaces/ns/cronjobs?watch=true") needs; empty for non-resource paths such as /version.
   */
  public static Optional<Permission> of(String method, String pathAndQuery) {
    int queryStart = pathAndQuery.indexOf('?');
    String path = queryStart < 0 ? pathAndQuery : pathAndQuery.substring(0, queryStart);
    String query = queryStart < 0 ? "" : pathAndQuery.substring(queryStart + 1);
    List<String> segments = new ArrayList<>();
    for (String segment : path.split("/")) {
      if (!segment.isEmpty()) {
        segments.add(segment);
      }
    }
    String apiGroup;
    List<String> rest;
    if (segments.size() >= 3 && segments.get(0).equals("api")) {
      apiGroup = "";
      rest = segments.subList(2, segments.size());
    } else if (segments.size() >= 4 && segments.get(0).equals("apis")) {
      apiGroup = segments.get(1);
      rest = segments.subList(3, segments.size());
    } else {
      return Optional.empty();
    }
    String namespace = null;
    // As the API server does: /namespaces/{ns}/{resource}..., except the namespace's own status and finalize.
    if (rest.get(0).equals("namespaces") && rest.size() >= 3 && !NAMESPACE_SUBRESOURCES.contains(rest.get(2))) {
      namespace = rest.get(1);
      rest = rest.subList(2, rest.size());
    }
    String resource = rest.get(0);
    String name = rest.size() > 1 ? rest.get(1) : null;
    if (rest.size() > 2) {
      resource = resource + "/" + rest.get(2);
    }
    if (namespace == null && rest.get(0).equals("namespaces") && name != null) {
      namespace = name;   // GET /api/v1/namespaces/x is a request in namespace x, as the API server sees it
    }
    String requestNamespace = namespace;
    String requestResource = resource;
    return verb(method, name != null, isWatch(query))
        .map(verb -> new Permission(requestNamespace, apiGroup, requestResource, verb));
  }

  private static Optional<String> verb(String method, boolean named, boolean watch) {
    return Optional.ofNullable(switch (method.toUpperCase(Locale.ROOT)) {
      case "GET", "HEAD" -> watch ? "watch" : named ? "get" : "list";
      case "POST" -> "create";
      case "PUT" -> "update";
      case "PATCH" -> "patch";
      case "DELETE" -> named ? "delete" : "deletecollection";
      default -> null;
    });
  }

  private static boolean isWatch(String query) {
    for (String parameter : query.split("&")) {
      if (parameter.equals("watch=true") || parameter.equals("watch=1")) {
        return true;
      }
    }
    return false;
  }
}
