package io.bqexport.testing;

import io.bqexport.operator.BqExportOperator;
import io.bqexport.operator.OperatorSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Set;

/** The real operator, started against a {@link KubernetesStandIn}, on a free health port. */
public final class OperatorUnderTest implements AutoCloseable {
  public static final String EXPORTER_IMAGE = "registry.test/bqexport:test";

  private final BqExportOperator operator;

  public OperatorUnderTest(KubernetesStandIn kubernetes, Clock clock) {
    try {
      operator = new BqExportOperator(kubernetes.client(),
          new OperatorSettings(Set.of(), false, null, 0, EXPORTER_IMAGE), clock).start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public BqExportOperator operator() {
    return operator;
  }

  @Override
  public void close() {
    operator.close();
  }
}
