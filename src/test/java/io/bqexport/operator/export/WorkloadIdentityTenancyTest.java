package io.bqexport.operator.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.auth.oauth2.ComputeEngineCredentials;
import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.BigQueryExportSpec;
import io.bqexport.api.v1alpha1.DataSpec;
import io.bqexport.api.v1alpha1.DestinationSpec;
import io.bqexport.api.v1alpha1.GcsLocation;
import io.bqexport.api.v1alpha1.GoogleCredentialsSpec;
import io.bqexport.api.v1alpha1.JobPodSpec;
import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.api.v1alpha1.SourceSpec;
import io.bqexport.api.v1alpha1.StorageSourceSpec;
import io.bqexport.api.v1alpha1.WorkloadIdentitySpec;
import io.bqexport.operator.status.ConditionType;
import io.bqexport.storage.StorageLayout;
import io.bqexport.testing.ExportConditions;
import io.bqexport.testing.KubernetesStandIn;
import io.bqexport.testing.MutableClock;
import io.bqexport.testing.OperatorUnderTest;
import io.bqexport.testing.amplitude.AmplitudeEventGenerator;
import io.bqexport.testing.amplitude.GeneratedEvents;
import io.bqexport.testing.bigquery.BigQueryEmulator;
import io.bqexport.testing.metadata.MetadataServerStandIn;
import io.bqexport.testing.storage.AmplitudeStorageExport;
import io.bqexport.testing.storage.CloudStorageStandIn;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The confused deputy: an export with workloadIdentity is probed with the OPERATOR's own Google identity, not the
 * exporter pod's. In a shared operator, that identity holds the union of every team's grants, so any tenant could
 * name another team's bucket (and dataset) and have the operator list and read it, and upload into it, on their
 * behalf, with the object names echoed back in status. Such exports are refused unless the cluster admin opts in.
 */
class WorkloadIdentityTenancyTest {
  private static final Instant NOW = Instant.parse("2026-11-28T10:10:00Z");
  private static final String PROJECT = "acme-analytics";
  private static final String VICTIM_BUCKET = "team-a-amplitude";
  private static final String OPERATOR_ACCOUNT = "bqexport-operator@acme-analytics.iam.gserviceaccount.com";
  private static final String TENANT = "team-b";
  private static final GoogleCredentialsSpec WORKLOAD_IDENTITY = new GoogleCredentialsSpec(null,
      new WorkloadIdentitySpec());

  @Test
  void aTenantCannotBorrowTheOperatorsIdentityUnlessTheAdminAllowsWorkloadIdentity() {
    MutableClock clock = new MutableClock(NOW);
    try (BigQueryEmulator bigquery = BigQueryEmulator.start(clock);
         CloudStorageStandIn gcs = CloudStorageStandIn.start();
         MetadataServerStandIn metadata = MetadataServerStandIn.start(OPERATOR_ACCOUNT, PROJECT)
             .trustedBy(bigquery::acceptToken).trustedBy(gcs::acceptToken);
         KubernetesStandIn kubernetes = new KubernetesStandIn().namespace(TENANT);
         OperatorUnderTest operator = new OperatorUnderTest(kubernetes, clock, () -> ComputeEngineCredentials
             .newBuilder().setHttpTransportFactory(metadata.transportFactory()).build(), false)) {
      bigquery.requireAuthentication(true);
      bigquery.createDataset(PROJECT, "team_a");
      gcs.requireBearerToken(true);
      Instant hour = Instant.parse("2026-11-28T07:00:00Z");
      new AmplitudeStorageExport(gcs, VICTIM_BUCKET, new StorageLayout("amplitude", "187520", null))
          .writeEvents(new GeneratedEvents(new AmplitudeEventGenerator(3, 187520)).hour(hour, 10), hour);

      kubernetes.client().resource(borrowing(gcs.endpoint(), bigquery.endpoint())).create();

      var stalled = new ExportConditions(kubernetes.client(), TENANT)
          .awaitReason("borrow", ConditionType.STALLED, Reasons.WORKLOAD_IDENTITY_NOT_ALLOWED);
      assertThat(stalled.status()).isEqualTo("True");
      assertThat(stalled.message()).contains("spec.source.storage.credentials.workloadIdentity",
          "spec.destination.credentials.workloadIdentity", "--allow-workload-identity", "secretRef");
      assertThat(metadata.issuedTokens()).as("the operator's identity was never used").isEmpty();
      assertThat(gcs.requests()).as("nothing reached the other team's bucket").isEmpty();
      assertThat(bigquery.jobs()).as("nothing was uploaded into the other team's dataset").isEmpty();
    }
  }

  private static BigQueryExport borrowing(String gcsEndpoint, String bigqueryEndpoint) {
    BigQueryExport export = new BigQueryExport();
    export.setMetadata(new ObjectMetaBuilder().withNamespace(TENANT).withName("borrow").build());
    export.setSpec(new BigQueryExportSpec(
        new SourceSpec(null, new StorageSourceSpec(new GcsLocation(VICTIM_BUCKET, "amplitude"), "187520", null, null,
            gcsEndpoint, WORKLOAD_IDENTITY, null)),
        new DestinationSpec(PROJECT, "team_a", null, null, null, bigqueryEndpoint, WORKLOAD_IDENTITY),
        new DataSpec(null, null), null, null, null, null, null, null, null, null,
        new JobPodSpec(null, null, null, null, null, "team-b-exporter")));
    return export;
  }
}
