package io.bqexport.operator.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.bqexport.api.v1alpha1.AmplitudeSourceSpec;
import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.BigQueryExportSpec;
import io.bqexport.api.v1alpha1.DestinationSpec;
import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.api.v1alpha1.SourceSpec;
import io.bqexport.operator.status.ConditionType;
import io.bqexport.testing.ExportConditions;
import io.bqexport.testing.ExportFixtures;
import io.bqexport.testing.ExportScenario;
import io.bqexport.testing.KubernetesStandIn;
import io.bqexport.testing.OperatorUnderTest;
import io.fabric8.kubernetes.api.model.Secret;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A hostile tenant, allowed to create BigQueryExports in a namespace but not to read its Secrets, can neither make
 * the operator use a Secret that did not opt in, nor send credentials to a URL of their choice, nor read a foreign
 * endpoint's answer back through status or Events.
 */
class SecureByDefaultTest {
  private static final String NS = "tenant";
  private static final String LEAK = "LEAKED-FROM-THE-TENANTS-SERVER";

  @Test
  void endpointOverridesAreRefusedWithoutTheFlagAndNoRequestLeavesTheOperator() throws IOException {
    List<String> received = new CopyOnWriteArrayList<>();
    HttpServer tenantServer = tenantServer(received);
    String url = "http://127.0.0.1:" + tenantServer.getAddress().getPort();
    try (KubernetesStandIn kubernetes = new KubernetesStandIn().namespace(NS);
         OperatorUnderTest operator = new OperatorUnderTest(kubernetes, Clock.systemUTC(), Set.of(), false)) {
      kubernetes.client().resource(ExportFixtures.amplitudeSecret(NS)).create();
      kubernetes.client().resource(ExportFixtures.googleKeySecret(NS, "{}")).create();
      BigQueryExport export = ExportFixtures.export(NS, "exfiltrate", null);
      export.setSpec(withEndpoints(export.getSpec(), url, url));
      kubernetes.client().resource(export).create();

      var stalled = new ExportConditions(kubernetes.client(), NS)
          .awaitReason("exfiltrate", ConditionType.STALLED, Reasons.ENDPOINT_OVERRIDE_NOT_ALLOWED);
      assertThat(stalled.status()).isEqualTo("True");
      assertThat(stalled.message()).contains("spec.source.amplitude.endpoint", "spec.destination.endpoint",
          "--allow-endpoint-overrides");
      assertThat(kubernetes.client().configMaps().inNamespace(NS).list().getItems())
          .as("no exporter config pointing at the tenant's URL").isEmpty();
    } finally {
      tenantServer.stop(0);
    }
    // The spec is refused before any Secret is read or probed, so nothing can have been sent.
    assertThat(received).isEmpty();
  }

  @Test
  void aForeignEndpointsAnswerIsNeverCopiedIntoStatusOrEvents() throws IOException {
    List<String> received = new CopyOnWriteArrayList<>();
    HttpServer tenantServer = tenantServer(received);
    try (ExportScenario scenario = new ExportScenario(Instant.parse("2026-11-28T10:10:00Z"))) {
      BigQueryExport export = scenario.export("echo", Instant.parse("2026-11-28T09:00:00Z"));
      export.setSpec(withEndpoints(export.getSpec(), "http://127.0.0.1:" + tenantServer.getAddress().getPort(),
          export.getSpec().destination().endpoint()));
      scenario.create(export);

      var invalid = scenario.awaitReason("echo", ConditionType.CREDENTIALS_VALID, Reasons.SOURCE_UNAVAILABLE);
      assertThat(invalid.message()).contains("unexpected HTTP 418", "spec.source.amplitude.endpoint");
      assertThat(received).as("the operator did call it (the flag is set)").isNotEmpty();
      String status = scenario.kubernetes.client().getKubernetesSerialization().asJson(scenario.get("echo")
          .getStatus());
      assertThat(status).doesNotContain(LEAK);
      await().atMost(Duration.ofMinutes(2)).untilAsserted(() -> assertThat(scenario.kubernetes.client().v1()
          .events().inNamespace(ExportScenario.NAMESPACE).list().getItems())
          .anySatisfy(e -> assertThat(e.getReason()).isEqualTo(Reasons.SOURCE_UNAVAILABLE))
          .allSatisfy(e -> assertThat(e.getMessage()).doesNotContain(LEAK)));
    } finally {
      tenantServer.stop(0);
    }
  }

