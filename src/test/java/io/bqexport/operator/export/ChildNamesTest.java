package io.bqexport.operator.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.Hashes;
import org.junit.jupiter.api.Test;

/** Child names and label values fit Kubernetes' limits, and shortened ones stay unique and readable. */
class ChildNamesTest {

  @Test
  void aNameThatFitsIsKeptUpToTheLimitExactly() {
    String fits = "a".repeat(52);
    assertThat(ChildNames.fit(fits, 52)).isEqualTo(fits);
    assertThat(ChildNames.withSuffix("a".repeat(47), "-now1")).isEqualTo("a".repeat(47) + "-now1");
    assertThat(ChildNames.labelValue("b".repeat(63))).isEqualTo("b".repeat(63));
  }

  @Test
  void aLongerNameIsCutAndEndsWithTheHashOfTheWholeName() {
    String name = "c".repeat(53);
    String fitted = ChildNames.fit(name, 52);
    assertThat(fitted).hasSize(52).isEqualTo("c".repeat(43) + "-" + Hashes.sha256Hex(name, 8));
    assertThat(ChildNames.withSuffix("c".repeat(50), "-xyz")).hasSize(52)
        .endsWith("-" + Hashes.sha256Hex("c".repeat(50) + "-xyz", 8));
    assertThat(ChildNames.labelValue("d".repeat(64))).hasSize(63)
        .isEqualTo("d".repeat(54) + "-" + Hashes.sha256Hex("d".repeat(64), 8));
    assertThat(ChildNames.hash("run-now-1")).isEqualTo(Hashes.sha256Hex("run-now-1", 8)).hasSize(8);
  }

  @Test
  void theCutNeverLeavesADashOrDotBeforeTheHash() {
    // the cut at 43 characters ends in "-.-": trimmed, so the name stays a valid DNS label
    String name = "e".repeat(40) + "-.-" + "f".repeat(20);
    assertThat(ChildNames.fit(name, 52)).isEqualTo("e".repeat(40) + "-" + Hashes.sha256Hex(name, 8));
  }

  @Test
  void namesThatDifferOnlyBeyondTheCutStayDifferent() {
    assertThat(ChildNames.labelValue("g".repeat(70) + "1")).isNotEqualTo(ChildNames.labelValue("g".repeat(70) + "2"));
  }
}
