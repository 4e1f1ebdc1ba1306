package io.bqexport.testing;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The committed CRDs in crds/, as the tests install them into the mock API server. */
public final class Crds {
  private Crds() {}

  public static List<Path> files() {
    try (Stream<Path> files = Files.list(ProjectFiles.resolve("crds"))) {
      return files.filter(f -> f.toString().endsWith(".yml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static List<CustomResourceDefinition> load() {
    return files().stream().map(Crds::load).toList();
  }

  public static CustomResourceDefinition load(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return Serialization.unmarshal(in, CustomResourceDefinition.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static CustomResourceDefinition named(String name) {
    return load().stream().filter(c -> c.getMetadata().getName().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no CRD " + name + " in crds/"));
  }
}
