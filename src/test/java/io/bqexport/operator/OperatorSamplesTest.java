package io.bqexport.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bqexport.api.v1alpha1.BigQueryBackfill;
import io.bqexport.api.v1alpha1.Condition;
import io.bqexport.operator.status.ConditionType;
import io.bqexport.testing.ExportConditions;
import io.bqexport.testing.KubernetesStandIn;
import io.bqexport.testing.OperatorUnderTest;
import io.bqexport.testing.ProjectFiles;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every file in samples/ applies cleanly, and the operator reports the conditions a user should see. */
class OperatorSamplesTest {
  private static final String NS = "analytics";

  private KubernetesStandIn kubernetes;
  private OperatorUnderTest operator;

  @BeforeEach
  void start() {
    kubernetes = new KubernetesStandIn().namespace(NS);
    operator = new OperatorUnderTest(kubernetes, Clock.systemUTC());
  }

  @AfterEach
  void stop() {
    operator.close();
    kubernetes.close();
  }

  @Test
  void samplesApplyAndThePlaceholderKeyIsReportedWithItsFix() {
    for (String sample : new String[] {"secrets.yaml", "export-minimal.yaml", "export-full.yaml", "backfill.yaml",
        "export-storage.yaml"}) {
      assertThat(kubernetes.apply(ProjectFiles.resolve("samples/" + sample), NS)).as(sample).isNotEmpty();
    }

    for (String name : new String[] {"product-events", "product-events-eu"}) {
      Condition credentials = awaitExportCondition(name, ConditionType.CREDENTIALS_VALID, "KeyMissingField");
      assertThat(credentials.status()).isEqualTo("False");
      assertThat(credentials.message()).contains("Secret bq-writer", "private_key", "download a new JSON key")
          .doesNotContain("REPLACE-ME");
      Condition stalled = exportCondition(name, ConditionType.STALLED).orElseThrow();
      assertThat(stalled.status()).isEqualTo("True");
      assertThat(exportCondition(name, ConditionType.READY).orElseThrow().status()).isEqualTo("False");
    }

    // No key anywhere: outside GKE the operator has no Google identity to probe with, and says what to set up.
    Condition keyless = awaitExportCondition("product-events-gcs", ConditionType.CREDENTIALS_VALID,
        "WorkloadIdentityUnavailable");
    assertThat(keyless.status()).isEqualTo("False");
    assertThat(keyless.message()).contains("iam.gke.io/gcp-service-account", "Workload Identity on GKE");
    assertThat(kubernetes.client().serviceAccounts().inNamespace(NS).withName("bqexport-exporter").get()
        .getMetadata().getAnnotations()).containsKey("iam.gke.io/gcp-service-account");

    await().untilAsserted(() -> {
      BigQueryBackfill backfill = kubernetes.client().resources(BigQueryBackfill.class).inNamespace(NS)
          .withName("product-events-2025").get();
      assertThat(backfill.getStatus()).isNotNull();
      assertThat(backfill.getStatus().phase()).isEqualTo("Pending");
      assertThat(backfill.getStatus().progress().hoursTotal()).isEqualTo(8760);
      assertThat(backfill.getStatus().conditions()).anySatisfy(c -> {
        assertThat(c.type()).isEqualTo(ConditionType.READY);
        assertThat(c.reason()).isEqualTo("WaitingForExport");
      });
    });
  }

  private Condition awaitExportCondition(String name, String type, String reason) {
    return new ExportConditions(kubernetes.client(), NS).awaitReason(name, type, reason);
  }

  private Optional<Condition> exportCondition(String name, String type) {
    return new ExportConditions(kubernetes.client(), NS).get(name, type);
  }
}
