package io.bqexport.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VersionTest {

  /** Tests run from target/classes: no jar manifest, so no Implementation-Version, and the version reads "dev". */
  @Test
  void runFromClassesTheVersionIsDev() {
    assertThat(Version.class.getPackage().getImplementationVersion()).isNull();
    assertThat(Version.current()).isEqualTo("dev");
  }
}
