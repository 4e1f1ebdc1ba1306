package io.bqexport.operator.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.bigquery.datatransfer.v1.TransferRun;
import com.google.cloud.bigquery.datatransfer.v1.TransferState;
import io.bqexport.api.v1alpha1.BackfillMode;
import io.bqexport.api.v1alpha1.BigQueryBackfill;
import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.BigQueryExportSpec;
import io.bqexport.api.v1alpha1.Condition;
import io.bqexport.api.v1alpha1.DataSpec;
import io.bqexport.api.v1alpha1.Delivery;
import io.bqexport.api.v1alpha1.DestinationSpec;
import io.bqexport.api.v1alpha1.GcsLocation;
import io.bqexport.api.v1alpha1.GoogleCredentialsSpec;
import io.bqexport.api.v1alpha1.JobPodSpec;
import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.api.v1alpha1.SecretKeyRef;
import io.bqexport.api.v1alpha1.SourceSpec;
import io.bqexport.api.v1alpha1.StorageSourceSpec;
import io.bqexport.operator.status.ConditionType;
import io.bqexport.storage.StorageLayout;
import io.bqexport.testing.ExportFixtures;
import io.bqexport.testing.ExportScenario;
import io.bqexport.testing.Waits;
import io.bqexport.testing.amplitude.AmplitudeEventGenerator;
import io.bqexport.testing.amplitude.GeneratedEvents;
import io.bqexport.testing.storage.AmplitudeStorageExport;
import io.bqexport.testing.storage.CloudStorageStandIn;
import io.bqexport.testing.transfer.TransferServiceStandIn;
import io.bqexport.transfer.TransferClient;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A BigQueryBackfill of an export with delivery TransferService, end to end: the real operator on the Kubernetes
 * stand-in, the real DataTransferServiceClient on the Transfer Service stand-in, whose runs load the Cloud Storage
 * stand-in's objects into the BigQuery emulator. The export creates the transfer configs; the backfill finds them.
 */
class TransferBackfillTest {
  private static final Instant NOW = Instant.parse("2026-11-28T10:10:00Z");
  private static final Instant EXPORT_FROM = Instant.parse("2026-11-28T05:00:00Z");
  private static final Instant START = Instant.parse("2026-11-20T00:00:00Z");
  private static final Instant END = START.plus(3, ChronoUnit.DAYS);
  private static final int PER_HOUR = 5;
  private static final long APP_ID = 187_520;
  private static final String BUCKET = "acme-amplitude-export";
  private static final String EXPORT = "product-events-gcs";
  private static final String ADMIN_TOKEN = "token-admin";
  private static final String ADMIN = "admin@acme-analytics.iam.gserviceaccount.com";
  private static final String GET = "bigquery.transfers.get";
  private static final String UPDATE = "bigquery.transfers.update";

  private ExportScenario scenario;
  private BackfillHarness h;
  private CloudStorageStandIn gcs;
  private TransferServiceStandIn transfers;
  private AmplitudeStorageExport bucket;

  @BeforeEach
  void start() {
    scenario = new ExportScenario(NOW);
    h = new BackfillHarness(scenario);
    gcs = CloudStorageStandIn.start(scenario.clock).createBucket(BUCKET);
    bucket = new AmplitudeStorageExport(gcs, BUCKET, new StorageLayout("amplitude", Long.toString(APP_ID), null));
    GeneratedEvents events = new GeneratedEvents(new AmplitudeEventGenerator(11, APP_ID)).hours(START, END, PER_HOUR);
    for (Instant hour = START; hour.isBefore(END); hour = hour.plus(Duration.ofHours(1))) {
      bucket.writeEvents(events, hour);
    }
    transfers = TransferServiceStandIn.start(scenario.clock, gcs, scenario.bigquery)
        .trustTokensOf(scenario.bigquery::serviceAccountOf)
        .acceptToken(ADMIN_TOKEN, ADMIN)
        .grant(ADMIN, GET, UPDATE)
        .grant(scenario.key.clientEmail(), GET, UPDATE);
    scenario.useTransferService(transfers.clients());
  }

  @AfterEach
  void stop() {
    scenario.close();
    transfers.close();
    gcs.close();
  }