  @Test
  void anUnlabelledSecretIsRefusedAndNoUnlabelledSecretIsListedOrWatched() {
    try (KubernetesStandIn kubernetes = new KubernetesStandIn().namespace(NS);
         OperatorUnderTest operator = new OperatorUnderTest(kubernetes, Clock.systemUTC())) {
      kubernetes.client().resource(ExportFixtures.amplitudeSecret(NS)).create();
      Secret otherTeams = ExportFixtures.googleKeySecret(NS, "{\"type\": \"service_account\"}");
      otherTeams.getMetadata().setLabels(null);
      kubernetes.client().resource(otherTeams).create();
      kubernetes.client().resource(ExportFixtures.export(NS, "borrow", null)).create();

      var refused = new ExportConditions(kubernetes.client(), NS)
          .awaitReason("borrow", ConditionType.CREDENTIALS_VALID, Reasons.SECRET_NOT_LABELLED);
      assertThat(refused.message()).contains("Secret bq-writer", "spec.destination.credentialsSecretRef",
          "kubectl label secret bq-writer -n tenant bqexport.io/credentials=true");
      assertThat(new ExportConditions(kubernetes.client(), NS).get("borrow", ConditionType.STALLED).orElseThrow()
          .status()).isEqualTo("True");

      List<KubernetesStandIn.ApiRequest> secretReads = kubernetes.requests().stream()
          .filter(KubernetesStandIn.ApiRequest::byOperator)
          .filter(r -> r.method().equals("GET") && r.path().matches(".*/secrets(\\?.*)?$")).toList();
      assertThat(secretReads).as("the Secret informer lists and watches").isNotEmpty()
          .allSatisfy(r -> assertThat(r.path()).contains("labelSelector=bqexport.io%2Fcredentials%3Dtrue"));

      // The unlabelled Secret was only ever asked for as metadata (the mock API ignores the Accept header and sends
      // it whole; a real API server sends the metadata alone).
      assertThat(kubernetes.requests().stream().filter(KubernetesStandIn.ApiRequest::byOperator)
          .filter(r -> r.path().endsWith("/secrets/" + ExportFixtures.GOOGLE_SECRET)).toList())
          .isNotEmpty().allSatisfy(r -> assertThat(r.accept()).startsWith(ExportSecrets.PARTIAL_METADATA));

      // Opting in is picked up by the informer without a restart.
      kubernetes.client().secrets().inNamespace(NS).withName(ExportFixtures.GOOGLE_SECRET)
          .edit(s -> {
            s.getMetadata().setLabels(java.util.Map.of(ExportSecrets.CREDENTIALS_LABEL, "true"));
            return s;
          });
      new ExportConditions(kubernetes.client(), NS)
          .awaitReason("borrow", ConditionType.CREDENTIALS_VALID, Reasons.KEY_MISSING_FIELD);
    }
  }

  @Test
  void anUnlabelledStorageKeySecretIsRefusedAndOnlyItsMetadataIsRequested() {
    try (KubernetesStandIn kubernetes = new KubernetesStandIn().namespace("analytics");
         OperatorUnderTest operator = new OperatorUnderTest(kubernetes, Clock.systemUTC())) {
      kubernetes.client().resource(ExportFixtures.googleKeySecret("analytics", "{}")).create();
      Secret otherTeams = ExportFixtures.googleKeySecret("analytics", "{\"type\": \"service_account\"}");
      otherTeams.getMetadata().setName("gcs-reader");
      otherTeams.getMetadata().setLabels(null);
      kubernetes.client().resource(otherTeams).create();
      kubernetes.client().resource(StorageExportChildrenTest.storageExport(new io.bqexport.api.v1alpha1
          .GoogleCredentialsSpec(new io.bqexport.api.v1alpha1.SecretKeyRef("gcs-reader", null), null),
          new DestinationSpec(null, "amplitude", null, new io.bqexport.api.v1alpha1.SecretKeyRef(
              ExportFixtures.GOOGLE_SECRET, null), null, null), null)).create();

      var refused = new ExportConditions(kubernetes.client(), "analytics")
          .awaitReason("product-events-gcs", ConditionType.CREDENTIALS_VALID, Reasons.SECRET_NOT_LABELLED);
      assertThat(refused.message()).contains("Secret gcs-reader", "spec.source.storage.credentials.secretRef",
          "bqexport.io/credentials=true");
      assertThat(kubernetes.requests().stream().filter(KubernetesStandIn.ApiRequest::byOperator)
          .filter(r -> r.path().endsWith("/secrets/gcs-reader")).toList())
          .isNotEmpty().allSatisfy(r -> assertThat(r.accept()).startsWith(ExportSecrets.PARTIAL_METADATA));
      // Children exist for a spec that is valid, but no pod mounts the Secret: the CronJob stays suspended.
      assertThat(kubernetes.client().batch().v1().cronjobs().inNamespace("analytics").list().getItems())
          .allSatisfy(c -> assertThat(c.getSpec().getSuspend()).isTrue());
    }
  }

  /** The tenant's server: it answers everything with 418 and a body that must never reach status. */
  private static HttpServer tenantServer(List<String> received) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      received.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
      byte[] body = (LEAK + " " + LEAK).getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain");
      exchange.sendResponseHeaders(418, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    return server;
  }

  private static BigQueryExportSpec withEndpoints(BigQueryExportSpec s, String amplitudeEndpoint,
      String bigqueryEndpoint) {
    AmplitudeSourceSpec a = s.source().amplitude();
    DestinationSpec d = s.destination();
    return new BigQueryExportSpec(new SourceSpec(new AmplitudeSourceSpec(a.region(), amplitudeEndpoint,
        a.credentialsSecretRef(), a.maxBadRecords())),
        new DestinationSpec(d.projectId(), d.dataset(), d.location(), d.credentialsSecretRef(), d.createDataset(),
            bigqueryEndpoint),
        s.data(), s.schedule(), s.availabilityDelay(), s.startFrom(), s.suspend(), s.historyLimit(),
        s.maxHoursPerRun(), s.freshnessThreshold(), s.validationInterval(), s.pod());
  }
}
