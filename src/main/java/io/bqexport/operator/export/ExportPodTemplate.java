package io.bqexport.operator.export;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.JobPodSpec;
import io.bqexport.api.v1alpha1.SecretKeyRef;
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
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The exporter pod, hardened: non-root, read-only root filesystem, no capabilities, seccomp RuntimeDefault, no
 * service-account token (the exporter never talks to Kubernetes), Secrets as read-only 0400 files, never as
 * environment variables, and an emptyDir for temporary files. Only the Secrets in use are mounted: none for
 * Workload Identity, where Application Default Credentials come from the GKE metadata server, which needs no
 * Kubernetes token in the pod (so automountServiceAccountToken stays false).
 */
public final class ExportPodTemplate {
  public static final String CONFIG_DIR = "/etc/bqexport/config";
  public static final String CONFIG_FILE = CONFIG_DIR + "/" + ExporterConfigMap.CONFIG_KEY;
  public static final String GOOGLE_DIR = "/etc/bqexport/google";
  public static final String AMPLITUDE_DIR = "/etc/bqexport/amplitude";
  /** The storage source's service-account key, when it has one (none with Workload Identity). */
  public static final String STORAGE_DIR = "/etc/bqexport/storage";
  public static final String CONTAINER = "exporter";
  /**
   * JAVA_TOOL_OPTIONS of the exporter with the default resources (512Mi limit): an explicit heap and the serial
   * collector, so peak RSS is set by the run and stays flat from a 256 MB to a 1 GB hour, rather than by heap
   * ergonomics that let a 384 MiB heap fill before collecting (bench/RESULTS.md). The run streams in buffers of
   * fixed size (an 8 MiB upload chunk, a few MB of batches); ExporterMemoryTest runs it in this layout at 3/4 size.
   * The heap starts at its maximum: grown from the default 8 MiB, the serial collector ran about 4x as many full
   * collections. Half of it is young with 16 MiB survivor spaces that may fill to 90 %: the upload client allocates
   * a new 8 MiB chunk buffer per chunk, which outlives a young collection or two; with the default layout (4 MiB
   * survivors) every buffer was promoted and the old generation filled with dead ones, a full collection per
   * ~10 chunks. Only the C1 compiler ({@code TieredStopAtLevel=1}): C2 spent about 4 s of CPU per run compiling
   * the Jackson and Google stacks, more than its faster code saved on a 256 MB hour and about what it saved on
   * 1 GB; without it the run also keeps ~30 MiB less resident. {@code make bench} runs the exporter with exactly
   * these options.
   */
  public static final String DEFAULT_JAVA_TOOL_OPTIONS = "-Xms128m -Xmx128m -Xmn64m -XX:SurvivorRatio=2"
      + " -XX:TargetSurvivorRatio=90 -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.io.tmpdir=/tmp";
  /** With resources of the user's choosing the heap stays a share of their memory limit. */
  static final String SCALED_JAVA_TOOL_OPTIONS = "-XX:MaxRAMPercentage=75 -Djava.io.tmpdir=/tmp";
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
    List<Volume> volumes = new ArrayList<>();
    List<VolumeMount> mounts = new ArrayList<>();
    volumes.add(new VolumeBuilder().withName("config").withNewConfigMap()
        .withName(configMap).withDefaultMode(0444).endConfigMap().build());
    mounts.add(mount("config", CONFIG_DIR));
    SecretKeyRef google = export.getSpec().destination().keySecretRef();
    if (google != null) {
      volumes.add(secretVolume("google", google.name(), google.key()));
      mounts.add(mount("google", GOOGLE_DIR));
    }
    var amplitudeSource = export.getSpec().source().amplitude();
    if (amplitudeSource != null) {
      var amplitude = amplitudeSource.credentialsSecretRef();
      volumes.add(secretVolume("amplitude", amplitude.name(), amplitude.apiKeyKey(), amplitude.secretKeyKey()));
      mounts.add(mount("amplitude", AMPLITUDE_DIR));
    }
    var storageSource = export.getSpec().source().storage();
    if (storageSource != null && storageSource.credentials().secretRef() != null) {
      SecretKeyRef storage = storageSource.credentials().secretRef();
      volumes.add(secretVolume("storage", storage.name(), storage.key()));
      mounts.add(mount("storage", STORAGE_DIR));
    }
    volumes.add(new VolumeBuilder().withName("tmp").withNewEmptyDir().withSizeLimit(new Quantity("1Gi"))
        .endEmptyDir().build());
    mounts.add(new VolumeMountBuilder().withName("tmp").withMountPath("/tmp").build());
    List<String> command = new java.util.ArrayList<>(List.of("export", "--config", CONFIG_FILE));
    command.addAll(args);
    Container container = new ContainerBuilder()
        .withName(CONTAINER).withImage(image).withArgs(command)
        .addNewEnv().withName("LOG_FORMAT").withValue("json").endEnv()
        .addNewEnv().withName("JAVA_TOOL_OPTIONS")
        .withValue(pod.resources() != null ? SCALED_JAVA_TOOL_OPTIONS : DEFAULT_JAVA_TOOL_OPTIONS).endEnv()
        .withResources(pod.resources() != null ? pod.resources() : defaultResources())
        .withVolumeMounts(mounts)
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

  /** Only the listed keys, read-only for the owner. */
  private static Volume secretVolume(String name, String secret, String... keys) {
    return new VolumeBuilder().withName(name).withNewSecret().withSecretName(secret)
        .withDefaultMode(READ_ONLY_FOR_OWNER)
        .withItems(java.util.Arrays.stream(keys).map(k -> new KeyToPathBuilder().withKey(k).withPath(k).build())
            .toList())
        .endSecret().build();
  }

  private static VolumeMount mount(String volume, String path) {
    return new VolumeMountBuilder().withName(volume).withMountPath(path).withReadOnly(true).build();
  }

  private static ResourceRequirements defaultResources() {
    return new ResourceRequirementsBuilder()
        .addToRequests("cpu", new Quantity("100m")).addToRequests("memory", new Quantity("256Mi"))
        .addToLimits("memory", new Quantity("512Mi")).build();
  }
}
