package io.bqexport.helm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ApiRequestPermissionsTest {

  @Test
  void namespacedRequestsMapToTheirVerbAndResource() {
    assertThat(ApiRequestPermissions.of("GET", "/apis/batch/v1/namespaces/ns/cronjobs/daily"))
        .contains(Permission.namespaced("ns", "batch", "cronjobs", "get"));
    assertThat(ApiRequestPermissions.of("GET", "/api/v1/namespaces/ns/secrets?labelSelector=a%3Db&limit=500"))
        .contains(Permission.namespaced("ns", "", "secrets", "list"));
    assertThat(ApiRequestPermissions.of("GET", "/api/v1/namespaces/ns/pods?allowWatchBookmarks=true&watch=true"))
        .contains(Permission.namespaced("ns", "", "pods", "watch"));
    assertThat(ApiRequestPermissions.of("POST", "/api/v1/namespaces/ns/configmaps"))
        .contains(Permission.namespaced("ns", "", "configmaps", "create"));
    assertThat(ApiRequestPermissions.of("PUT", "/apis/batch/v1/namespaces/ns/jobs/j"))
        .contains(Permission.namespaced("ns", "batch", "jobs", "update"));
    assertThat(ApiRequestPermissions.of("DELETE", "/apis/batch/v1/namespaces/ns/jobs/j"))
        .contains(Permission.namespaced("ns", "batch", "jobs", "delete"));
    assertThat(ApiRequestPermissions.of("DELETE", "/apis/batch/v1/namespaces/ns/jobs"))
        .contains(Permission.namespaced("ns", "batch", "jobs", "deletecollection"));
  }

  @Test
  void subresourcesAreJoinedToTheirResource() {
    assertThat(ApiRequestPermissions.of("PATCH",
        "/apis/bqexport.io/v1alpha1/namespaces/ns/bigqueryexports/product-events/status"))
        .contains(Permission.namespaced("ns", "bqexport.io", "bigqueryexports/status", "patch"));
  }

  @Test
  void requestsAcrossAllNamespacesAreClusterWide() {
    assertThat(ApiRequestPermissions.of("GET", "/apis/bqexport.io/v1alpha1/bigqueryexports?watch=true"))
        .contains(Permission.cluster("bqexport.io", "bigqueryexports", "watch"));
    assertThat(ApiRequestPermissions.of("GET", "/api/v1/namespaces"))
        .contains(Permission.cluster("", "namespaces", "list"));
  }

  @Test
  void aNamespaceObjectIsARequestInThatNamespace() {
    assertThat(ApiRequestPermissions.of("GET", "/api/v1/namespaces/ns"))
        .contains(Permission.namespaced("ns", "", "namespaces", "get"));
    assertThat(ApiRequestPermissions.of("PUT", "/api/v1/namespaces/ns/finalize"))
        .contains(Permission.namespaced("ns", "", "namespaces/finalize", "update"));
  }

  @Test
  void nonResourcePathsNeedNoResourcePermission() {
    assertThat(ApiRequestPermissions.of("GET", "/version")).isEmpty();
    assertThat(ApiRequestPermissions.of("GET", "/apis")).isEmpty();
    assertThat(ApiRequestPermissions.of("GET", "/apis/batch/v1")).isEmpty();
  }

  @Test
  void blockOwnerDeletionNeedsUpdateOnTheOwnersFinalizers() {
    String body = "{\"metadata\":{\"name\":\"c\",\"ownerReferences\":[{\"apiVersion\":\"bqexport.io/v1alpha1\","
        + "\"kind\":\"BigQueryExport\",\"name\":\"e\",\"blockOwnerDeletion\":true},{\"apiVersion\":\"v1\","
        + "\"kind\":\"ConfigMap\",\"name\":\"x\"}]}}";
    assertThat(ApiRequestPermissions.ofOwnerReferences("POST", "/apis/batch/v1/namespaces/ns/cronjobs", body))
        .containsExactly(Permission.namespaced("ns", "bqexport.io", "bigqueryexports/finalizers", "update"));
    assertThat(ApiRequestPermissions.ofOwnerReferences("GET", "/apis/batch/v1/namespaces/ns/cronjobs", body))
        .isEmpty();
  }
}
