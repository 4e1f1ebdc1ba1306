package io.bqexport.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bqexport.testing.ExportFixtures;
import io.bqexport.testing.KubernetesStandIn;
import io.bqexport.testing.MutableClock;
import io.bqexport.testing.OperatorUnderTest;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The endpoints the Deployment's probes and Prometheus use. */
class HealthServerTest {
  private static final Duration CEILING = Duration.ofMinutes(2);

  @Test
  void probesAnswerAndMetricsIncludeReconciles() throws Exception {
    try (KubernetesStandIn kubernetes = new KubernetesStandIn().namespace("ns");
         OperatorUnderTest operator = new OperatorUnderTest(kubernetes, Clock.systemUTC())) {
      int port = operator.operator().httpPort();
      assertThat(get(port, "/healthz").statusCode()).isEqualTo(200);
      await().atMost(CEILING).until(() -> get(port, "/readyz").statusCode() == 200);

      kubernetes.client().resource(ExportFixtures.export("ns", "metered", null)).create();
      await().atMost(CEILING).untilAsserted(() -> assertThat(get(port, "/metrics").body())
          .contains("operator_sdk_reconciliations", "jvm_memory_used_bytes"));
      assertThat(get(port, "/metrics").headers().firstValue("Content-Type").orElse(""))
          .startsWith("text/plain");
    }
  }

  @Test
  void livenessFailsWhenTheInformersLoseTheApiServer() throws Exception {
    KubernetesStandIn kubernetes = new KubernetesStandIn().namespace("ns");
    try (OperatorUnderTest operator = new OperatorUnderTest(kubernetes, Clock.systemUTC())) {
      int port = operator.operator().httpPort();
      await().atMost(CEILING).until(() -> get(port, "/healthz").statusCode() == 200
          && get(port, "/readyz").statusCode() == 200);

      kubernetes.close(); // the API server goes away; the informers' watches break
      await().atMost(CEILING).until(() -> get(port, "/healthz").statusCode() == 503);
    }
  }

  @Test
  void livenessFailsWhileAReconcileHangs() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-28T10:00:00Z"));
    ReconcileWatchdog watchdog = new ReconcileWatchdog(Metrics.NOOP, clock, Duration.ofMinutes(10));
    try (HealthServer server = new HealthServer(0, () -> watchdog.stuck().isEmpty(), () -> true,
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
      var export = ExportFixtures.export("ns", "hanging", null);
      watchdog.reconciliationExecutionStarted(export, Map.of());
      assertThat(get(server.port(), "/healthz").statusCode()).isEqualTo(200);

      clock.advance(Duration.ofMinutes(11));
      assertThat(get(server.port(), "/healthz").statusCode()).isEqualTo(503);
      watchdog.reconciliationExecutionFinished(export, Map.of());
      assertThat(get(server.port(), "/healthz").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aSlowScrapeDoesNotHoldUpTheProbes() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    CountDownLatch scrapeStarted = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Gauge.builder("slow_gauge", () -> {
      scrapeStarted.countDown();
      try {
        return release.await(2, TimeUnit.MINUTES) ? 1 : 0;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return 0;
      }
    }).register(registry);
    try (HealthServer server = new HealthServer(0, () -> true, () -> true, registry)) {
      CompletableFuture<HttpResponse<String>> scrape = HttpClient.newHttpClient().sendAsync(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString());
      await().atMost(CEILING).until(() -> scrapeStarted.getCount() == 0);

      assertThat(get(server.port(), "/healthz").statusCode()).as("while the scrape hangs").isEqualTo(200);
      assertThat(get(server.port(), "/readyz").statusCode()).isEqualTo(200);
      assertThat(scrape).isNotDone();

      release.countDown();
      assertThat(scrape.get(2, TimeUnit.MINUTES).body()).contains("slow_gauge 1.0");
    }
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(CEILING).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
