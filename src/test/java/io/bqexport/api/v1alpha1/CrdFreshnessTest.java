package io.bqexport.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.testing.Crds;
import io.bqexport.testing.ProjectFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The CRDs are generated from the Java types at build time; the committed copies must match. */
class CrdFreshnessTest {

  private static final String FIX = " is stale: run `make crds` and commit crds/ and helm/bqexport-operator/crds/";

  @Test
  void committedCrdsMatchTheGeneratedOnes() throws IOException {
    Path generated = ProjectFiles.resolve("target/classes/META-INF/fabric8");
    for (String name : new String[] {"bigqueryexports.bqexport.io-v1.yml", "bigquerybackfills.bqexport.io-v1.yml"}) {
      Path committed = ProjectFiles.resolve("crds/" + name);
      assertThat(committed).as("crds/" + name + " is missing: run `make crds`").exists();
      assertThat(Files.readString(committed)).as("crds/" + name + FIX)
          .isEqualTo(Files.readString(generated.resolve(name)));
    }
    assertThat(Crds.files()).hasSize(2);
  }

  @Test
  void chartShipsTheSameCrds() throws IOException {
    for (Path committed : Crds.files()) {
      Path inChart = ProjectFiles.resolve("helm/bqexport-operator/crds").resolve(committed.getFileName());
      assertThat(inChart).as(inChart + " is missing: run `make crds`").exists();
      assertThat(Files.readString(inChart)).as(inChart + FIX).isEqualTo(Files.readString(committed));
    }
  }
}
