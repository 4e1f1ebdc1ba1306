package io.bqexport.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.transfer.TransferFailure;
import io.bqexport.testing.Crds;
import io.bqexport.testing.ProjectFiles;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README documents every spec field of both CRDs and every condition reason the operator can write. */
class ReadmeReferenceTest {

  @Test
  void everySpecFieldIsDocumented() throws IOException {
    String readme = Files.readString(ProjectFiles.resolve("README.md"));
    List<String> missing = new ArrayList<>();
    for (CustomResourceDefinition crd : Crds.load()) {
      JSONSchemaProps spec = crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema().getProperties()
          .get("spec");
      collect("spec", spec).stream().filter(path -> !readme.contains("`" + path + "`")).forEach(missing::add);
    }
    assertThat(missing).as("spec fields missing from the README's Resources section").isEmpty();
  }

  @Test
  void everyConditionReasonIsDocumented() throws Exception {
    String readme = Files.readString(ProjectFiles.resolve("README.md"));
    List<String> reasons = new ArrayList<>();
    for (Field field : Reasons.class.getFields()) {
      reasons.add((String) field.get(null));
    }
    // The Transfer Service's failures are condition reasons too (TransferFailure.Reason#conditionReason).
    for (TransferFailure.Reason reason : TransferFailure.Reason.values()) {
      reasons.add(reason.conditionReason());
    }
    assertThat(reasons).hasSizeGreaterThan(10);
    assertThat(reasons).filteredOn(r -> !readme.contains("| `" + r + "` |"))
        .as("condition reasons missing from the README's table").isEmpty();
  }

  /** Field paths under a schema node; embedded Kubernetes types count as one field. */
  private static List<String> collect(String path, JSONSchemaProps node) {
    List<String> paths = new ArrayList<>();
    if (node.getProperties() == null || path.startsWith("spec.pod.")) {
      paths.add(path);
      return paths;
    }
    node.getProperties().forEach((name, child) -> paths.addAll(collect(path + "." + name, child)));
    return paths;
  }
}
