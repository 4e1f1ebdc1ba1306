package io.bqexport.operator.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.bigquery.datatransfer.v1.TransferRun;
import io.bqexport.api.v1alpha1.BackfillMode;
import io.bqexport.api.v1alpha1.BigQueryBackfill;
import io.bqexport.api.v1alpha1.BigQueryBackfillSpec;
import io.bqexport.api.v1alpha1.BigQueryBackfillStatus;
import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.BigQueryExportSpec;
import io.bqexport.api.v1alpha1.BigQueryExportStatus;
import io.bqexport.api.v1alpha1.Condition;
import io.bqexport.operator.status.ConditionType;
import io.bqexport.operator.status.EventRecorder;
import java.util.Set;
import io.bqexport.api.v1alpha1.DataSpec;
import io.bqexport.api.v1alpha1.Delivery;
import io.bqexport.api.v1alpha1.DestinationSpec;
import io.bqexport.api.v1alpha1.ExportRef;
import io.bqexport.api.v1alpha1.GcsLocation;
import io.bqexport.api.v1alpha1.GoogleCredentialsSpec;
import io.bqexport.api.v1alpha1.JobPodSpec;
import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.api.v1alpha1.SecretKeyRef;
import io.bqexport.api.v1alpha1.SourceSpec;
import io.bqexport.api.v1alpha1.StorageSourceSpec;
import io.bqexport.api.v1alpha1.WorkloadIdentitySpec;
import io.bqexport.exporter.ExporterConfig;
import io.bqexport.operator.export.ExportSecrets;
import io.bqexport.operator.export.ExporterConfigMap;
import io.bqexport.operator.status.Problem;
import io.bqexport.testing.KubernetesStandIn;
import io.bqexport.testing.MutableClock;
import io.bqexport.testing.Waits;
import io.bqexport.testing.bigquery.BigQueryEmulator;
import io.bqexport.testing.storage.CloudStorageStandIn;
import io.bqexport.testing.transfer.TransferServiceStandIn;
import io.bqexport.transfer.TransferClient;
import io.bqexport.transfer.TransferConfigSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One reconcile step of a backfill of an export with delivery TransferService, without an operator:
 * {@link TransferBackfill#step} against the Transfer Service stand-in over the real DataTransferServiceClient. The
 * operator's Google identity is Workload Identity here (a token the stand-in accepts), so no key is involved.
 */
class TransferBackfillStepTest {
  private static final String NS = "analytics";
  private static final String EXPORT = "product-events-gcs";
  private static final String PROJECT = "acme-analytics";
  private static final String TOKEN = "operator-token";
  private static final String OPERATOR = "bqexport-operator@acme-analytics.iam.gserviceaccount.com";
  private static final String GET = "bigquery.transfers.get";
  private static final String UPDATE = "bigquery.transfers.update";
  private static final Instant NOW = Instant.parse("2026-11-28T10:10:00Z");
  private static final Instant START = Instant.parse("2026-11-20T00:00:00Z");
  private static final Instant END = START.plus(Duration.ofHours(24));
  private static final GoogleCredentialsSpec WORKLOAD_IDENTITY = new GoogleCredentialsSpec(null,
      new WorkloadIdentitySpec());

  private final MutableClock clock = new MutableClock(NOW);
  private final BigQueryEmulator bigquery = BigQueryEmulator.start(clock);
  private final CloudStorageStandIn gcs = CloudStorageStandIn.start(clock).createBucket("acme-amplitude-export");
  private final TransferServiceStandIn transfers = TransferServiceStandIn.start(clock, gcs, bigquery)
      .acceptToken(TOKEN, OPERATOR).grant(OPERATOR, GET, UPDATE);
  private final KubernetesStandIn kubernetes = new KubernetesStandIn().namespace(NS);
  private final TransferBackfill transferBackfill = new TransferBackfill(transfers.clients(),
      () -> TransferServiceStandIn.credentials(TOKEN), new ExportSecrets(kubernetes.client()));

  {
    bigquery.createDataset(PROJECT, "amplitude"); // the service refuses a config into a dataset that does not exist
  }

  @AfterEach
  void stop() {
    transfers.close();
    gcs.close();
    bigquery.close();
    kubernetes.close();
  }

  private BigQueryExport export(DestinationSpec destination) {
    BigQueryExport export = new BigQueryExport();
    export.setMetadata(new ObjectMetaBuilder().withNamespace(NS).withName(EXPORT).withGeneration(1L).build());
    var storage = new StorageSourceSpec(new GcsLocation("acme-amplitude-export", "amplitude"), "187520", null, null,
        gcs.endpoint(), WORKLOAD_IDENTITY, null);
    export.setSpec(new BigQueryExportSpec(new SourceSpec(null, storage), destination, new DataSpec(null), null, null,
        "2026-11-28T05:00:00Z", null, null, null, null, null, JobPodSpec.empty(), null, Delivery.TransferService,
        null));
    return export;
  }

  private BigQueryExport export() {
    return export(new DestinationSpec(PROJECT, "amplitude", "US", null, null, bigquery.endpoint(), WORKLOAD_IDENTITY));
  }

  private static BigQueryBackfill backfill(Instant start, Instant end, BackfillMode mode, boolean suspend,
      List<String> started) {
    BigQueryBackfill backfill = new BigQueryBackfill();
    backfill.setMetadata(new ObjectMetaBuilder().withNamespace(NS).withName("history").withUid("uid-1").build());
    backfill.setSpec(new BigQueryBackfillSpec(new ExportRef(EXPORT), start.toString(), end.toString(), mode, 24, 2,
        suspend));
    if (started != null) {
      backfill.setStatus(new BigQueryBackfillStatus(1L, "Running", List.of(), null, null, start + "/" + end, null,
          "2026-11-28T09:00:00Z", null, started));
    }
    return backfill;
  }

  private static BigQueryBackfill backfill() {
    return backfill(START, END, BackfillMode.FillGaps, false, null);
  }

  /** The configs the export would create (it derives them as the backfill does), by the operator's identity. */
  private List<String> exportCreatesItsConfigs(BigQueryExport export) {
    ExporterConfig config = ExporterConfigMap.config(export, NOW);
    List<TransferConfigSpec> specs = TransferConfigSpec.builder()
        .export(NS, EXPORT).storage(config.storage()).destination(config.destination()).data(config.data())
        .schedule(export.getSpec().schedule()).availabilityDelay(Duration.ofHours(2)).build();
    try (TransferClient client = transfers.client(TOKEN)) {
      return specs.stream().map(spec -> client.create(spec).getName()).toList();
    }
  }

  private List<TransferRun> runs(String config) {
    try (TransferClient client = transfers.client(TOKEN)) {
      return client.runs(config);
    }
  }

  private static Problem problem(TransferBackfill.Outcome outcome) {
    assertThat(outcome.problems()).hasSize(1);
    return outcome.problems().get(0);
  }

  @Test
  void runsAreStartedOnceForEveryHourInEveryConfigAndFollowedUntilTheyEnd() {
    BigQueryExport export = export();
    List<String> configs = exportCreatesItsConfigs(export);

    TransferBackfill.Outcome first = transferBackfill.step(backfill(), export, true, true, NOW);

    assertThat(first.problems()).isEmpty();
    assertThat(first.waiting()).isNull();
    assertThat(first.configs()).containsExactlyInAnyOrderElementsOf(configs);
    for (String config : configs) {
      assertThat(runs(config)).as(config).hasSize(24);
    }
    BackfillChunks progress = first.progress().orElseThrow();
    assertThat(progress.hoursTotal()).isEqualTo(24);
    assertThat(progress.startTime()).as("no recorded start: now").isEqualTo(NOW.toString());
    assertThat(first.recheckAfter()).as("looked at again while runs are pending").isEqualTo(
        progress.state() == BackfillChunks.JobState.Running ? Optional.of(TransferBackfill.POLL) : Optional.empty());

    BigQueryBackfill recorded = backfill(START, END, BackfillMode.FillGaps, false, first.configs());
    TransferBackfill.Outcome again = transferBackfill.step(recorded, export, true, false, NOW);
    assertThat(again.configs()).isEqualTo(first.configs());
    assertThat(again.progress().orElseThrow().startTime()).isEqualTo("2026-11-28T09:00:00Z");
    for (String config : configs) {
      assertThat(runs(config)).as("nothing started again: the configs are recorded as started").hasSize(24);
    }
    assertThat(transfers.calls("ListTransferConfigs")).as("recorded configs are not looked up again").isEqualTo(1);

    // The bucket holds no objects: every run fails ("No files found"), and the backfill stops looking.
    TransferBackfill.Outcome ended = Waits.until("the transfer runs of " + configs, () -> transferBackfill.step(
        recorded, export, true, true, NOW), o -> o.progress().orElseThrow().state() != BackfillChunks.JobState.Running,
        o -> String.valueOf(o.progress()));
    assertThat(ended.progress().orElseThrow().state()).isEqualTo(BackfillChunks.JobState.Failed);
    assertThat(ended.progress().orElseThrow().hoursFailed()).isEqualTo(24);
    assertThat(ended.recheckAfter()).isEmpty();
  }

  @Test
  void beforeTheExportHasCreatedItsConfigsTheBackfillWaitsNamingThem() {
    TransferBackfill.Outcome outcome = transferBackfill.step(backfill(), export(), true, true, NOW);

    assertThat(outcome.problems()).isEmpty();
    assertThat(outcome.waiting().reason()).isEqualTo(Reasons.WAITING_FOR_EXPORT);
    assertThat(outcome.waiting().message()).startsWith("Waiting for BigQueryExport " + EXPORT + " to create its"
        + " transfer configs (display names bqexport analytics/" + EXPORT + " events")
        .endsWith(" in projects/" + PROJECT + "/locations/us); the backfill starts its transfer runs as soon as they"
        + " exist.");
    assertThat(outcome.recheckAfter()).contains(TransferBackfill.POLL);
    assertThat(outcome.configs()).isEmpty();
  }

  @Test
  void ofTwoConfigsOfOneNameTheFirstByNameIsUsed() {
    BigQueryExport export = export();
    List<String> first = exportCreatesItsConfigs(export);
    List<String> second = exportCreatesItsConfigs(export);

    TransferBackfill.Outcome outcome = transferBackfill.step(backfill(), export, true, true, NOW);

    for (int i = 0; i < first.size(); i++) {
      String kept = first.get(i).compareTo(second.get(i)) <= 0 ? first.get(i) : second.get(i);
      String other = kept.equals(first.get(i)) ? second.get(i) : first.get(i);
      assertThat(outcome.configs()).contains(kept).doesNotContain(other);
      assertThat(runs(other)).isEmpty();
    }
  }

  @Test
  void anInvalidSpecKeepsWhatWasRecordedAndCallsNothing() {
    TransferBackfill.Outcome outcome = transferBackfill.step(backfill(START, END, BackfillMode.FillGaps, false,
        List.of("projects/p/locations/us/transferConfigs/a")), export(), false, true, NOW);

    assertThat(outcome.configs()).containsExactly("projects/p/locations/us/transferConfigs/a");
    assertThat(outcome.problems()).isEmpty();
    assertThat(outcome.progress()).isEmpty();
    assertThat(outcome.recheckAfter()).isEmpty();
    assertThat(transfers.calls("ListTransferConfigs") + transfers.calls("ListTransferRuns")).isZero();
  }

  @Test
  void nothingStartsBeforeTheExportsCredentialsAreValid() {
    exportCreatesItsConfigs(export());

    TransferBackfill.Outcome outcome = transferBackfill.step(backfill(), export(), true, false, NOW);

    assertThat(outcome.waiting().reason()).isEqualTo(Reasons.WAITING_FOR_EXPORT);
    assertThat(outcome.waiting().message()).contains("valid credentials");
    assertThat(outcome.configs()).isEmpty();
    assertThat(transfers.calls("StartManualTransferRuns")).isZero();
  }

  @Test
  void replaceIsRefusedBecauseTheServiceOnlyAppends() {
    exportCreatesItsConfigs(export());

    TransferBackfill.Outcome outcome = transferBackfill.step(backfill(START, END, BackfillMode.Replace, false, null),
        export(), true, true, NOW);

    assertThat(problem(outcome).reason()).isEqualTo(Reasons.INVALID_SPEC);
    assertThat(problem(outcome).message()).startsWith("spec.mode Replace is not possible with an export of delivery"
        + " TransferService");
    assertThat(outcome.recheckAfter()).isEmpty();
    assertThat(transfers.calls("StartManualTransferRuns")).isZero();
  }

  @Test
  void aRangeOfMoreThanAThousandHoursIsRefusedButAThousandIsNot() {
    Instant start = Instant.parse("2026-09-01T00:00:00Z");
    TransferBackfill.Outcome tooLong = transferBackfill.step(backfill(start, start.plus(Duration.ofHours(1001)),
        BackfillMode.FillGaps, false, null), export(), true, true, NOW);

    assertThat(problem(tooLong).reason()).isEqualTo(Reasons.LOAD_JOB_QUOTA);
    assertThat(problem(tooLong).message()).startsWith("spec.start to spec.end spans 1001 hours;")
        .contains("at most 1000 so that it stays within BigQuery's 1500 load jobs per table per day");

    TransferBackfill.Outcome thousand = transferBackfill.step(backfill(start, start.plus(Duration.ofHours(1000)),
        BackfillMode.FillGaps, false, null), export(), true, true, NOW);
    assertThat(thousand.problems()).isEmpty();
    assertThat(thousand.waiting().reason()).as("on to looking for the configs").isEqualTo(Reasons.WAITING_FOR_EXPORT);
  }

  @Test
  void aSuspendedBackfillStartsNoRuns() {
    exportCreatesItsConfigs(export());

    TransferBackfill.Outcome outcome = transferBackfill.step(backfill(START, END, BackfillMode.FillGaps, true, null),
        export(), true, true, NOW);

    assertThat(outcome.waiting().reason()).isEqualTo(Reasons.SUSPENDED);
    assertThat(outcome.recheckAfter()).isEmpty();
    assertThat(transfers.calls("StartManualTransferRuns")).isZero();
  }

  @Test
  void aRangeWhoseLastRunIsStillAheadWaitsForItAtMostTenMinutesAtATime() {
    // The run loading hour H runs at H + 1h + availabilityDelay 2h + the schedule's minute 5.
    Instant end = Instant.parse("2026-11-28T07:00:00Z"); // last hour 06:00, its run at 09:05: past at 10:10
    Instant later = Instant.parse("2026-11-28T08:00:00Z"); // last run at 10:05:00
    TransferBackfill.Outcome ready = transferBackfill.step(backfill(START, end, BackfillMode.FillGaps, false, null),
        export(), true, true, Instant.parse("2026-11-28T10:05:01Z"));
    assertThat(ready.waiting().reason()).isEqualTo(Reasons.WAITING_FOR_EXPORT);

    TransferBackfill.Outcome ahead = transferBackfill.step(backfill(START, later, BackfillMode.FillGaps, false, null),
        export(), true, true, Instant.parse("2026-11-28T10:03:00Z"));
    assertThat(problem(ahead).reason()).isEqualTo(Reasons.RANGE_NOT_AVAILABLE);
    assertThat(problem(ahead).message()).startsWith("the transfer run that loads the last hour of the range runs at"
        + " 2026-11-28T10:05:00Z");
    assertThat(ahead.recheckAfter()).contains(Duration.ofSeconds(121));

    TransferBackfill.Outcome farAhead = transferBackfill.step(backfill(START, later, BackfillMode.FillGaps, false,
        null), export(), true, true, Instant.parse("2026-11-28T09:00:00Z"));
    assertThat(farAhead.recheckAfter()).contains(Duration.ofMinutes(10));
  }

  @Test
  void aMissingPermissionAndADisabledServiceAreRetriedAfterAMinute() {
    exportCreatesItsConfigs(export());
    transfers.grant(OPERATOR, GET);
    TransferBackfill.Outcome denied = transferBackfill.step(backfill(), export(), true, true, NOW);
    assertThat(problem(denied).reason()).isEqualTo(Reasons.TRANSFER_PERMISSION_DENIED);
    assertThat(denied.recheckAfter()).contains(TransferBackfill.RETRY);

    transfers.grant(OPERATOR, GET, UPDATE).disableService(true);
    TransferBackfill.Outcome disabled = transferBackfill.step(backfill(), export(), true, true, NOW);
    assertThat(problem(disabled).reason()).isEqualTo(Reasons.TRANSFER_SERVICE_DISABLED);
  }

  @Test
  void noTokenFromWorkloadIdentityIsRetriedAfterAMinute() {
    TransferBackfill noToken = new TransferBackfill(transfers.clients(), () -> {
      throw new IOException("metadata server unreachable");
    }, new ExportSecrets(kubernetes.client()));

    TransferBackfill.Outcome outcome = noToken.step(backfill(), export(), true, true, NOW);

    assertThat(problem(outcome).reason()).isEqualTo(Reasons.WORKLOAD_IDENTITY_UNAVAILABLE);
    assertThat(outcome.recheckAfter()).contains(TransferBackfill.RETRY);
  }

  @Test
  void aMissingKeySecretIsTheExportsProblemAndAnUnreadableKeyIsNotRetriedByTime() {
    BigQueryExport keyed = export(new DestinationSpec(PROJECT, "amplitude", "US",
        new SecretKeyRef("bq-writer", null), null, bigquery.endpoint()));

    TransferBackfill.Outcome missing = transferBackfill.step(backfill(), keyed, true, true, NOW);

    assertThat(problem(missing).message()).startsWith("BigQueryExport " + EXPORT + ": ").contains("bq-writer");
    assertThat(missing.recheckAfter()).isEmpty();

    kubernetes.client().secrets().inNamespace(NS).resource(new io.fabric8.kubernetes.api.model.SecretBuilder()
        .withNewMetadata().withName("bq-writer").withNamespace(NS)
        .addToLabels(ExportSecrets.CREDENTIALS_LABEL, "true").endMetadata()
        .addToStringData("service-account.json", "{\"type\": \"service_account\", \"project_id\": \"acme\"}")
        .build()).create();
    TransferBackfill.Outcome unreadable = transferBackfill.step(backfill(), keyed, true, true, NOW);
    assertThat(unreadable.problems()).isNotEmpty();
    assertThat(unreadable.recheckAfter()).as("a key must be fixed by hand").isEmpty();
    assertThat(transfers.calls("StartManualTransferRuns")).isZero();
  }

  @Test
  void anExportTheTransferServiceCannotLoadIsAnInvalidSpec() {
    BigQueryExport export = export();
    export.setSpec(new BigQueryExportSpec(export.getSpec().source(), export.getSpec().destination(),
        new DataSpec(null), "*/7 * * * *", null, "2026-11-28T05:00:00Z", null, null, null, null, null,
        JobPodSpec.empty(), null, Delivery.TransferService, null));

    TransferBackfill.Outcome outcome = transferBackfill.step(backfill(), export, true, true, NOW);

    assertThat(problem(outcome).reason()).isEqualTo(Reasons.INVALID_SPEC);
    assertThat(problem(outcome).message()).startsWith("BigQueryExport " + EXPORT + " cannot be loaded by the"
        + " Transfer Service: ");
    assertThat(outcome.recheckAfter()).isEmpty();
  }

  @Test
  void theReconcilerRecordsTheStartedConfigsAndTheRangeAndCreatesNoJob() {
    BigQueryExport export = export();
    export.setStatus(new BigQueryExportStatus(1L, List.of(new Condition(ConditionType.CREDENTIALS_VALID, "True",
        Reasons.VALIDATED, "", "2026-11-28T10:00:00Z", 1L)), null, null, null, null, null, null, null, null, null,
        null));
    List<String> configs = exportCreatesItsConfigs(export);
    BackfillReconciler reconciler = new BackfillReconciler(kubernetes.client(),
        new EventRecorder(kubernetes.client(), clock), "exporter:test", clock, transfers.clients(),
        () -> TransferServiceStandIn.credentials(TOKEN));
    BigQueryBackfill backfill = backfill();

    BackfillReconciler.Decision started = reconciler.decide(backfill, List.of(),
        () -> Optional.of(export), () -> Optional.of(export), Set::of);

    BigQueryBackfillStatus status = started.next();
    assertThat(status.transferConfigs()).containsExactlyInAnyOrderElementsOf(configs);
    assertThat(status.startedRange()).isEqualTo(START + "/" + END);
    assertThat(status.job()).isNull();
    assertThat(status.progress().hoursTotal()).isEqualTo(24);
    assertThat(kubernetes.client().batch().v1().jobs().inNamespace(NS).list().getItems()).isEmpty();

    // The range changed afterwards: refused, and the configs started stay recorded; nothing else is called.
    BigQueryBackfill changed = backfill(START, END.plus(Duration.ofHours(1)), BackfillMode.FillGaps, false, null);
    changed.setStatus(status);
    long listed = transfers.calls("ListTransferRuns");
    BackfillReconciler.Decision refused = reconciler.decide(changed, List.of(), () -> Optional.of(export),
        () -> Optional.of(export), Set::of);
    assertThat(refused.next().transferConfigs()).isEqualTo(status.transferConfigs());
    assertThat(refused.next().startedRange()).isEqualTo(START + "/" + END);
    assertThat(refused.next().conditions()).anySatisfy(c -> assertThat(c.reason()).isEqualTo(Reasons.RANGE_CHANGED));
    assertThat(transfers.calls("ListTransferRuns")).isEqualTo(listed);

    BackfillReconciler.Decision waiting = reconciler.decide(backfill(), List.of(), () -> Optional.of(export()),
        () -> Optional.of(export()), Set::of);
    assertThat(waiting.next().conditions()).anySatisfy(c -> assertThat(c.message()).contains("valid credentials"));
    assertThat(waiting.next().startedRange()).as("no config started yet").isNull();
  }
}
