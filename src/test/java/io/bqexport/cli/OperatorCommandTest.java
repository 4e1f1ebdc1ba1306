package io.bqexport.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The operator's security-relevant flags parse as documented. */
class OperatorCommandTest {

  @Test
  void endpointOverridesAreOffUnlessTheFlagIsGiven() {
    OperatorCommand plain = new OperatorCommand();
    new CommandLine(plain).parseArgs();
    assertThat(plain.allowEndpointOverrides).isFalse();

    OperatorCommand allowing = new OperatorCommand();
    new CommandLine(allowing).parseArgs("--allow-endpoint-overrides");
    assertThat(allowing.allowEndpointOverrides).isTrue();
  }

  @Test
  void workloadIdentityIsRefusedUnlessTheFlagIsGiven() {
    OperatorCommand plain = new OperatorCommand();
    new CommandLine(plain).parseArgs();
    assertThat(plain.allowWorkloadIdentity).isFalse();

    OperatorCommand allowing = new OperatorCommand();
    new CommandLine(allowing).parseArgs("--allow-workload-identity");
    assertThat(allowing.allowWorkloadIdentity).isTrue();
  }
}
