package io.bqexport.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bqexport.testing.ExportFixtures;
import io.bqexport.testing.KubernetesStandIn;
import io.bqexport.testing.OperatorUnderTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/** The endpoints the Deployment's probes and Prometheus use. */
class HealthServerTest {

  @Test
  void probesAnswerAndMetricsIncludeReconciles() throws Exception {
    try (KubernetesStandIn kubernetes = new KubernetesStandIn().namespace("ns");
         OperatorUnderTest operator = new OperatorUnderTest(kubernetes, Clock.systemUTC())) {
      int port = operator.operator().httpPort();
      assertThat(get(port, "/healthz").statusCode()).isEqualTo(200);
      await().until(() -> get(port, "/readyz").statusCode() == 200);

      kubernetes.client().resource(ExportFixtures.export("ns", "metered", null)).create();
      await().untilAsserted(() -> assertThat(get(port, "/metrics").body())
          .contains("operator_sdk_reconciliations", "jvm_memory_used_bytes"));
      assertThat(get(port, "/metrics").headers().firstValue("Content-Type").orElse(""))
          .startsWith("text/plain");
    }
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
