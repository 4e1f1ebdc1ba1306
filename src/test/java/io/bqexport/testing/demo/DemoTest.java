package io.bqexport.testing.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** `make demo` as a smoke test of the whole system. */
class DemoTest {

  @Test
  void demoAppliesTheSamplesAndShowsTheirConditions() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int code = new Demo(new PrintStream(bytes, true, StandardCharsets.UTF_8)).run();
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertThat(code).as(out).isZero();
    assertThat(out).contains("$ kubectl get bqx", "NAME", "READY", "EXPORTED-THROUGH", "LAST-RESULT", "AGE",
        "product-events", "product-events-eu", "$ kubectl get bqbf", "product-events-2025", "Pending",
        "CredentialsValid", "KeyMissingField", "WaitingForExport");
  }
}
