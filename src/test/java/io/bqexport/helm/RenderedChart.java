package io.bqexport.helm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The operator's Helm chart rendered by real Helm (helm-java, `helm template`) and parsed into fabric8 objects.
 *
 * <p>Usage: {@code RenderedChart.render(Map.of("watchNamespaces", List.of("a", "b"))).rbac().allows(...)}.
 * The release is always {@value #RELEASE_NAME} in namespace {@value #RELEASE_NAMESPACE}.
 */
public final class RenderedChart {

  public static final String RELEASE_NAME = "bqexport-operator";
  public static final String RELEASE_NAMESPACE = "bqexport-system";

  private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---\\s*$");
  private static final Pattern SOURCE_COMMENT = Pattern.compile("(?m)^# Source: (\\S+)");
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private final String manifest;
  private final List<RenderedObject> objects;

  private RenderedChart(String manifest, List<RenderedObject> objects) {
    this.manifest = manifest;
    this.objects = List.copyOf(objects);
  }

  /** One rendered object and the chart template it came from (for readable assertion messages). */
  public record RenderedObject(String template, HasMetadata object) {
    @Override
    public String toString() {
      return object.getKind() + " " + object.getMetadata().getName() + " from " + template;
    }
  }

  /** The chart directory, helm/bqexport-operator, under the project directory that Maven passes to the tests. */
  public static Path chartDirectory() {
    return Path.of(System.getProperty("bqexport.projectDir", "."), "helm", "bqexport-operator")
        .toAbsolutePath().normalize();
  }

  /** Renders the chart with the default values. */
  public static RenderedChart render() {
    return render(Map.of());
  }

  /**
   * Renders the chart with these values merged over values.yaml (nested maps, as in a values file).
   * Throws IllegalStateException with Helm's message when the values break the schema or a template fails.
   */
  public static RenderedChart render(Map<String, ?> values) {
    Path valuesFile = writeValuesFile(values);
    try {
      String manifest = new Helm(chartDirectory()).template()
          .withName(RELEASE_NAME)
          .withNamespace(RELEASE_NAMESPACE)
          .withValuesFile(valuesFile)
          .call();
      return new RenderedChart(manifest, parseManifest(manifest));
    } finally {
      deleteQuietly(valuesFile);
    }
  }

  /** The CRDs in the chart's crds/ directory (the files Helm installs: .yaml, .yml, .json), parsed per file. */
  public static List<RenderedObject> crds() {
    List<RenderedObject> crds = new ArrayList<>();
    for (Path file : crdFiles()) {
      try {
        for (RenderedObject parsed : parseManifest(Files.readString(file))) {
          crds.add(new RenderedObject("crds/" + file.getFileName(), parsed.object()));
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file, e);
      }
    }
    return crds;
  }

  /** The CRD manifest files in the chart's crds/ directory, sorted by name; empty if there are none. */
  public static List<Path> crdFiles() {
    Path directory = chartDirectory().resolve("crds");
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(directory)) {
      return files.filter(path -> path.getFileName().toString().matches(".*\\.(ya?ml|json)")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + directory, e);
    }
  }

  /** What `helm show crds` prints for the chart: the CRDs Helm itself found (it concatenates the files). */
  public static String helmShowCrds() {
    String shown = new Helm(chartDirectory()).show().crds().call();
    return shown == null ? "" : shown;   // helm-java returns null when there are none
  }

  /** Runs `helm lint --strict` on the chart: warnings count as failures. */
  public static LintResult lintStrict() {
    return new Helm(chartDirectory()).lint().strict().call();
  }

  /** The manifest exactly as Helm printed it. */
  public String manifest() {
    return manifest;
  }

  public List<RenderedObject> renderedObjects() {
    return objects;
  }

  public List<HasMetadata> objects() {
    return objects.stream().map(RenderedObject::object).toList();
  }

  /** Every rendered object of this fabric8 type. */
  public <T extends HasMetadata> List<T> all(Class<T> type) {
    return objects().stream().filter(type::isInstance).map(type::cast).toList();
  }

  /** The only rendered object of this type; fails if there is none or more than one. */
  public <T extends HasMetadata> T single(Class<T> type) {
    List<T> matches = all(type);
    if (matches.size() != 1) {
      throw new AssertionError("expected exactly one " + type.getSimpleName() + " but the chart rendered "
          + matches.size());
    }
    return matches.get(0);
  }

  public Deployment deployment() {
    return single(Deployment.class);
  }

  /** The ServiceAccount the operator Deployment runs as. */
  public String operatorServiceAccountName() {
    return deployment().getSpec().getTemplate().getSpec().getServiceAccountName();
  }

  /** What the rendered RBAC lets the operator's ServiceAccount do. */
  public RbacRules rbac() {
    return RbacRules.forServiceAccount(objects(), RELEASE_NAMESPACE, operatorServiceAccountName());
  }

  /** Parses a multi-document manifest as Helm prints it into fabric8 objects; comment-only documents are skipped. */
  public static List<RenderedObject> parseManifest(String manifest) {
    List<RenderedObject> parsed = new ArrayList<>();
    for (String document : DOCUMENT_SEPARATOR.split(manifest)) {
      if (document.lines().allMatch(line -> line.isBlank() || line.stripLeading().startsWith("#"))) {
        continue;
      }
      var source = SOURCE_COMMENT.matcher(document);
      String template = source.find() ? source.group(1) : "(unknown template)";
      Object object = SERIALIZATION.unmarshal(document);
      if (!(object instanceof HasMetadata resource)) {
        throw new AssertionError(template + " did not render a Kubernetes object but " + object);
      }
      parsed.add(new RenderedObject(template, resource));
    }
    return parsed;
  }

  private static Path writeValuesFile(Map<String, ?> values) {
    try {
      Path file = Files.createTempFile("bqexport-values-", ".yaml");
      new ObjectMapper(new YAMLFactory()).writeValue(file.toFile(), values);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the Helm values file", e);
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // A leftover temp file is harmless.
    }
  }
}
