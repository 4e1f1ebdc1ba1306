package io.bqexport.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ChartRenderTest {

  private static final Map<String, Object> NAMESPACED = Map.of("watchNamespaces", List.of("a", "b"));
  private static final Map<String, Object> SERVICE_MONITOR = Map.of("serviceMonitor", Map.of("enabled", true));

  static Stream<Arguments> valueSets() {
    return Stream.of(
        Arguments.of("default values", Map.of()),
        Arguments.of("namespaced", NAMESPACED),
        Arguments.of("ServiceMonitor on", SERVICE_MONITOR));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void everyRenderedObjectParsesAsATypedFabric8ObjectWithoutUnknownFields(String name, Map<String, Object> values) {
    RenderedChart chart = RenderedChart.render(values);

    assertThat(chart.renderedObjects()).isNotEmpty().allSatisfy(rendered -> {
      HasMetadata object = rendered.object();
      assertThat(object.getMetadata().getName()).as(rendered.template()).isNotBlank();
      assertThat(object.getMetadata().getLabels())
          .as(rendered.template())
          .containsEntry("app.kubernetes.io/name", "bqexport-operator")
          .containsEntry("app.kubernetes.io/instance", RenderedChart.RELEASE_NAME);
      if (!(object instanceof GenericKubernetesResource)) {
        assertThat(UnknownFields.in(object)).as("fields fabric8 does not know in %s", rendered.template()).isEmpty();
      }
    });
    assertThat(chart.all(GenericKubernetesResource.class)).allSatisfy(generic ->
        assertThat(generic.getKind()).as("only the ServiceMonitor has no fabric8 model").isEqualTo("ServiceMonitor"));
  }

  @Test
  void defaultValuesWatchAllNamespacesWithAClusterRole() {
    RenderedChart chart = RenderedChart.render();

    assertThat(kinds(chart)).containsExactlyInAnyOrder("ServiceAccount", "ClusterRole", "ClusterRoleBinding",
        "Role", "RoleBinding", "Service", "Deployment");
    assertThat(chart.single(Role.class).getMetadata().getNamespace()).isEqualTo(RenderedChart.RELEASE_NAMESPACE);
    assertThat(chart.single(ClusterRoleBinding.class).getRoleRef().getName())
        .isEqualTo(chart.single(ClusterRole.class).getMetadata().getName());
    assertThat(env(chart.deployment())).containsEntry("BQEXPORT_WATCH_NAMESPACES", "");
    assertThat(chart.objects()).filteredOn(o -> !(o instanceof ClusterRole || o instanceof ClusterRoleBinding))
        .allSatisfy(o -> assertThat(o.getMetadata().getNamespace()).isEqualTo(RenderedChart.RELEASE_NAMESPACE));
  }

  @Test
  void namespacedValuesRenderARoleAndBindingInEachWatchedNamespaceAndNoClusterRole() {
    RenderedChart chart = RenderedChart.render(Map.of("watchNamespaces", List.of("a", "b", "a")));

    assertThat(chart.all(ClusterRole.class)).isEmpty();
    assertThat(chart.all(ClusterRoleBinding.class)).isEmpty();
    assertThat(chart.all(Role.class)).extracting(role -> role.getMetadata().getNamespace())
        .containsExactlyInAnyOrder("a", "b", RenderedChart.RELEASE_NAMESPACE);
    assertThat(chart.all(RoleBinding.class)).extracting(binding -> binding.getMetadata().getNamespace())
        .containsExactlyInAnyOrder("a", "b", RenderedChart.RELEASE_NAMESPACE);
    assertThat(env(chart.deployment())).containsEntry("BQEXPORT_WATCH_NAMESPACES", "a,b");
  }

  @Test
  void serviceMonitorIsOffByDefaultAndScrapesTheMetricsServiceWhenOn() {
    assertThat(kinds(RenderedChart.render())).doesNotContain("ServiceMonitor");

    RenderedChart chart = RenderedChart.render(Map.of("serviceMonitor",
        Map.of("enabled", true, "interval", "15s", "labels", Map.of("release", "prometheus"))));
    GenericKubernetesResource monitor = chart.single(GenericKubernetesResource.class);
    Service service = chart.single(Service.class);

    assertThat(monitor.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
    assertThat(monitor.getKind()).isEqualTo("ServiceMonitor");
    assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "prometheus");
    Map<String, String> selected = monitor.get("spec", "selector", "matchLabels");
    assertThat(selected).isNotEmpty();
    assertThat(service.getMetadata().getLabels()).containsAllEntriesOf(selected);
    assertThat(monitor.<List<String>>get("spec", "namespaceSelector", "matchNames"))
        .containsExactly(RenderedChart.RELEASE_NAMESPACE);
    assertThat(monitor.<String>get("spec", "endpoints", 0, "port")).isEqualTo("http");
    assertThat(monitor.<String>get("spec", "endpoints", 0, "path")).isEqualTo("/metrics");
    assertThat(monitor.<String>get("spec", "endpoints", 0, "interval")).isEqualTo("15s");
  }

  @Test
  void metricsServiceSelectsTheOperatorPodsOnTheHttpPort() {
    RenderedChart chart = RenderedChart.render();
    Service service = chart.single(Service.class);
    Deployment deployment = chart.deployment();

    assertThat(service.getSpec().getSelector()).isNotEmpty()
        .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
    assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(service.getSpec().getSelector());
    assertThat(service.getSpec().getPorts()).singleElement().satisfies(port -> {
      assertThat(port.getName()).isEqualTo("http");
      assertThat(port.getPort()).isEqualTo(8080);
      assertThat(port.getTargetPort().getStrVal()).isEqualTo("http");
    });
    assertThat(operator(deployment).getPorts()).singleElement().satisfies(port -> {
      assertThat(port.getName()).isEqualTo("http");
      assertThat(port.getContainerPort()).isEqualTo(8080);
    });
  }

  @Test
  void deploymentIsHardenedAndWritesOnlyToATmpEmptyDir() {
    Deployment deployment = RenderedChart.render().deployment();
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    Container operator = operator(deployment);

    assertThat(pod.getSecurityContext()).satisfies(context -> {
      assertThat(context.getRunAsNonRoot()).isTrue();
      assertThat(context.getRunAsUser()).isEqualTo(65532L);
      assertThat(context.getFsGroup()).isEqualTo(65532L);
      assertThat(context.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    });
    assertThat(operator.getSecurityContext()).satisfies(context -> {
      assertThat(context.getAllowPrivilegeEscalation()).isFalse();
      assertThat(context.getReadOnlyRootFilesystem()).isTrue();
      assertThat(context.getPrivileged()).isNotEqualTo(Boolean.TRUE);
      assertThat(context.getCapabilities().getDrop()).containsExactly("ALL");
      assertThat(context.getCapabilities().getAdd()).isNullOrEmpty();
    });
    assertThat(pod.getAutomountServiceAccountToken()).as("the operator needs its API token").isTrue();
    assertThat(pod.getServiceAccountName()).isEqualTo(RenderedChart.render().single(ServiceAccount.class)
        .getMetadata().getName());
    assertThat(pod.getHostNetwork()).isNotEqualTo(Boolean.TRUE);
    assertThat(operator.getVolumeMounts()).singleElement().satisfies(mount -> {
      assertThat(mount.getMountPath()).isEqualTo("/tmp");
      assertThat(pod.getVolumes()).singleElement().satisfies(volume -> {
        assertThat(volume.getName()).isEqualTo(mount.getName());
        assertThat(volume.getEmptyDir()).isNotNull();
      });
    });
  }

  @Test
  void probesUseTheOperatorsHealthEndpointsOnTheHttpPort() {
    Container operator = operator(RenderedChart.render().deployment());

    assertThat(operator.getLivenessProbe().getHttpGet()).satisfies(get -> {
      assertThat(get.getPath()).isEqualTo("/healthz");
      assertThat(get.getPort().getStrVal()).isEqualTo("http");
    });
    assertThat(operator.getReadinessProbe().getHttpGet()).satisfies(get -> {
      assertThat(get.getPath()).isEqualTo("/readyz");
      assertThat(get.getPort().getStrVal()).isEqualTo("http");
    });
    assertThat(operator.getStartupProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(operator.getLivenessProbe().getFailureThreshold()).isPositive();
  }

  @Test
  void operatorRunsTheOperatorCommandWithItsConfigurationInTheEnvironment() throws IOException {
    Deployment deployment = RenderedChart.render().deployment();
    Container operator = operator(deployment);
    String appVersion = appVersion();

    assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
    assertThat(operator.getArgs()).containsExactly("operator");
    assertThat(operator.getImage()).isEqualTo("ghcr.io/bqexport/bqexport:" + appVersion);
    assertThat(operator.getImagePullPolicy()).isEqualTo("IfNotPresent");
    assertThat(env(deployment))
        .containsEntry("BQEXPORT_LEADER_ELECTION", "true")
        .containsEntry("BQEXPORT_EXPORTER_IMAGE", operator.getImage())
        .containsEntry("LOG_FORMAT", "json")
        .containsEntry("JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=75")
        // Secure by default: an export's endpoint override would send its credentials to that URL.
        .containsEntry("BQEXPORT_ALLOW_ENDPOINT_OVERRIDES", "false")
        // Workload Identity exports are probed with the operator's own Google identity: opt-in.
        .containsEntry("BQEXPORT_ALLOW_WORKLOAD_IDENTITY", "false");
    assertThat(operator.getEnv()).filteredOn(var -> var.getName().equals("POD_NAMESPACE")).singleElement()
        .satisfies(var -> assertThat(var.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.namespace"));
    assertThat(operator.getResources().getLimits()).containsKey("memory");
    assertThat(operator.getResources().getRequests()).containsKeys("cpu", "memory");
  }

  @Test
  void valuesReachTheDeployment() {
    Deployment deployment = RenderedChart.render(Map.of(
        "replicaCount", 3,
        "image", Map.of("repository", "registry.example/bqexport", "tag", "1.2.3", "pullPolicy", "Always"),
        "imagePullSecrets", List.of(Map.of("name", "regcred")),
        "exporterImage", "registry.example/exporter:9",
        "logFormat", "text",
        "leaderElection", Map.of("enabled", false),
        "extraEnv", List.of(Map.of("name", "HTTPS_PROXY", "value", "http://proxy:3128")),
        "nodeSelector", Map.of("kubernetes.io/os", "linux"),
        "tolerations", List.of(Map.of("key", "dedicated", "operator", "Equal", "value", "ops", "effect", "NoSchedule")),
        "affinity", Map.of("podAntiAffinity", Map.of("preferredDuringSchedulingIgnoredDuringExecution", List.of(
            Map.of("weight", 100, "podAffinityTerm", Map.of("topologyKey", "kubernetes.io/hostname"))))))).deployment();
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    Container operator = operator(deployment);

    assertThat(deployment.getSpec().getReplicas()).isEqualTo(3);
    assertThat(operator.getImage()).isEqualTo("registry.example/bqexport:1.2.3");
    assertThat(operator.getImagePullPolicy()).isEqualTo("Always");
    assertThat(pod.getImagePullSecrets()).singleElement().satisfies(ref -> assertThat(ref.getName()).isEqualTo("regcred"));
    assertThat(env(deployment))
        .containsEntry("BQEXPORT_EXPORTER_IMAGE", "registry.example/exporter:9")
        .containsEntry("LOG_FORMAT", "text")
        .containsEntry("BQEXPORT_LEADER_ELECTION", "false")
        .containsEntry("HTTPS_PROXY", "http://proxy:3128");
    assertThat(pod.getNodeSelector()).containsEntry("kubernetes.io/os", "linux");
    assertThat(pod.getTolerations()).singleElement().satisfies(t -> assertThat(t.getKey()).isEqualTo("dedicated"));
    assertThat(pod.getAffinity().getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution())
        .singleElement().satisfies(term -> assertThat(term.getWeight()).isEqualTo(100));
  }

  @Test
  void endpointOverridesCanBeAllowedForATrustedProxyOrATestCluster() {
    assertThat(env(RenderedChart.render(Map.of("allowEndpointOverrides", true)).deployment()))
        .containsEntry("BQEXPORT_ALLOW_ENDPOINT_OVERRIDES", "true");
    assertThat(env(RenderedChart.render(Map.of("allowWorkloadIdentity", true)).deployment()))
        .containsEntry("BQEXPORT_ALLOW_WORKLOAD_IDENTITY", "true");
  }

  @Test
  void leaderElectionOffRendersNoLeaseRole() {
    RenderedChart chart = RenderedChart.render(Map.of("leaderElection", Map.of("enabled", false)));

    assertThat(chart.all(Role.class)).isEmpty();
    assertThat(chart.rbac().allows(RenderedChart.RELEASE_NAMESPACE, "coordination.k8s.io", "leases", "create"))
        .isFalse();
  }

  @Test
  void anExistingServiceAccountCanBeUsedInsteadOfCreatingOne() {
    RenderedChart chart = RenderedChart.render(Map.of("serviceAccount", Map.of("create", false, "name", "ops-sa")));

    assertThat(chart.all(ServiceAccount.class)).isEmpty();
    assertThat(chart.operatorServiceAccountName()).isEqualTo("ops-sa");
    assertThat(chart.rbac().allows("team-a", "batch", "cronjobs", "create")).isTrue();
  }

  @Test
  void rbacCanBeLeftToTheClusterAdministrator() {
    RenderedChart chart = RenderedChart.render(Map.of("rbac", Map.of("create", false)));

    assertThat(kinds(chart)).containsExactlyInAnyOrder("ServiceAccount", "Service", "Deployment");
  }

  private static List<String> kinds(RenderedChart chart) {
    return chart.objects().stream().map(HasMetadata::getKind).toList();
  }

  private static Container operator(Deployment deployment) {
    return deployment.getSpec().getTemplate().getSpec().getContainers().stream()
        .filter(container -> container.getName().equals("operator")).findFirst().orElseThrow();
  }

  private static Map<String, String> env(Deployment deployment) {
    return operator(deployment).getEnv().stream().filter(var -> var.getValue() != null)
        .collect(java.util.stream.Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }

  private static String appVersion() throws IOException {
    return Files.readAllLines(RenderedChart.chartDirectory().resolve("Chart.yaml")).stream()
        .filter(line -> line.startsWith("appVersion:"))
        .map(line -> line.substring("appVersion:".length()).trim().replace("\"", ""))
        .findFirst().orElseThrow();
  }
}
