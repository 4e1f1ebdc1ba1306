package io.bqexport.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.api.v1alpha1.BackfillMode;
import io.bqexport.api.v1alpha1.BigQueryBackfill;
import io.bqexport.api.v1alpha1.BigQueryBackfillSpec;
import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.BigQueryExportSpec;
import io.bqexport.api.v1alpha1.Condition;
import io.bqexport.api.v1alpha1.ExportRef;
import io.bqexport.operator.backfill.BackfillJob;
import io.bqexport.operator.export.ExportCronJob;
import io.bqexport.operator.export.ExportLabels;
import io.bqexport.operator.export.ExporterConfigMap;
import io.bqexport.operator.export.RunNow;
import io.bqexport.testing.ExportScenario;
import io.bqexport.testing.KubernetesStandIn;
import io.bqexport.testing.KubernetesStandIn.ApiRequest;
import io.bqexport.testing.OperatorUnderTest;
import io.bqexport.testing.ProjectFiles;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRule;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRuleBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.OperatorException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The chart's RBAC is exactly what the running operator uses: the permissions are derived from the requests the
 * operator's own client sent to the API stand-in over a lifecycle that takes every path that talks to the API
 * (leader election, valid credentials, run-now, a spec change, an invalid spec, a backfill and its suspension,
 * children whose names are already taken, Events created and patched), not from a second list. A grant no request needs fails the test
 * as much as a request the chart does not grant.
 */
class OperatorRbacTest {
  private static final String NS = ExportScenario.NAMESPACE;
  private static final String LEASE_NS = RenderedChart.RELEASE_NAMESPACE;
  private static final Instant NOW = Instant.parse("2026-11-28T10:10:00Z");
  private static final Instant EXPORT_FROM = Instant.parse("2026-11-28T05:00:00Z");
  private static final Instant BACKFILL_START = Instant.parse("2026-11-20T00:00:00Z");

  private static Set<Permission> usedOverALifecycle;

  @BeforeAll
  static void recordALifecycle() {
    usedOverALifecycle = permissionsUsedOverALifecycle();
  }

  @Test
  void chartGrantsEveryRequestTheOperatorMakes() {
    assertThat(usedOverALifecycle).extracting(Permission::resource)
        .contains("bigqueryexports", "bigqueryexports/status", "bigquerybackfills/status", "secrets", "events",
            "leases");
    assertThat(withKubernetesDefaults(RenderedChart.render()).denied(usedOverALifecycle)).as("cluster-wide install")
        .isEmpty();
  }

  @Test
  void chartGrantsNothingTheOperatorDoesNotUse() {
    List<String> unused = new ArrayList<>();
    for (PolicyRule rule : RenderedChart.render().rbac().allRules()) {
      for (String group : rule.getApiGroups()) {
        for (String resource : rule.getResources()) {
          for (String verb : rule.getVerbs()) {
            Permission grant = Permission.cluster(group, resource, verb);
            if (usedOverALifecycle.stream().noneMatch(p -> p.apiGroup().equals(group)
                && p.resource().equals(resource) && p.verb().equals(verb)) && operatorStartsWithout(grant)) {
              unused.add(verb + " " + (group.isEmpty() ? "core" : group) + "/" + resource);
            }
          }
        }
      }
    }
    assertThat(unused).as("grants no request of the operator needs; remove them from templates/_helpers.tpl")
        .isEmpty();
  }

  @Test
  void namespacedChartGrantsEveryRequestOfAnOperatorWatchingOneNamespace() {
    Set<Permission> needed = permissionsUsedReconcilingTheSamples(Set.of(NS));
    assertThat(needed).allSatisfy(p -> assertThat(p.namespace()).isEqualTo(NS));
    assertThat(withKubernetesDefaults(RenderedChart.render(Map.of("watchNamespaces", List.of(NS)))).denied(needed))
        .as("install watching only " + NS).isEmpty();
  }