  @Test
  void threeDaysAreLoadedByOneManualRunPerHourWithoutAJob() {
    transfers.grant(scenario.key.clientEmail(), GET); // the export cannot create its configs yet
    BigQueryExport export = scenario.create(transferExport());
    h.awaitExportValid(EXPORT);
    h.create("history", EXPORT, START, END, BackfillMode.FillGaps, 24, 2);

    BigQueryBackfill waiting = h.await("history", b -> reason(b, ConditionType.READY, Reasons.WAITING_FOR_EXPORT)
        && message(b, ConditionType.READY).contains("transfer configs"));
    assertThat(message(waiting, ConditionType.READY)).contains("bqexport analytics/" + EXPORT + " events");
    transfers.grant(scenario.key.clientEmail(), GET, UPDATE);

    String config = awaitExportConfigs(export);
    BigQueryBackfill done = h.awaitPhase("history", "Succeeded");

    assertThat(done.getStatus().transferConfigs()).containsExactly(config);
    assertThat(done.getStatus().job()).isNull();
    assertThat(h.job("history-backfill")).as("no Job with delivery TransferService").isNull();
    assertThat(done.getStatus().startedRange()).isEqualTo(START + "/" + END);
    assertThat(done.getStatus().progress().hoursTotal()).isEqualTo(72);
    assertThat(done.getStatus().progress().hoursDone()).isEqualTo(72);
    assertThat(done.getStatus().progress().rows()).as("transfer runs count no rows").isNull();
    assertThat(BackfillHarness.condition(done, ConditionType.COMPLETE).orElseThrow().isTrue()).isTrue();
    List<TransferRun> runs = runs(config);
    assertThat(runs).hasSize(72).allSatisfy(run -> assertThat(run.getState()).isEqualTo(TransferState.SUCCEEDED));
    // Hour H is loaded by the run at H + 1h + availabilityDelay (2h) + the schedule's minute (5).
    assertThat(runs.stream().map(r -> Instant.ofEpochSecond(r.getRunTime().getSeconds())).sorted().toList())
        .startsWith(START.plus(Duration.ofHours(3)).plus(Duration.ofMinutes(5)))
        .endsWith(END.plus(Duration.ofHours(2)).plus(Duration.ofMinutes(5)));
    assertThat(scenario.rows("events")).isEqualTo(72L * PER_HOUR);
  }

  @Test
  void aFailedHourIsReportedAndARestartedOperatorStartsNothingAgain() {
    Instant broken = START.plus(Duration.ofHours(30));
    gcs.put(BUCKET, "amplitude/" + APP_ID + "/" + APP_ID + "_2026-11-21_6#9.json.gz",
        AmplitudeStorageExport.gzip(List.of("{not json")));
    BigQueryExport export = scenario.create(transferExport());
    h.awaitExportValid(EXPORT);
    String config = awaitExportConfigs(export);
    h.create("history", EXPORT, START, END, BackfillMode.FillGaps, 24, 2);

    BigQueryBackfill failed = h.awaitPhase("history", "Failed");
    assertThat(failed.getStatus().progress().hoursDone()).isEqualTo(71);
    assertThat(failed.getStatus().progress().hoursFailed()).isEqualTo(1);
    assertThat(failed.getStatus().failedChunks()).singleElement().satisfies(hour -> {
      assertThat(hour.window()).isEqualTo(broken + "/" + broken.plus(Duration.ofHours(1)));
      assertThat(hour.reason()).isEqualTo(Reasons.TRANSFER_RUN_FAILED);
    });
    Condition failedCondition = BackfillHarness.condition(failed, ConditionType.FAILED).orElseThrow();
    assertThat(failedCondition.isTrue()).isTrue();
    assertThat(failedCondition.reason()).isEqualTo(Reasons.TRANSFER_RUN_FAILED);
    assertThat(failedCondition.message()).contains("1 hour(s) failed", broken.toString());
    assertThat(scenario.rows("events")).isEqualTo(71L * PER_HOUR);

    scenario.stopOperator();
    scenario.startOperator();
    h.patchSpec("history", Map.of("suspend", true)); // a new generation: proof the new operator reconciled it
    long generation = h.get("history").getMetadata().getGeneration();
    h.await("history", b -> b.getStatus().observedGeneration() == generation);

    assertThat(runs(config)).as("the failed hour is not run again: the runs were recorded as started")
        .hasSize(72);
  }

