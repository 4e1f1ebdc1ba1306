package io.bqexport.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The chart's RBAC checked with {@link RbacRules}, and the evaluator itself checked on hand-built objects. */
class RbacRulesTest {

  private static final String RELEASE_NS = RenderedChart.RELEASE_NAMESPACE;

  /** What the operator needs in each watched namespace (issue 2, requirement 7). */
  private static List<Permission> operatorNeedsIn(String namespace) {
    List<Permission> needs = new ArrayList<>();
    for (String resource : List.of("bigqueryexports", "bigquerybackfills")) {
      for (String verb : List.of("list", "watch")) {
        needs.add(Permission.namespaced(namespace, "bqexport.io", resource, verb));
      }
      needs.add(Permission.namespaced(namespace, "bqexport.io", resource + "/status", "patch"));
      needs.add(Permission.namespaced(namespace, "bqexport.io", resource + "/finalizers", "update"));
    }
    for (String verb : List.of("get", "list", "watch")) {
      needs.add(Permission.namespaced(namespace, "", "secrets", verb));
    }
    for (String verb : List.of("list", "watch")) {
      needs.add(Permission.namespaced(namespace, "", "pods", verb));
    }
    for (String verb : List.of("get", "list", "watch", "create")) {
      needs.add(Permission.namespaced(namespace, "", "configmaps", verb));
      needs.add(Permission.namespaced(namespace, "batch", "cronjobs", verb));
      needs.add(Permission.namespaced(namespace, "batch", "jobs", verb));
    }
    needs.add(Permission.namespaced(namespace, "", "configmaps", "update"));
    needs.add(Permission.namespaced(namespace, "batch", "cronjobs", "update"));
    needs.add(Permission.namespaced(namespace, "batch", "cronjobs", "patch"));
    needs.add(Permission.namespaced(namespace, "batch", "jobs", "patch"));
    for (String verb : List.of("create", "patch")) {
      needs.add(Permission.namespaced(namespace, "", "events", verb));
    }
    return needs;
  }

  private static List<Permission> leaderElectionNeeds() {
    return List.of("get", "create", "update", "patch").stream()
        .map(verb -> Permission.namespaced(RELEASE_NS, "coordination.k8s.io", "leases", verb)).toList();
  }

  @Test
  void defaultChartGrantsTheOperatorEverythingItNeedsInEveryNamespace() {
    RbacRules rbac = RenderedChart.render().rbac();

    assertThat(rbac.denied(operatorNeedsIn("team-a"))).isEmpty();
    assertThat(rbac.denied(operatorNeedsIn(RELEASE_NS))).isEmpty();
    assertThat(rbac.denied(leaderElectionNeeds())).isEmpty();
    // Informers over all namespaces list and watch cluster-wide.
    for (String resource : List.of("bigqueryexports", "bigquerybackfills")) {
      assertThat(rbac.allows(null, "bqexport.io", resource, "watch")).isTrue();
    }
    assertThat(rbac.allows(null, "batch", "cronjobs", "list")).isTrue();
  }

  @Test
  void defaultChartGrantsNothingBeyondThat() {
    RbacRules rbac = RenderedChart.render().rbac();

    for (String verb : List.of("create", "update", "patch", "delete", "deletecollection")) {
      assertThat(rbac.allows("team-a", "", "secrets", verb)).as("secrets %s", verb).isFalse();
    }
    assertThat(rbac.allows("team-a", "", "pods", "create")).isFalse();
    assertThat(rbac.allows("team-a", "", "pods", "delete")).isFalse();
    assertThat(rbac.allows("team-a", "", "pods/exec", "create")).isFalse();
    assertThat(rbac.allows("team-a", "batch", "jobs", "deletecollection")).isFalse();
    for (String resource : List.of("configmaps", "cronjobs", "jobs")) {
      assertThat(rbac.allows("team-a", resource.equals("configmaps") ? "" : "batch", resource, "delete"))
          .as("children go by garbage collection, never by the operator: delete %s", resource).isFalse();
    }
    // patch of bigqueryexports is granted for one thing: the finalizer bqexport.io/transfer-configs of an export
    // delivered by the Transfer Service (RBAC cannot narrow a verb to metadata.finalizers); backfills get none.
    assertThat(rbac.allows("team-a", "bqexport.io", "bigquerybackfills", "patch")).isFalse();
    assertThat(rbac.allows("team-a", "bqexport.io", "bigqueryexports", "update")).isFalse();
    assertThat(rbac.allows("team-a", "events.k8s.io", "events", "create")).isFalse();
    assertThat(rbac.allows("team-a", "bqexport.io", "bigqueryexports", "create")).isFalse();
    assertThat(rbac.allows("team-a", "bqexport.io", "bigqueryexports", "delete")).isFalse();
    assertThat(rbac.allows("team-a", "rbac.authorization.k8s.io", "roles", "create")).isFalse();
    assertThat(rbac.allows(null, "", "nodes", "list")).isFalse();
    assertThat(rbac.allows(null, "apiextensions.k8s.io", "customresourcedefinitions", "create")).isFalse();
    assertThat(rbac.allRules()).allSatisfy(RbacRulesTest::hasNoWildcard);
  }