  /**
   * The chart's RBAC plus what every cluster grants every authenticated user: the bootstrap ClusterRole
   * system:basic-user (SelfSubjectRulesReviews and SelfSubjectAccessReviews, which JOSDK's leader election sends).
   */
  private static RbacRules withKubernetesDefaults(RenderedChart chart) {
    List<HasMetadata> objects = new ArrayList<>(chart.objects());
    objects.add(new ClusterRoleBuilder().withNewMetadata().withName("system:basic-user").endMetadata()
        .addNewRule().withApiGroups("authorization.k8s.io")
        .withResources("selfsubjectaccessreviews", "selfsubjectrulesreviews").withVerbs("create").endRule().build());
    objects.add(new ClusterRoleBindingBuilder().withNewMetadata().withName("system:basic-user").endMetadata()
        .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "system:basic-user")
        .addNewSubject().withKind("Group").withName("system:authenticated").endSubject().build());
    return RbacRules.forServiceAccount(objects, RenderedChart.RELEASE_NAMESPACE, chart.operatorServiceAccountName());
  }

  /**
   * Whether the operator starts with the chart's rules less {@code grant}. JOSDK's leader election asks a
   * SelfSubjectRulesReview for rights on Leases that it never sends a request for (update: fabric8 renews with a
   * patch) and refuses to start without them; such a grant is used although no request shows it.
   */
  private static boolean operatorStartsWithout(Permission grant) {
    try (KubernetesStandIn kubernetes = new KubernetesStandIn().namespace(LEASE_NS)) {
      RbacRules chart = RenderedChart.render().rbac();
      kubernetes.grantedRules(namespace -> asReviewRules(chart, namespace).stream()
          .map(rule -> without(rule, grant)).toList());
      try (OperatorUnderTest operator = OperatorUnderTest.withLeaderElection(kubernetes, Clock.systemUTC(),
          LEASE_NS)) {
        return true;
      } catch (OperatorException e) {
        return false;
      }
    }
  }

  private static ResourceRule without(ResourceRule rule, Permission grant) {
    if (!rule.getApiGroups().contains(grant.apiGroup()) || !rule.getResources().contains(grant.resource())) {
      return rule;
    }
    return new ResourceRuleBuilder(rule).withVerbs(rule.getVerbs().stream().filter(v -> !v.equals(grant.verb()))
        .toList()).build();
  }

  private static Set<Permission> permissionsUsedOverALifecycle() {
    try (ExportScenario scenario = new ExportScenario(NOW)) {
      KubernetesStandIn kubernetes = scenario.kubernetes;
      var client = kubernetes.client();
      kubernetes.namespace(LEASE_NS).grantedRules(namespace -> asReviewRules(RenderedChart.render().rbac(),
          namespace));
      scenario.restartOperatorWithLeaderElection(LEASE_NS);
      await(() -> requested(kubernetes, "PATCH", "/leases/", r -> true)); // a renewal

      // Children whose names are taken by objects the informers do not see (no export label): create gets 409,
      // and the operator reads the object by name.
      BigQueryExport takenConfig = scenario.export("taken-config", EXPORT_FROM);
      client.resource(new ConfigMapBuilder().withMetadata(meta(ExporterConfigMap.name(takenConfig))).build())
          .create();
      BigQueryExport takenCron = scenario.export("taken-cron", EXPORT_FROM);
      client.resource(new CronJobBuilder().withMetadata(meta(ExportCronJob.name(takenCron)))
          .withNewSpec().withSchedule("5 * * * *").withNewJobTemplate().endJobTemplate().endSpec().build()).create();
      BigQueryBackfill takenJob = backfill("taken-job");
      client.resource(new JobBuilder().withMetadata(meta(BackfillJob.name(takenJob))).withNewSpec().endSpec()
          .build()).create();
      scenario.create(takenConfig);
      scenario.create(takenCron);

      scenario.create(scenario.export("product-events", EXPORT_FROM));
      scenario.await("product-events", "CredentialsValid", Condition::isTrue);
      client.resource(takenJob).create();
      await(() -> requested(kubernetes, "GET", "/configmaps/" + ExporterConfigMap.name(takenConfig), r -> true)
          && requested(kubernetes, "GET", "/cronjobs/" + ExportCronJob.name(takenCron), r -> true)
          && requested(kubernetes, "GET", "/jobs/" + BackfillJob.name(takenJob), r -> true));

      scenario.annotate("product-events", RunNow.ANNOTATION, "1");
      await(() -> !client.batch().v1().jobs().inNamespace(NS).withLabel(ExportLabels.TRIGGER, "RunNow").list()
          .getItems().isEmpty());

      BigQueryExportSpec spec = scenario.get("product-events").getSpec();
      scenario.patchSpec("product-events", new BigQueryExportSpec(spec.source(), spec.destination(), spec.data(),
          spec.schedule(), spec.availabilityDelay(), spec.startFrom(), spec.suspend(), spec.historyLimit(), 12,
          spec.freshnessThreshold(), spec.validationInterval(), spec.pod()));
      await(() -> requested(kubernetes, "PUT", "/configmaps/", r -> r.body().contains("maxHoursPerRun"))
          && requested(kubernetes, "PUT", "/cronjobs/", r -> true));

      // An invalid spec stops the runs of the last valid one: the CronJob is suspended with a patch.
      BigQueryExportSpec valid = scenario.get("product-events").getSpec();
      scenario.patchSpec("product-events", new BigQueryExportSpec(valid.source(), valid.destination(), valid.data(),
          "61 * * * *", valid.availabilityDelay(), valid.startFrom(), valid.suspend(), valid.historyLimit(),
          valid.maxHoursPerRun(), valid.freshnessThreshold(), valid.validationInterval(), valid.pod()));
      await(() -> requested(kubernetes, "PATCH", "/cronjobs/", r -> r.body().contains("suspend")));
      scenario.patchSpec("product-events", valid);

      BigQueryBackfill history = client.resource(backfill("history")).create();
      await(() -> client.batch().v1().jobs().inNamespace(NS).withName(BackfillJob.name(history)).get() != null);
      client.resources(BigQueryBackfill.class).inNamespace(NS).withName("history").patch(
          PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"suspend\":true}}");
      await(() -> Boolean.TRUE.equals(client.batch().v1().jobs().inNamespace(NS).withName(BackfillJob.name(history))
          .get().getSpec().getSuspend()));

      // Transfer Service delivery: the export holds a finalizer (a patch) before any transfer config exists.
      BigQueryExport transfer = scenario.export("transfer", EXPORT_FROM);
      BigQueryExportSpec direct = transfer.getSpec();
      transfer.setSpec(new BigQueryExportSpec(new io.bqexport.api.v1alpha1.SourceSpec(null,
          new io.bqexport.api.v1alpha1.StorageSourceSpec(new io.bqexport.api.v1alpha1.GcsLocation("acme-export",
              null), "187520", null, null, null, new io.bqexport.api.v1alpha1.GoogleCredentialsSpec(
                  new io.bqexport.api.v1alpha1.SecretKeyRef("bq-writer", null), null), null)),
          direct.destination(), null, null, null, direct.startFrom(), null, null, null, null, null, null, null,
          io.bqexport.api.v1alpha1.Delivery.TransferService, null));
      scenario.create(transfer);
      await(() -> requested(kubernetes, "PATCH", "/bigqueryexports/transfer", r -> r.body().contains("finalizers")));

      recreateASecretUntilAnEventIsPatched(kubernetes);
      return permissionsOf(kubernetes);
    }
  }

  private static Set<Permission> permissionsUsedReconcilingTheSamples(Set<String> watch) {
    try (KubernetesStandIn kubernetes = new KubernetesStandIn().namespace(NS);
         OperatorUnderTest operator = new OperatorUnderTest(kubernetes, Clock.systemUTC(), watch)) {
      for (String sample : new String[] {"secrets.yaml", "export-minimal.yaml", "backfill.yaml"}) {
        kubernetes.apply(ProjectFiles.resolve("samples/" + sample), NS);
      }
      await(() -> kubernetes.client().resources(BigQueryBackfill.class).inNamespace(NS).list().getItems()
          .stream().allMatch(b -> b.getStatus() != null)
          && kubernetes.client().resources(BigQueryExport.class).inNamespace(NS).list().getItems().stream()
          .allMatch(e -> e.getStatus() != null));
      recreateASecretUntilAnEventIsPatched(kubernetes);
      return permissionsOf(kubernetes);
    }
  }

  /** Deleting and restoring a Secret records an Event, and one whose reason recurs, which is patched (count + 1). */
  private static void recreateASecretUntilAnEventIsPatched(KubernetesStandIn kubernetes) {
    var secrets = kubernetes.client().secrets().inNamespace(NS);
    var amplitude = secrets.withName("amplitude-prod").get();
    secrets.withName("amplitude-prod").delete();
    await(() -> requested(kubernetes, "POST", "/events", r -> true)
        && kubernetes.client().v1().events().inNamespace(NS).list().getItems().stream()
            .anyMatch(e -> "SecretNotFound".equals(e.getReason())));
    amplitude.getMetadata().setResourceVersion(null);
    kubernetes.client().resource(amplitude).create();
    await(() -> requested(kubernetes, "PATCH", "/events/", r -> true));
  }

  private static Set<Permission> permissionsOf(KubernetesStandIn kubernetes) {
    return kubernetes.requests().stream().filter(ApiRequest::byOperator)
        .flatMap(r -> Stream.concat(ApiRequestPermissions.of(r.method(), r.path()).stream(),
            ApiRequestPermissions.ofOwnerReferences(r.method(), r.path(), r.body()).stream()))
        .collect(Collectors.toSet());
  }

  private static boolean requested(KubernetesStandIn kubernetes, String method, String pathPart,
      Predicate<ApiRequest> and) {
    return kubernetes.requests().stream().anyMatch(r -> r.byOperator() && r.method().equals(method)
        && r.path().contains(pathPart) && and.test(r));
  }

  /** The rules a SelfSubjectRulesReview returns in {@code namespace} for the chart's ServiceAccount. */
  private static List<ResourceRule> asReviewRules(RbacRules rbac, String namespace) {
    return Stream.concat(rbac.clusterWideRules().stream(), rbac.namespaceRules(namespace).stream())
        .map(rule -> new ResourceRuleBuilder().withApiGroups(rule.getApiGroups()).withResources(rule.getResources())
            .withVerbs(rule.getVerbs()).withResourceNames(rule.getResourceNames()).build())
        .toList();
  }

  private static BigQueryBackfill backfill(String name) {
    BigQueryBackfill backfill = new BigQueryBackfill();
    backfill.setMetadata(meta(name));
    backfill.setSpec(new BigQueryBackfillSpec(new ExportRef("product-events"), BACKFILL_START.toString(),
        BACKFILL_START.plus(Duration.ofDays(1)).toString(), BackfillMode.FillGaps, 24, 1, false));
    return backfill;
  }

  private static io.fabric8.kubernetes.api.model.ObjectMeta meta(String name) {
    return new ObjectMetaBuilder().withNamespace(NS).withName(name).build();
  }

  private static void await(Callable<Boolean> condition) {
    Awaitility.await().atMost(Duration.ofMinutes(2)).until(condition);
  }
}
