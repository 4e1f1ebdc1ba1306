package io.bqexport.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.api.gax.grpc.GrpcStatusCode;
import com.google.api.gax.rpc.ApiExceptionFactory;
import com.google.cloud.bigquery.datatransfer.v1.TransferConfig;
import io.bqexport.exporter.ExporterConfig;
import io.bqexport.testing.MutableClock;
import io.bqexport.testing.bigquery.BigQueryEmulator;
import io.bqexport.testing.storage.CloudStorageStandIn;
import io.bqexport.testing.transfer.TransferServiceStandIn;
import io.grpc.Status;
import java.time.Duration;
import java.time.Instant;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** bqexport's client against the stand-in: drift corrected, and each failure mapped to its reason and fix. */
class TransferClientTest {
  private static final String PROJECT = "acme-analytics";
  private static final String TOKEN = "ya29.secret-token-value";
  private static final String PRINCIPAL = "bqexport@acme-analytics.iam.gserviceaccount.com";

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T20:00:00Z"));
  private BigQueryEmulator bigQuery;
  private CloudStorageStandIn gcs;
  private TransferServiceStandIn transfers;
  private TransferClient client;

  @BeforeEach
  void start() {
    bigQuery = BigQueryEmulator.start(clock);
    gcs = CloudStorageStandIn.start(clock);
    transfers = TransferServiceStandIn.start(clock, gcs, bigQuery).acceptToken(TOKEN, PRINCIPAL)
        .grant(PRINCIPAL, "bigquery.transfers.get", "bigquery.transfers.update");
    bigQuery.createDataset(PROJECT, "amplitude");
    client = transfers.client(TOKEN);
  }

  @AfterEach
  void stop() {
    client.close();
    transfers.close();
    gcs.close();
    bigQuery.close();
  }

  private static TransferConfigSpec spec(String dataset) {
    return TransferConfigSpec.builder().export("analytics", "product-events")
        .storage(new ExporterConfig.Storage("amp-export", "", "187520", "189524", false, null, null, true, null))
        .destination(new ExporterConfig.Destination(PROJECT, dataset, "US", null, null, false, true))
        .schedule("5 * * * *").availabilityDelay(Duration.ofHours(2)).build().get(0);
  }

  @Test
  void aConfigEditedInTheConsoleIsCorrectedByItsUpdateMask() {
    TransferConfigSpec spec = spec("amplitude");
    TransferConfig created = client.create(spec);
    transfers.service().editOutsideBqexport(created.toBuilder().setSchedule("every 24 hours")
        .setDisplayName("someone's transfer").build());

    TransferConfig edited = client.get(created.getName()).orElseThrow();
    TransferConfigDrift.Drift drift = TransferConfigDrift.compare(spec, edited);
    assertThat(drift.mask().getPathsList()).containsExactly("display_name", "schedule");
    client.update(created.getName(), spec, drift.mask());

    assertThat(TransferConfigDrift.compare(spec, client.get(created.getName()).orElseThrow()).none()).isTrue();
  }

  @Test
  void aDisabledServiceSaysHowToEnableIt() {
    transfers.disableService(true);
    assertFailure(() -> client.list("projects/" + PROJECT + "/locations/us"),
        TransferFailure.Reason.SERVICE_DISABLED,
        "gcloud services enable bigquerydatatransfer.googleapis.com --project acme-analytics");
  }

  @Test
  void aMissingPermissionIsNamed() {
    transfers.grant(PRINCIPAL);
    assertFailure(() -> client.get("projects/" + PROJECT + "/locations/us/transferConfigs/abc"),
        TransferFailure.Reason.PERMISSION_DENIED, "permission bigquery.transfers.get denied");
    transfers.grant(PRINCIPAL, "bigquery.transfers.get");
    assertFailure(() -> client.create(spec("amplitude")), TransferFailure.Reason.PERMISSION_DENIED,
        "permission bigquery.transfers.update denied in project acme-analytics");
  }

  @Test
  void rejectedCredentialsAreNamedWithoutEchoingThem() {
    try (TransferClient stranger = transfers.client("ya29.unknown-token")) {
      assertFailure(() -> stranger.list("projects/" + PROJECT + "/locations/us"),
          TransferFailure.Reason.AUTH_FAILED, "did not accept the credentials");
    }
  }

  @Test
  void rejectedAndMissingResourcesKeepTheServicesReason() {
    TransferConfig created = client.create(spec("amplitude"));
    assertFailure(() -> client.update(created.getName(), spec("amplitude"),
            com.google.protobuf.FieldMask.getDefaultInstance()),
        TransferFailure.Reason.CONFIG_REJECTED, "update_mask is required");
    assertFailure(() -> client.create(spec("no_such_dataset")), TransferFailure.Reason.CONFIG_NOT_FOUND,
        "not found");
    assertThat(client.get("projects/" + PROJECT + "/locations/us/transferConfigs/gone")).isEmpty();
  }

  @Test
  void theServiceDisabledMessageAloneIsEnough() {
    TransferFailure failure = TransferErrors.map(ApiExceptionFactory.createException(
            "PERMISSION_DENIED: BigQuery Data Transfer API has not been used in project 123 before or it is disabled",
            null, GrpcStatusCode.of(Status.Code.PERMISSION_DENIED), false),
        "list transfer configs", TransferClient.GET, "acme-analytics");
    assertThat(failure.reason()).isEqualTo(TransferFailure.Reason.SERVICE_DISABLED);
    assertThat(failure.reason().conditionReason()).isEqualTo("TransferServiceDisabled");
    assertThat(TransferErrors.map(ApiExceptionFactory.createException("quota", null,
        GrpcStatusCode.of(Status.Code.RESOURCE_EXHAUSTED), true), "x", TransferClient.GET, "p").reason().isTransient())
        .isTrue();
  }

  private void assertFailure(ThrowingCallable call, TransferFailure.Reason reason, String message) {
    assertThatThrownBy(call).isInstanceOfSatisfying(TransferFailure.class, failure -> {
      assertThat(failure.reason()).isEqualTo(reason);
      assertThat(failure.getMessage()).contains(message).doesNotContain(TOKEN).doesNotContain("ya29")
          .doesNotContain("\tat ").doesNotContain("Exception");
      assertThat(failure.getStackTrace()).as("a user message, not a stack trace").isEmpty();
    });
  }
}
