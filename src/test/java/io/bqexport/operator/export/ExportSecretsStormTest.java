package io.bqexport.operator.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.testing.ExportFixtures;
import io.bqexport.testing.KubernetesStandIn;
import io.bqexport.testing.ServiceAccountKeys;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A reconcile storm on the striped Secret locks: many exports sharing Secrets, observed together, read each
 * version once, never serve the facts of a version older than the one their informer shows, and never wedge when
 * exports name their Secrets the other way round.
 */
class ExportSecretsStormTest {
  private static final String NS = "analytics";
  private static final int EXPORTS = 24;

  private final KubernetesStandIn kubernetes = new KubernetesStandIn().namespace(NS);
  private final KubernetesClient client = kubernetes.client();
  private final ServiceAccountKeys.Key key =
      ServiceAccountKeys.unregistered("http://127.0.0.1:1/token", "acme-analytics", "bq-writer");
  private final ExportSecrets secrets = new ExportSecrets(kubernetes.newOperatorClient());
  private final ExecutorService pool = Executors.newFixedThreadPool(EXPORTS);

  @AfterEach
  void stop() {
    pool.shutdownNow();
    kubernetes.close();
  }

  @Test
  void aStormReadsEachVersionOnceAndARotationIsSeenByAll() {
    client.resource(ExportFixtures.googleKeySecret(NS, key.json())).create();
    client.resource(ExportFixtures.amplitudeSecret(NS)).create();
    List<BigQueryExport> exports = new ArrayList<>();
    for (int i = 0; i < EXPORTS; i++) {
      exports.add(withUid(ExportFixtures.export(NS, "export-" + i, null)));
    }

    List<ExportSecrets.Observation> first = storm(exports, informerView());
    assertThat(first).allSatisfy(o -> assertThat(o.ok()).as(String.valueOf(o.problem())).isTrue());
    assertThat(secretReads()).as("two Secrets, each read once by %d exports at once", EXPORTS).isEqualTo(2);

    client.secrets().inNamespace(NS).withName(ExportFixtures.AMPLITUDE_SECRET)
        .edit(s -> { s.setStringData(Map.of("api-key", "rotated", "secret-key", "rotated-too")); return s; });
    List<Secret> rotatedView = informerView();
    List<ExportSecrets.Observation> after = storm(exports, rotatedView);
    assertThat(secretReads()).as("only the rotated Secret, once").isEqualTo(3);
    assertThat(after).extracting(ExportSecrets.Observation::versions).containsOnly(after.get(0).versions())
        .doesNotContain(first.get(0).versions());
    assertThat(after.get(0).values().amplitudeApiKey()).isEqualTo("rotated");
  }

  @Test
  void anInformerLaggingBehindARotationNeverGetsOldFactsForTheNewVersion() {
    client.resource(ExportFixtures.googleKeySecret(NS, key.json())).create();
    client.resource(ExportFixtures.amplitudeSecret(NS)).create();
    BigQueryExport export = withUid(ExportFixtures.export(NS, "product-events", null));
    List<Secret> oldView = informerView();
    ExportSecrets.Observation before = secrets.observe(export, oldView);
    client.secrets().inNamespace(NS).withName(ExportFixtures.AMPLITUDE_SECRET)
        .edit(s -> { s.setStringData(Map.of("api-key", "rotated", "secret-key", "rotated-too")); return s; });

    secrets.observe(export, oldView); // the watch event has not arrived yet: the old version is what it shows
    ExportSecrets.Observation current = secrets.observe(export, informerView());
    assertThat(current.versions()).isNotEqualTo(before.versions());
    assertThat(current.values().amplitudeApiKey()).isEqualTo("rotated");
  }

  private List<ExportSecrets.Observation> storm(List<BigQueryExport> exports, List<Secret> view) {
    CountDownLatch gate = new CountDownLatch(1);
    List<CompletableFuture<ExportSecrets.Observation>> futures = exports.stream()
        .map(e -> CompletableFuture.supplyAsync(() -> {
          try {
            gate.await();
          } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
          }
          return secrets.observe(e, view);
        }, pool)).toList();
    gate.countDown();
    await().atMost(Duration.ofMinutes(2)).until(() -> futures.stream().allMatch(CompletableFuture::isDone));
    return futures.stream().map(CompletableFuture::join).toList();
  }

  private List<Secret> informerView() {
    return client.secrets().inNamespace(NS).withLabel(ExportSecrets.CREDENTIALS_LABEL, "true").list().getItems()
        .stream().map(s -> { Secret meta = new Secret(); meta.setMetadata(s.getMetadata()); return meta; }).toList();
  }

  private long secretReads() {
    return kubernetes.requests().stream().filter(r -> r.byOperator() && r.method().equals("GET")
        && r.path().contains("/secrets/")).count();
  }

  private static BigQueryExport withUid(BigQueryExport export) {
    export.getMetadata().setUid("uid-" + export.getMetadata().getName());
    return export;
  }
}
