package io.bqexport.exporter;

import static io.bqexport.exporter.StorageExporterHarness.hour;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bqexport.testing.metadata.MetadataServerStandIn;
import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Workload Identity: the exporter reads Cloud Storage and writes BigQuery with tokens from the metadata server,
 * with no key file anywhere; a metadata server that refuses gives its own reason and tells how to bind the pod.
 */
class WorkloadIdentityExportTest {

  private static final String ACCOUNT = "exporter@acme-analytics.iam.gserviceaccount.com";

  private StorageExporterHarness h;
  private MetadataServerStandIn metadata;

  @BeforeEach
  void start() throws IOException {
    h = new StorageExporterHarness();
    h.startFrom = hour(1);
    h.events.hour(hour(1), 70).eventsPerFile(30);
    h.export.writeEvents(h.events, hour(1));
    h.export.writeMergeIds(hour(1), 12, 3);
    h.gcs.requireBearerToken(true);
    metadata = MetadataServerStandIn.start(ACCOUNT, StorageExporterHarness.PROJECT)
        .trustedBy(h.gcs::acceptToken).trustedBy(h.bigquery::acceptToken);
    h.workloadIdentity = true;
    h.google = new GoogleCredentialsSource(metadata.transportFactory());
    Files.delete(h.keyFile);
  }

  @AfterEach
  void stop() {
    metadata.close();
    h.close();
  }

  @Test
  void aRunWithNoKeyAnywhereUsesTheMetadataServersTokens() {
    assertThat(ExporterConfigReader.toJson(h.config())).doesNotContain("service-account.json")
        .contains("\"workloadIdentity\" : true");

    RunSummary run = h.run(hour(4));

    assertThat(run.result()).as(run.message()).isEqualTo(RunSummary.SUCCEEDED);
    assertThat(h.rows("events")).isEqualTo(70);
    assertThat(h.rows("merge_ids")).isEqualTo(12);
    assertThat(metadata.issuedTokens()).isNotEmpty();
  }

  @Test
  void aRefusingMetadataServerIsWorkloadIdentityUnavailable() {
    for (int status : new int[] {403, 404, 500}) {
      metadata.refuseTokens(status);

      assertThatThrownBy(() -> h.run(hour(4))).isInstanceOfSatisfying(ExportFailure.class, e -> {
        assertThat(e.reason()).isEqualTo(FailureReason.WorkloadIdentityUnavailable);
        assertThat(e.reason().exitCode()).isEqualTo(ExitCode.CREDENTIAL_ERROR);
      }).hasMessageContaining("Error code " + status).hasMessageContaining("roles/iam.workloadIdentityUser")
          .hasMessageContaining("iam.gke.io/gcp-service-account");
    }
    assertThat(h.gcs.requests()).as("nothing reached Cloud Storage").isEmpty();
  }
}
