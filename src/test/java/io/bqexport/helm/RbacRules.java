package io.bqexport.helm;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What a set of RBAC objects lets one ServiceAccount do, evaluated the way the Kubernetes RBAC authorizer does it:
 * ClusterRoleBindings grant their ClusterRole everywhere (every namespace and cluster-wide); a RoleBinding grants
 * its Role or ClusterRole only in the RoleBinding's namespace. Only requests without a resource name are asked
 * about, so rules restricted by resourceNames never match.
 */
public final class RbacRules {

  private final List<PolicyRule> clusterWide;
  private final Map<String, List<PolicyRule>> byNamespace;

  private RbacRules(List<PolicyRule> clusterWide, Map<String, List<PolicyRule>> byNamespace) {
    this.clusterWide = List.copyOf(clusterWide);
    this.byNamespace = Map.copyOf(byNamespace);
  }

  /** The rules that the bindings among {@code objects} grant to ServiceAccount {@code namespace/name}. */
  public static RbacRules forServiceAccount(Collection<? extends HasMetadata> objects, String namespace,
      String name) {
    List<PolicyRule> clusterWide = new ArrayList<>();
    for (ClusterRoleBinding binding : ofType(objects, ClusterRoleBinding.class)) {
      if (bindsServiceAccount(binding.getSubjects(), namespace, name)) {
        clusterWide.addAll(rulesOf(objects, binding.getRoleRef(), null));
      }
    }
    Map<String, List<PolicyRule>> byNamespace = ofType(objects, RoleBinding.class).stream()
        .filter(binding -> bindsServiceAccount(binding.getSubjects(), namespace, name))
        .collect(Collectors.groupingBy(binding -> binding.getMetadata().getNamespace(),
            Collectors.flatMapping(
                binding -> rulesOf(objects, binding.getRoleRef(), binding.getMetadata().getNamespace()).stream(),
                Collectors.toList())));
    return new RbacRules(clusterWide, byNamespace);
  }

  /**
   * Whether {@code verb} on {@code resource} of {@code apiGroup} is allowed in {@code namespace}, or cluster-wide
   * when {@code namespace} is null (as for a list or watch across all namespaces).
   */
  public boolean allows(String namespace, String apiGroup, String resource, String verb) {
    return rulesIn(namespace).stream().anyMatch(rule -> matches(rule, apiGroup, resource, verb));
  }

  public boolean allows(Permission permission) {
    return allows(permission.namespace(), permission.apiGroup(), permission.resource(), permission.verb());
  }

  /** The permissions among {@code required} that are not granted, in their order; empty when all are. */
  public List<Permission> denied(Collection<Permission> required) {
    return required.stream().filter(permission -> !allows(permission)).distinct().toList();
  }

  /** Rules that apply in every namespace and cluster-wide (from ClusterRoleBindings). */
  public List<PolicyRule> clusterWideRules() {
    return clusterWide;
  }

  /** Rules granted only in {@code namespace} (from RoleBindings there), without the cluster-wide ones. */
  public List<PolicyRule> namespaceRules(String namespace) {
    return byNamespace.getOrDefault(namespace, List.of());
  }

  /** The namespaces in which a RoleBinding grants something. */
  public Set<String> namespacesWithRoleBindings() {
    return new TreeSet<>(byNamespace.keySet());
  }

  /** Every rule that grants something to the ServiceAccount anywhere. */
  public List<PolicyRule> allRules() {
    List<PolicyRule> all = new ArrayList<>(clusterWide);
    byNamespace.values().forEach(all::addAll);
    return all;
  }

  private List<PolicyRule> rulesIn(String namespace) {
    if (namespace == null) {
      return clusterWide;
    }
    List<PolicyRule> rules = new ArrayList<>(clusterWide);
    rules.addAll(namespaceRules(namespace));
    return rules;
  }

  private static boolean matches(PolicyRule rule, String apiGroup, String resource, String verb) {
    if (rule.getResourceNames() != null && !rule.getResourceNames().isEmpty()) {
      return false;
    }
    return containsOrWildcard(rule.getApiGroups(), apiGroup)
        && resourceMatches(rule.getResources(), resource)
        && containsOrWildcard(rule.getVerbs(), verb);
  }

  private static boolean resourceMatches(List<String> ruleResources, String resource) {
    if (ruleResources == null) {
      return false;
    }
    int slash = resource.indexOf('/');
    String subresourceWildcard = slash < 0 ? null : "*" + resource.substring(slash);
    // As in Kubernetes: "*" matches every resource and subresource, "*/status" every status subresource.
    return ruleResources.stream()
        .anyMatch(r -> r.equals("*") || r.equals(resource) || r.equals(subresourceWildcard));
  }

  private static boolean containsOrWildcard(List<String> values, String wanted) {
    return values != null && (values.contains("*") || values.contains(wanted));
  }

  private static boolean bindsServiceAccount(List<Subject> subjects, String namespace, String name) {
    if (subjects == null) {
      return false;
    }
    return subjects.stream().anyMatch(subject -> switch (Objects.toString(subject.getKind(), "")) {
      case "ServiceAccount" -> name.equals(subject.getName()) && namespace.equals(subject.getNamespace());
      case "Group" -> "system:serviceaccounts".equals(subject.getName())
          || ("system:serviceaccounts:" + namespace).equals(subject.getName())
          || "system:authenticated".equals(subject.getName());
      case "User" -> ("system:serviceaccount:" + namespace + ":" + name).equals(subject.getName());
      default -> false;
    });
  }

  /** The rules of the role a binding refers to; a Role is looked up in the binding's namespace. */
  private static List<PolicyRule> rulesOf(Collection<? extends HasMetadata> objects, RoleRef ref,
      String bindingNamespace) {
    Optional<List<PolicyRule>> rules = switch (ref.getKind()) {
      case "ClusterRole" -> ofType(objects, ClusterRole.class).stream()
          .filter(role -> ref.getName().equals(role.getMetadata().getName()))
          .findFirst().map(ClusterRole::getRules);
      case "Role" -> ofType(objects, Role.class).stream()
          .filter(role -> bindingNamespace != null
              && bindingNamespace.equals(role.getMetadata().getNamespace())
              && ref.getName().equals(role.getMetadata().getName()))
          .findFirst().map(Role::getRules);
      default -> Optional.empty();
    };
    return rules.orElse(List.of());
  }

  private static <T> List<T> ofType(Collection<? extends HasMetadata> objects, Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }
}
