package io.bqexport.operator.export;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.JobPodSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.KeyToPathBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import java.util.List;
import java.util.Map;

/**
 * The exporter pod, hardened: non-root, read-only root filesystem, no capabilities, seccomp RuntimeDefault, no
 * service-account token (the exporter never talks to Kubernetes), Secrets as read-only 0400 files, never as
 * environment variables, and an emptyDir for temporary files.
 */
public final class ExportPodTemplate {
  public static final String CONFIG_DIR = "/etc/bqexport/config";
  public static final String CONFIG_FILE = CONFIG_DIR + "/" + ExporterConfigMap.CONFIG_KEY;
  public static final String GOOGLE_DIR = "/etc/bqexport/google";
  public static final String AMPLITUDE_DIR = "/etc/bqexport/amplitude";
  public static final String CONTAINER = "exporter";
  private static final long NON_ROOT_UID = 65532L;
  private static final int READ_ONLY_FOR_OWNER = 0400;

  private ExportPodTemplate() {}

  /**
   * @param configMap the ConfigMap holding the exporter's configuration (the export's, or a backfill's own copy)
   * @param args the exporter's arguments after `export --config FILE` (e.g. --window for backfills)
   */
  public static PodTemplateSpec build(BigQueryExport export, String configMap, String image,
      Map<String, String> labels, List<String> args) {
    JobPodSpec pod = export.getSpec().pod();
    var google = export.getSpec().destination().credentialsSecretRef();
    var amplitude = export.getSpec().source().amplitude().credentialsSecretRef();
    List<Volume> volumes = List.of(
        new VolumeBuilder().withName("config").withNewConfigMap()
            .withName(configMap).withDefaultMode(0444).endConfigMap().build(),
        new VolumeBuilder().withName("google").withNewSecret().withSecretName(google.name())
            .withDefaultMode(READ_ONLY_FOR_OWNER)
            .withItems(new KeyToPathBuilder().withKey(google.key()).withPath(google.key()).build()).endSecret()
            .build(),
        new VolumeBuilder().withName("amplitude").withNewSecret().withSecretName(amplitude.name())
            .withDefaultMode(READ_ONLY_FOR_OWNER)
            .withItems(new KeyToPathBuilder().withKey(amplitude.apiKeyKey()).withPath(amplitude.apiKeyKey()).build(),
                new KeyToPathBuilder().withKey(amplitude.secretKeyKey()).withPath(amplitude.secretKeyKey()).build())
            .endSecret().build(),
        new VolumeBuilder().withName("tmp").withNewEmptyDir().withSizeLimit(new Quantity("1Gi")).endEmptyDir()
            .build());
    List<String> command = new java.util.ArrayList<>(List.of("export", "--config", CONFIG_FILE));
    command.addAll(args);
    Container container = new ContainerBuilder()
        .withName(CONTAINER).withImage(image).withArgs(command)
        .addNewEnv().withName("LOG_FORMAT").withValue("json").endEnv()
        .addNewEnv().withName("JAVA_TOOL_OPTIONS").withValue("-XX:MaxRAMPercentage=75 -Djava.io.tmpdir=/tmp")
        .endEnv()
        .withResources(pod.resources() != null ? pod.resources() : defaultResources())
        .addNewVolumeMount().withName("config").withMountPath(CONFIG_DIR).withReadOnly(true).endVolumeMount()
        .addNewVolumeMount().withName("google").withMountPath(GOOGLE_DIR).withReadOnly(true).endVolumeMount()
        .addNewVolumeMount().withName("amplitude").withMountPath(AMPLITUDE_DIR).withReadOnly(true).endVolumeMount()
        .addNewVolumeMount().withName("tmp").withMountPath("/tmp").endVolumeMount()
        .withTerminationMessagePath("/dev/termination-log")
        .withTerminationMessagePolicy("FallbackToLogsOnError")
        .withNewSecurityContext().withRunAsNonRoot(true).withRunAsUser(NON_ROOT_UID)
        .withAllowPrivilegeEscalation(false).withReadOnlyRootFilesystem(true)
        .withNewCapabilities().withDrop("ALL").endCapabilities()
        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile().endSecurityContext()
        .build();
    return new PodTemplateSpecBuilder()
        .withNewMetadata().withLabels(labels).endMetadata()
        .withNewSpec()
        .withRestartPolicy("Never")
        .withAutomountServiceAccountToken(false)
        .withServiceAccountName(pod.serviceAccountName())
        .withNodeSelector(pod.nodeSelector())
        .withTolerations(pod.tolerations())
        .withAffinity(pod.affinity())
        .withImagePullSecrets(pod.imagePullSecrets())
        .withNewSecurityContext().withRunAsNonRoot(true).withRunAsUser(NON_ROOT_UID).withFsGroup(NON_ROOT_UID)
        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile().endSecurityContext()
        .withContainers(container)
        .withVolumes(volumes)
        .endSpec().build();
  }

  private static ResourceRequirements defaultResources() {
    return new ResourceRequirementsBuilder()
        .addToRequests("cpu", new Quantity("100m")).addToRequests("memory", new Quantity("256Mi"))
        .addToLimits("memory", new Quantity("512Mi")).build();
  }
}
