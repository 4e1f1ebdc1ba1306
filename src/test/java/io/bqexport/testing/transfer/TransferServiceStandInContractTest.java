package io.bqexport.testing.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.StatusCode;
import com.google.cloud.bigquery.Field;
import com.google.cloud.bigquery.Schema;
import com.google.cloud.bigquery.StandardSQLTypeName;
import com.google.cloud.bigquery.StandardTableDefinition;
import com.google.cloud.bigquery.TableId;
import com.google.cloud.bigquery.TableInfo;
import com.google.cloud.bigquery.datatransfer.v1.CreateTransferConfigRequest;
import com.google.cloud.bigquery.datatransfer.v1.DataTransferServiceClient;
import com.google.cloud.bigquery.datatransfer.v1.DataTransferServiceSettings;
import com.google.cloud.bigquery.datatransfer.v1.StartManualTransferRunsRequest;
import com.google.cloud.bigquery.datatransfer.v1.TransferConfig;
import com.google.cloud.bigquery.datatransfer.v1.TransferRun;
import com.google.cloud.bigquery.datatransfer.v1.TransferState;
import com.google.cloud.bigquery.datatransfer.v1.UpdateTransferConfigRequest;
import com.google.protobuf.FieldMask;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.bqexport.exporter.ExporterConfig;
import io.bqexport.storage.StorageLayout;
import io.bqexport.testing.GenerousWaits;
import io.bqexport.testing.MutableClock;
import io.bqexport.testing.bigquery.BigQueryEmulator;
import io.bqexport.testing.storage.AmplitudeStorageExport;
import io.bqexport.testing.storage.CloudStorageStandIn;
import io.bqexport.transfer.TransferClient;
import io.bqexport.transfer.TransferConfigSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The stand-in against the Transfer Service's documented behaviour, through the real DataTransferServiceClient
 * (directly, and through bqexport's TransferClient) over the in-process channel.
 */
class TransferServiceStandInContractTest {
  private static final String PROJECT = "acme-analytics";
  private static final String PARENT = "projects/" + PROJECT + "/locations/us";
  private static final String TOKEN = "token-admin";
  private static final String PRINCIPAL = "bqexport@acme-analytics.iam.gserviceaccount.com";
  private static final Instant HOUR = Instant.parse("2026-11-28T10:00:00Z");
  private static final StorageLayout LAYOUT = new StorageLayout("amplitude", "187520", "189524");

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T20:00:00Z"));
  private BigQueryEmulator bigQuery;
  private CloudStorageStandIn gcs;
  private TransferServiceStandIn transfers;
  private DataTransferServiceClient raw;
  private TransferClient client;

  @BeforeEach
  void start() throws Exception {
    bigQuery = BigQueryEmulator.start(clock);
    gcs = CloudStorageStandIn.start(clock).createBucket("amp-export");
    transfers = TransferServiceStandIn.start(clock, gcs, bigQuery)
        .acceptToken(TOKEN, PRINCIPAL)
        .grant(PRINCIPAL, "bigquery.transfers.get", "bigquery.transfers.update");
    bigQuery.createDataset(PROJECT, "amplitude");
    bigQuery.client(PROJECT).create(TableInfo.of(TableId.of(PROJECT, "amplitude", "events"),
        StandardTableDefinition.of(Schema.of(
            Field.of("event_type", StandardSQLTypeName.STRING),
            Field.of("user_id", StandardSQLTypeName.STRING),
            Field.of("insert_id", StandardSQLTypeName.STRING)))));
    raw = DataTransferServiceClient.create(DataTransferServiceSettings.newBuilder()
        .setCredentialsProvider(() -> TransferServiceStandIn.credentials(TOKEN))
        .setTransportChannelProvider(transfers.channelProvider()).build());
    client = transfers.client(TOKEN);
  }

  @AfterEach
  void stop() {
    client.close();
    raw.close();
    transfers.close();
    gcs.close();
    bigQuery.close();
  }

  @Test
  void createGetListUpdateAndDeleteAConfig() {
    TransferConfig created = client.create(spec());
    assertThat(created.getName()).startsWith(PARENT + "/transferConfigs/");
    assertThat(created.getDatasetRegion()).isEqualTo("us");
    assertThat(client.get(created.getName())).contains(created);
    assertThat(client.list(PARENT)).extracting(TransferConfig::getName).containsExactly(created.getName());

    TransferConfig updated = raw.updateTransferConfig(UpdateTransferConfigRequest.newBuilder()
        .setTransferConfig(TransferConfig.newBuilder().setName(created.getName()).setDisplayName("renamed")
            .setSchedule("every 2 hours"))
        .setUpdateMask(FieldMask.newBuilder().addPaths("display_name")).build());
    assertThat(updated.getDisplayName()).as("only the masked field changes").isEqualTo("renamed");
    assertThat(updated.getSchedule()).isEqualTo(created.getSchedule());

    client.delete(created.getName());
    assertThat(client.get(created.getName())).isEmpty();
    client.delete(created.getName()); // deleting what is gone is what deletion wanted
  }

  @Test
  void rejectsRequestsTheServiceRejects() {
    assertInvalid(c -> c.setDataSourceId("amplitude"), "not a known data source");
    assertInvalid(c -> c.setParams(without(c, "data_path_template")), "data_path_template is required");
    assertInvalid(c -> c.setParams(without(c, "destination_table_name_template")),
        "destination_table_name_template is required");
    assertInvalid(c -> c.setParams(with(c, "file_format", "NEWLINE_DELIMITED_JSON")), "file_format must be one of");
    assertInvalid(c -> c.setParams(with(c, "write_disposition", "WRITE_APPEND")), "APPEND or MIRROR");
    assertInvalid(c -> c.setParams(with(c, "colour", "blue")), "not a parameter of data source");
    assertInvalid(c -> c.setParams(with(c, "data_path_template", "gs://amp-*/x.json")), "bucket name");
    assertInvalid(c -> c.setParams(with(c, "data_path_template", "gs://amp-export/{run_time-1d|\"%Y\"}.json")),
        "no days");
    assertInvalid(c -> c.setParams(with(c, "data_path_template", "gs://amp-export/{run_time |\"%Y\"}.json")),
        "not a run-time parameter");
    assertInvalid(c -> c.setSchedule("5 * * * *"), "invalid schedule");
    assertInvalid(c -> c.setDestinationDatasetId(""), "destination_dataset_id is required");

    assertThatThrownBy(() -> raw.createTransferConfig(CreateTransferConfigRequest.newBuilder()
        .setParent("projects/" + PROJECT + "/regions/us").setTransferConfig(spec().toTransferConfig()).build()))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getStatusCode().getCode())
            .isEqualTo(StatusCode.Code.INVALID_ARGUMENT));
    assertThatThrownBy(() -> raw.createTransferConfig(PARENT,
        spec().toTransferConfig().toBuilder().setDestinationDatasetId("missing").build()))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getStatusCode().getCode())
            .isEqualTo(StatusCode.Code.NOT_FOUND));
  }

  @Test
  void updateNeedsAMaskOfUpdatableFields() {
    TransferConfig created = client.create(spec());
    for (FieldMask mask : List.of(FieldMask.getDefaultInstance(), FieldMask.newBuilder().addPaths("data_source_id")
        .build())) {
      assertThatThrownBy(() -> raw.updateTransferConfig(created, mask))
          .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getStatusCode().getCode())
              .isEqualTo(StatusCode.Code.INVALID_ARGUMENT));
    }
    assertThatThrownBy(() -> raw.updateTransferConfig(created.toBuilder().setSchedule("hourly").build(),
        FieldMask.newBuilder().addPaths("schedule").build()))
        .hasMessageContaining("invalid schedule");
  }

  @Test
  void callersNeedTokensAndPermissions() {
    transfers.acceptToken("token-reader", "reader@acme").grant("reader@acme", "bigquery.transfers.get");
    String name = client.create(spec()).getName();
    try (TransferClient reader = transfers.client("token-reader");
        TransferClient stranger = transfers.client("token-unknown")) {
      assertThat(reader.get(name)).isPresent();
      assertThatThrownBy(() -> reader.delete(name)).hasMessageContaining("bigquery.transfers.update");
      assertThatThrownBy(() -> stranger.get(name)).hasMessageContaining("did not accept the credentials");
    }
  }

  /**
   * An OAuth access token from Google's token endpoint is good for every Google API its scopes cover
   * (https://developers.google.com/identity/protocols/oauth2/service-account): the stand-in accepts the tokens the
   * BigQuery emulator issued to a service-account key. Runs load as the Transfer Service's own service agent, so they
   * pass an emulator that requires authentication.
   */
  @Test
  void aServiceAccountKeysTokenIsAcceptedAndRunsLoadAsTheServiceAgent() throws Exception {
    bigQuery.requireAuthentication(true);
    var key = io.bqexport.testing.ServiceAccountKeys.create(bigQuery, PROJECT, "writer");
    transfers.trustTokensOf(bigQuery::serviceAccountOf)
        .grant(key.clientEmail(), "bigquery.transfers.get", "bigquery.transfers.update");
    writeHour(HOUR, 1, 2);
    try (TransferClient keyed = TransferClient.create(io.bqexport.transfer.TransferClientSettings.over(
        transfers.channelProvider(), com.google.auth.oauth2.ServiceAccountCredentials.fromStream(key.inputStream())
            .createScoped("https://www.googleapis.com/auth/cloud-platform")));
        TransferClient stranger = transfers.client("token-unknown")) {
      String name = keyed.create(spec()).getName();
      TransferRun run = keyed.startManualRun(name, Instant.parse("2026-11-28T13:05:00Z")).get(0);
      await().atMost(GenerousWaits.CEILING).until(() -> keyed.run(run.getName()).getState() != TransferState.PENDING
          && keyed.run(run.getName()).getState() != TransferState.RUNNING);
      assertThat(keyed.run(run.getName()).getState()).isEqualTo(TransferState.SUCCEEDED);
      assertThat(bigQuery.rowCount(PROJECT, "amplitude", "events")).isEqualTo(2);
      assertThatThrownBy(() -> stranger.list(PARENT)).hasMessageContaining("did not accept the credentials");
    }
  }

  @Test
  void aDisabledServiceAnswersServiceDisabled() {
    transfers.disableService(true);
    assertThatThrownBy(() -> raw.listTransferConfigs(PARENT).iterateAll().iterator().hasNext())
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.getStatusCode().getCode()).isEqualTo(StatusCode.Code.PERMISSION_DENIED);
          assertThat(e.getReason()).isEqualTo("SERVICE_DISABLED");
          assertThat(e.getMessage()).contains("has not been used in project " + PROJECT);
        });
  }

  @Test
  void anExhaustedQuotaAnswersResourceExhaustedWhichTheClientReportsAsTransient() {
    transfers.exhaustQuota(PROJECT, true);
    assertThatThrownBy(() -> raw.listTransferConfigs(PARENT).iterateAll().iterator().hasNext())
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getStatusCode().getCode())
            .isEqualTo(StatusCode.Code.RESOURCE_EXHAUSTED));
    assertThatThrownBy(() -> client.list(PARENT)).isInstanceOfSatisfying(
        io.bqexport.transfer.TransferFailure.class, e -> {
          assertThat(e.reason()).isEqualTo(io.bqexport.transfer.TransferFailure.Reason.QUOTA_EXCEEDED);
          assertThat(e.reason().isTransient()).isTrue();
        });
    assertThat(client.list("projects/another/locations/us")).as("quotas are per project").isEmpty();
    transfers.exhaustQuota(PROJECT, false);
    assertThat(client.list(PARENT)).isEmpty();
  }

  @Test
  void aRunAppendsTheHoursFilesAndDropsKeysThatAreNotColumns() {
    List<String> hour = writeHour(HOUR, 2, 3);
    writeHour(HOUR.plus(Duration.ofHours(1)), 1, 4);
    gcs.put("amp-export", LAYOUT.mergeIdsObject(HOUR).replace("-189524", "187520"),
        AmplitudeStorageExport.gzip(List.of("{\"scope\":187520}"))); // a legacy merged-ID file beside the events
    String name = client.create(spec()).getName();

    // A run at 13:05 loads hour 10:00: run_time - (1h + 2h availability delay).
    TransferRun run = finished(client.startManualRun(name, Instant.parse("2026-11-28T13:05:00Z")).get(0));

    assertThat(run.getState()).isEqualTo(TransferState.SUCCEEDED);
    assertThat(transfers.service().loadedObjects(run.getName())).containsExactlyInAnyOrderElementsOf(hour);
    assertThat(bigQuery.rowCount(PROJECT, "amplitude", "events")).isEqualTo(6);
    assertThat(bigQuery.query(PROJECT, "SELECT COUNT(*) AS n FROM amplitude.events WHERE insert_id IS NOT NULL"))
        .as("$insert_id is not a column name: ignore_unknown_values drops it").containsExactly(Map.of("n", 0L));
  }

  @Test
  void anUnchangedFileLoadsOnceAndARewrittenFileLoadsAgain() {
    List<String> hour = writeHour(HOUR, 2, 3);
    String name = client.create(spec()).getName();
    Instant runTime = Instant.parse("2026-11-28T13:05:00Z");
    finished(client.startManualRun(name, runTime).get(0));

    TransferRun again = finished(client.startManualRun(name, runTime).get(0));
    assertThat(again.getState()).isEqualTo(TransferState.SUCCEEDED);
    assertThat(transfers.service().loadedObjects(again.getName())).as("APPEND loads an unmodified file once")
        .isEmpty();

    gcs.put("amp-export", hour.get(0), AmplitudeStorageExport.gzip(lines(HOUR, 0, 3)));
    TransferRun afterRewrite = finished(client.startManualRun(name, runTime).get(0));
    assertThat(transfers.service().loadedObjects(afterRewrite.getName())).containsExactly(hour.get(0));
    assertThat(bigQuery.rowCount(PROJECT, "amplitude", "events"))
        .as("a rewritten file is loaded again: at least once").isEqualTo(9);
  }

  @Test
  void mirrorReplacesTheTableWithEveryMatchingFileOnEachRun() {
    writeHour(HOUR, 2, 3);
    TransferConfig mirror = spec().toTransferConfig().toBuilder()
        .setParams(with(spec().toTransferConfig().toBuilder(), "write_disposition", "MIRROR")).build();
    String name = raw.createTransferConfig(PARENT, mirror).getName();
    Instant runTime = Instant.parse("2026-11-28T13:05:00Z");
    finished(client.startManualRun(name, runTime).get(0));
    TransferRun again = finished(client.startManualRun(name, runTime).get(0));

    assertThat(transfers.service().loadedObjects(again.getName())).hasSize(2);
    assertThat(bigQuery.rowCount(PROJECT, "amplitude", "events")).isEqualTo(6);
  }

  @Test
  void aTimeRangeStartsOneRunPerScheduledTimeListedNewestFirst() {
    for (int h = 0; h < 3; h++) {
      writeHour(HOUR.plus(Duration.ofHours(h)), 1, 2);
    }
    String name = client.create(spec()).getName();
    List<TransferRun> started = client.startManualRuns(name, Instant.parse("2026-11-28T13:00:00Z"),
        Instant.parse("2026-11-28T16:00:00Z"));
    assertThat(started).extracting(run -> run.getRunTime().getSeconds()).containsExactly(
        Instant.parse("2026-11-28T13:05:00Z").getEpochSecond(), Instant.parse("2026-11-28T14:05:00Z").getEpochSecond(),
        Instant.parse("2026-11-28T15:05:00Z").getEpochSecond());
    started.forEach(this::finished);

    List<TransferRun> listed = client.runs(name);
    assertThat(listed).extracting(TransferRun::getState).containsOnly(TransferState.SUCCEEDED);
    assertThat(listed).extracting(run -> run.getRunTime().getSeconds()).isSortedAccordingTo((a, b) -> b.compareTo(a));
    assertThat(bigQuery.rowCount(PROJECT, "amplitude", "events")).isEqualTo(6);
  }

  @Test
  void aTokenFromGooglesTokenEndpointIsItsServiceAccountsAndRunsLoadAsTheServiceAgent() throws Exception {
    // One OAuth token works with every Google API: a key's token from the emulator's token endpoint is accepted
    // here as its service account, whose IAM permissions then apply.
    transfers.trustTokensOf(bigQuery::serviceAccountOf);
    var key = io.bqexport.testing.ServiceAccountKeys.create(bigQuery, PROJECT, "writer");
    var keyCredentials = com.google.auth.oauth2.ServiceAccountCredentials.fromStream(key.inputStream())
        .createScoped(List.of("https://www.googleapis.com/auth/cloud-platform"));
    try (TransferClient writer = transfers.clients().open(keyCredentials)) {
      assertThatThrownBy(() -> writer.list(PARENT)).hasMessageContaining("permission bigquery.transfers.get denied");
      transfers.grant(key.clientEmail(), "bigquery.transfers.get", "bigquery.transfers.update");
      String name = writer.create(spec()).getName();
      writeHour(HOUR, 1, 3);
      // With an emulator that requires tokens, the run still loads: as the Transfer Service's own service agent.
      bigQuery.requireAuthentication(true);
      TransferRun run = finished(writer.startManualRun(name, Instant.parse("2026-11-28T13:05:00Z")).get(0));
      assertThat(run.getState()).as(run.getErrorStatus().getMessage()).isEqualTo(TransferState.SUCCEEDED);
      assertThat(bigQuery.rowCount(PROJECT, "amplitude", "events")).isEqualTo(3);
    }
  }

  @Test
  void runsMustBeInThePastAndFailWithoutTheirTable() {
    String name = client.create(spec()).getName();
    assertThatThrownBy(() -> client.startManualRun(name, clock.instant().plusSeconds(60)))
        .hasMessageContaining("must be a past time");
    assertThatThrownBy(() -> raw.startManualTransferRuns(StartManualTransferRunsRequest.newBuilder()
        .setParent(name).build())).hasMessageContaining("requested_run_time or requested_time_range");

    bigQuery.client(PROJECT).delete(TableId.of(PROJECT, "amplitude", "events"));
    TransferRun failed = finished(client.startManualRun(name, Instant.parse("2026-11-28T13:05:00Z")).get(0));
    assertThat(failed.getState()).isEqualTo(TransferState.FAILED);
    assertThat(failed.getErrorStatus().getMessage()).contains("Not found: Table");
  }

  @Test
  void withoutIgnoreUnknownValuesAnUnknownKeyFailsTheRun() {
    writeHour(HOUR, 1, 2);
    TransferConfig strict = spec().toTransferConfig().toBuilder()
        .setParams(with(spec().toTransferConfig().toBuilder(), "ignore_unknown_values", "false")).build();
    String name = raw.createTransferConfig(PARENT, strict).getName();
    TransferRun run = finished(client.startManualRun(name, Instant.parse("2026-11-28T13:05:00Z")).get(0));
    assertThat(run.getState()).isEqualTo(TransferState.FAILED);
    assertThat(bigQuery.rowCount(PROJECT, "amplitude", "events")).isZero();
  }

  // ---- helpers ----

  private static TransferConfigSpec spec() {
    return TransferConfigSpec.builder()
        .export("analytics", "product-events")
        .storage(new ExporterConfig.Storage("amp-export", "amplitude", "187520", "189524", false, null, null,
            true, null))
        .destination(new ExporterConfig.Destination(PROJECT, "amplitude", "US", null, null, false, true))
        .data(new ExporterConfig.Data(new ExporterConfig.Events(true, "events")))
        .schedule("5 * * * *")
        .availabilityDelay(Duration.ofHours(2))
        .build().get(0);
  }

  private void assertInvalid(UnaryOperator<TransferConfig.Builder> change, String message) {
    TransferConfig config = change.apply(spec().toTransferConfig().toBuilder()).build();
    assertThatThrownBy(() -> raw.createTransferConfig(PARENT, config))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.getStatusCode().getCode()).isEqualTo(StatusCode.Code.INVALID_ARGUMENT);
          assertThat(e.getMessage()).contains(message);
        });
  }

  private static Struct without(TransferConfig.Builder config, String key) {
    return config.getParams().toBuilder().removeFields(key).build();
  }

  private static Struct with(TransferConfig.Builder config, String key, String value) {
    return config.getParams().toBuilder().putFields(key, Value.newBuilder().setStringValue(value).build()).build();
  }

  /** Writes {@code files} event files of {@code perFile} events for the hour; returns their names. */
  private List<String> writeHour(Instant hour, int files, int perFile) {
    List<String> names = new ArrayList<>();
    for (int n = 0; n < files; n++) {
      String name = LAYOUT.eventsObject(hour, n);
      gcs.put("amp-export", name, AmplitudeStorageExport.gzip(lines(hour, n, perFile)));
      names.add(name);
    }
    return names;
  }

  private static List<String> lines(Instant hour, int file, int count) {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      lines.add("{\"event_type\":\"click\",\"user_id\":\"u" + i + "\",\"$insert_id\":\"" + hour + "-" + file + "-"
          + i + "\",\"event_properties\":{\"page\":" + i + "}}");
    }
    return lines;
  }

  private TransferRun finished(TransferRun run) {
    await().atMost(GenerousWaits.CEILING).until(() -> {
      TransferState state = client.run(run.getName()).getState();
      return state == TransferState.SUCCEEDED || state == TransferState.FAILED;
    });
    return client.run(run.getName());
  }
}
