package io.bqexport.helm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.Pluralize;
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

  private static final ObjectMapper JSON = new ObjectMapper();
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

  /**
   * What the OwnerReferencesPermissionEnforcement admission plugin asks of a create or update whose body sets
   * {@code blockOwnerDeletion} on an owner reference: update on the owner's finalizers subresource ("the
   * requesting user must have update permission on the finalizers subresource of the referenced owner",
   * kubernetes.io/docs/reference/access-authn-authz/admission-controllers/#ownerreferencespermissionenforcement).
   * No request of its own shows this permission, so it is read from the request's body.
   */
  public static List<Permission> ofOwnerReferences(String method, String pathAndQuery, String body) {
    if (!Set.of("POST", "PUT", "PATCH").contains(method.toUpperCase(Locale.ROOT)) || body == null
        || body.isBlank() || !body.trim().startsWith("{")) {
      return List.of();
    }
    String namespace = of(method, pathAndQuery).map(Permission::namespace).orElse(null);
    JsonNode references;
    try {
      references = JSON.readTree(body).path("metadata").path("ownerReferences");
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("request body is not JSON: " + body, e);
    }
    List<Permission> permissions = new ArrayList<>();
    for (JsonNode reference : references) {
      if (reference.path("blockOwnerDeletion").asBoolean(false)) {
        String apiVersion = reference.path("apiVersion").asText();
        String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
        String resource = Pluralize.toPlural(reference.path("kind").asText().toLowerCase(Locale.ROOT));
        permissions.add(new Permission(namespace, group, resource + "/finalizers", "update"));
      }
    }
    return permissions;
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
