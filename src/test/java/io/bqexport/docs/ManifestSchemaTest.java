package io.bqexport.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.testing.CrdManifests;
import io.bqexport.testing.ProjectFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every sample and every README example is accepted by the CRDs' schemas and CEL rules, as an API server would. */
class ManifestSchemaTest {
  private static final List<String> SAMPLES = List.of("export-minimal.yaml", "export-full.yaml", "backfill.yaml");

  @Test
  void everySampleIsValid() throws IOException {
    for (String sample : SAMPLES) {
      String yaml = Files.readString(ProjectFiles.resolve("samples/" + sample));
      assertThat(CrdManifests.count(yaml)).as(sample).isPositive();
      assertThat(CrdManifests.violations(yaml)).as(sample).isEmpty();
    }
  }

  @Test
  void everyReadmeExampleIsValid() throws IOException {
    List<String> examples = CrdManifests.examplesIn(Files.readString(ProjectFiles.resolve("README.md")));
    assertThat(examples).as("README examples that declare a BigQueryExport or BigQueryBackfill").isNotEmpty();
    for (String example : examples) {
      assertThat(CrdManifests.violations(example)).as(example).isEmpty();
    }
  }

  @Test
  void aSampleWithValuesOutOfRangeIsRejectedNamingEachField() throws IOException {
    String yaml = Files.readString(ProjectFiles.resolve("samples/export-minimal.yaml"))
        .replaceFirst("(?m)^spec:\\n", "spec:\n  maxHoursPerRun: 500\n  historyLimit: -3\n");

    assertThat(CrdManifests.violations(yaml))
        .anySatisfy(v -> assertThat(v).contains("spec.maxHoursPerRun", "more than 168"))
        .anySatisfy(v -> assertThat(v).contains("spec.historyLimit", "less than 1"));
  }
}