  @Test
  void leasesAreGrantedOnlyInTheReleaseNamespace() {
    RbacRules rbac = RenderedChart.render().rbac();

    assertThat(rbac.allows(RELEASE_NS, "coordination.k8s.io", "leases", "update")).isTrue();
    assertThat(rbac.allows("team-a", "coordination.k8s.io", "leases", "update")).isFalse();
    assertThat(rbac.allows(null, "coordination.k8s.io", "leases", "list")).isFalse();
    assertThat(rbac.allows(RELEASE_NS, "coordination.k8s.io", "leases", "delete")).isFalse();
    assertThat(rbac.allows(RELEASE_NS, "coordination.k8s.io", "leases", "watch")).isFalse();
  }

  @Test
  void namespacedChartGrantsTheWatchedNamespacesAndNothingClusterWide() {
    RbacRules rbac = RenderedChart.render(Map.of("watchNamespaces", List.of("a", "b"))).rbac();

    assertThat(rbac.denied(operatorNeedsIn("a"))).isEmpty();
    assertThat(rbac.denied(operatorNeedsIn("b"))).isEmpty();
    assertThat(rbac.denied(leaderElectionNeeds())).isEmpty();
    assertThat(rbac.denied(operatorNeedsIn("c"))).containsExactlyElementsOf(operatorNeedsIn("c"));
    assertThat(rbac.clusterWideRules()).isEmpty();
    assertThat(rbac.allows(null, "bqexport.io", "bigqueryexports", "list")).isFalse();
    assertThat(rbac.namespacesWithRoleBindings()).containsExactly("a", "b", RELEASE_NS);
    assertThat(rbac.namespaceRules(RELEASE_NS)).allSatisfy(rule ->
        assertThat(rule.getApiGroups()).containsExactly("coordination.k8s.io"));
    assertThat(rbac.allRules()).allSatisfy(RbacRulesTest::hasNoWildcard);
  }

  @Test
  void roleBindingToAClusterRoleGrantsOnlyInTheBindingsNamespace() {
    List<HasMetadata> objects = List.of(
        clusterRole("reader", rule("", "configmaps", "get")),
        new RoleBindingBuilder().withNewMetadata().withName("b").withNamespace("x").endMetadata()
            .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "reader")
            .addNewSubject().withKind("ServiceAccount").withName("op").withNamespace("ops").endSubject()
            .build());
    RbacRules rbac = RbacRules.forServiceAccount(objects, "ops", "op");

    assertThat(rbac.allows("x", "", "configmaps", "get")).isTrue();
    assertThat(rbac.allows("y", "", "configmaps", "get")).isFalse();
    assertThat(rbac.allows(null, "", "configmaps", "get")).isFalse();
  }

  @Test
  void bindingsOfOtherSubjectsAndRolesOfOtherNamespacesGrantNothing() {
    List<HasMetadata> objects = List.of(
        clusterRole("reader", rule("", "configmaps", "get")),
        clusterRoleBinding("reader", "other-sa", "ops"),
        new RoleBuilder().withNewMetadata().withName("r").withNamespace("elsewhere").endMetadata()
            .withRules(rule("", "pods", "get")).build(),
        new RoleBindingBuilder().withNewMetadata().withName("b").withNamespace("x").endMetadata()
            .withNewRoleRef("rbac.authorization.k8s.io", "Role", "r")
            .addNewSubject().withKind("ServiceAccount").withName("op").withNamespace("ops").endSubject()
            .build());
    RbacRules rbac = RbacRules.forServiceAccount(objects, "ops", "op");

    assertThat(rbac.allows("x", "", "configmaps", "get")).isFalse();
    assertThat(rbac.allows("x", "", "pods", "get")).isFalse();
    assertThat(rbac.allows("elsewhere", "", "pods", "get")).isFalse();
  }

  @Test
  void wildcardsAndResourceNamesFollowKubernetesMatching() {
    List<HasMetadata> objects = List.of(
        clusterRole("mixed",
            rule("*", "*/status", "get"),
            rule("batch", "*", "*"),
            new PolicyRuleBuilder().withApiGroups("").withResources("secrets").withVerbs("get")
                .withResourceNames("only-this-one").build()),
        clusterRoleBinding("mixed", "op", "ops"));
    RbacRules rbac = RbacRules.forServiceAccount(objects, "ops", "op");

    assertThat(rbac.allows("x", "bqexport.io", "bigqueryexports/status", "get")).isTrue();
    assertThat(rbac.allows("x", "bqexport.io", "bigqueryexports", "get")).isFalse();
    assertThat(rbac.allows(null, "batch", "jobs/status", "deletecollection")).isTrue();
    assertThat(rbac.allows("x", "", "secrets", "get")).as("a rule limited to named objects").isFalse();
  }

  private static boolean hasNoWildcard(PolicyRule rule) {
    return !rule.getApiGroups().contains("*") && rule.getResources().stream().noneMatch(r -> r.contains("*"))
        && !rule.getVerbs().contains("*");
  }

  private static PolicyRule rule(String apiGroup, String resource, String verb) {
    return new PolicyRuleBuilder().withApiGroups(apiGroup).withResources(resource).withVerbs(verb).build();
  }

  private static HasMetadata clusterRole(String name, PolicyRule... rules) {
    return new ClusterRoleBuilder().withNewMetadata().withName(name).endMetadata().withRules(rules).build();
  }

  private static HasMetadata clusterRoleBinding(String role, String serviceAccount, String namespace) {
    return new ClusterRoleBindingBuilder().withNewMetadata().withName(role + "-" + serviceAccount).endMetadata()
        .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", role)
        .addNewSubject().withKind("ServiceAccount").withName(serviceAccount).withNamespace(namespace).endSubject()
        .build();
  }
}