  @Test
  void replaceIsRefusedBecauseTheTransferServiceOnlyAppends() {
    BigQueryExport export = scenario.create(transferExport());
    h.awaitExportValid(EXPORT);
    String config = awaitExportConfigs(export);
    h.create("history", EXPORT, START, END, BackfillMode.Replace, 24, 2);

    BigQueryBackfill refused = h.await("history", b -> reason(b, ConditionType.STALLED, Reasons.INVALID_SPEC));
    assertThat(message(refused, ConditionType.STALLED)).contains("spec.mode Replace", "only appends", "FillGaps");
    assertThat(runs(config)).isEmpty();
  }

  @Test
  void aMissingPermissionAndADisabledServiceHaveTheirReasons() {
    BigQueryExport export = scenario.create(transferExport());
    h.awaitExportValid(EXPORT);
    String config = awaitExportConfigs(export);
    transfers.grant(scenario.key.clientEmail(), GET);
    h.create("denied", EXPORT, START, END, BackfillMode.FillGaps, 24, 2);

    BigQueryBackfill denied = h.await("denied", b -> reason(b, ConditionType.STALLED,
        Reasons.TRANSFER_PERMISSION_DENIED));
    assertThat(message(denied, ConditionType.STALLED)).contains(UPDATE, "acme-analytics");

    transfers.disableService(true);
    h.create("disabled", EXPORT, START, END, BackfillMode.FillGaps, 24, 2);
    BigQueryBackfill disabled = h.await("disabled", b -> reason(b, ConditionType.STALLED,
        Reasons.TRANSFER_SERVICE_DISABLED));
    assertThat(message(disabled, ConditionType.STALLED)).contains("gcloud services enable");
    transfers.disableService(false);
    assertThat(runs(config)).isEmpty();
  }

  @Test
  void aBackfillOfADirectExportStillRunsAJob() {
    scenario.create(scenario.export("product-events", EXPORT_FROM));
    h.create("direct", "product-events", START, END, BackfillMode.FillGaps, 24, 2);
    h.awaitExportValid("product-events");

    assertThat(h.awaitJob("direct").getSpec().getCompletions()).isEqualTo(3);
    BigQueryBackfill running = h.awaitPhase("direct", "Running");
    assertThat(running.getStatus().transferConfigs()).isNull();
    assertThat(transfers.service().configs()).isEmpty();
  }

  /** The storage sample's shape on the stand-ins, with delivery TransferService and the writer key for both. */
  private BigQueryExport transferExport() {
    var key = new GoogleCredentialsSpec(new SecretKeyRef(ExportFixtures.GOOGLE_SECRET, null), null);
    var storage = new StorageSourceSpec(new GcsLocation(BUCKET, "amplitude"), Long.toString(APP_ID), null, null,
        gcs.endpoint(), key, null);
    var destination = new DestinationSpec(ExportScenario.PROJECT, ExportScenario.DATASET, "US", null, null,
        scenario.bigquery.endpoint(), key);
    BigQueryExport export = scenario.export(EXPORT, EXPORT_FROM);
    export.setSpec(new BigQueryExportSpec(new SourceSpec(null, storage), destination, new DataSpec(null), null,
        null, EXPORT_FROM.toString(), null, null, null, null, null, JobPodSpec.empty(), null,
        Delivery.TransferService, null));
    return export;
  }

  /** The export's events config, once the export has created its configs. */
  private String awaitExportConfigs(BigQueryExport export) {
    String name = export.getMetadata().getName();
    BigQueryExport ready = Waits.until("the transfer configs of export " + name, () -> scenario.get(name),
        b -> b.getStatus() != null && b.getStatus().transfer() != null && b.getStatus().transfer().configs() != null
            && !b.getStatus().transfer().configs().isEmpty(), b -> String.valueOf(b.getStatus()));
    return ready.getStatus().transfer().configs().stream().filter(c -> "events".equals(c.table())).findFirst()
        .orElseThrow().name();
  }

  private List<TransferRun> runs(String config) {
    try (TransferClient client = transfers.client(ADMIN_TOKEN)) {
      return client.runs(config);
    }
  }

  private static boolean reason(BigQueryBackfill backfill, String type, String reason) {
    return BackfillHarness.condition(backfill, type).map(c -> reason.equals(c.reason())).orElse(false);
  }

  private static String message(BigQueryBackfill backfill, String type) {
    return BackfillHarness.condition(backfill, type).map(Condition::message).orElse("");
  }
}
