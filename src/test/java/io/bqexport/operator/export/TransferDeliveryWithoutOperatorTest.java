package io.bqexport.operator.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.bigquery.datatransfer.v1.TransferConfig;
import com.google.cloud.bigquery.datatransfer.v1.TransferRun;
import com.google.cloud.bigquery.datatransfer.v1.TransferState;
import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.BigQueryExportSpec;
import io.bqexport.api.v1alpha1.BigQueryExportStatus;
import io.bqexport.api.v1alpha1.DataSpec;
import io.bqexport.api.v1alpha1.DestinationSpec;
import io.bqexport.api.v1alpha1.EventsSpec;
import io.bqexport.api.v1alpha1.GoogleCredentialsSpec;
import io.bqexport.api.v1alpha1.MergeIdsSpec;
import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.api.v1alpha1.TransferConfigStatus;
import io.bqexport.api.v1alpha1.TransferStatus;
import io.bqexport.api.v1alpha1.WorkloadIdentitySpec;
import io.bqexport.bigquery.ServiceAccountKeyInfo;
import io.bqexport.testing.Waits;
import io.bqexport.testing.transfer.TransferServiceStandIn;
import io.bqexport.testing.transfer.TransferServices;
import io.bqexport.transfer.TransferConfigSync;
import io.bqexport.transfer.TransferSchedule;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * TransferDelivery without an operator: what one reconcile creates, updates, deletes and starts in the Transfer
 * Service stand-in (through the real DataTransferServiceClient, with tokens the BigQuery emulator issues for the
 * export's key over a real socket), what it reports, and every failure as the condition reason and message a user
 * reads. The operator-level test (TransferDeliveryTest) shows the same path end to end.
 */
class TransferDeliveryWithoutOperatorTest {
  private static final String NAME = "product-events";
  private static final Instant NOW = Instant.parse("2026-11-28T10:10:00Z");
  private static final Instant DUE = Instant.parse("2026-11-28T07:00:00Z");
  /** The scheduled slot that loads DUE (minute 5, 1h + the 2h availability delay after it). */
  private static final Instant RUN_TIME = Instant.parse("2026-11-28T10:05:00Z");
  /** The run time run-now asks for at NOW: DUE + 3h, the earliest that loads DUE, never in the future. */
  private static final Instant RUN_NOW_TIME = Instant.parse("2026-11-28T10:00:00Z");
  private static final String PARENT = "projects/" + TransferServices.PROJECT + "/locations/us";
  private static final String MOVED = "acme-moved";

  private final TransferServices services = new TransferServices(NOW);
  private final TransferDelivery delivery = new TransferDelivery(services.transfer.clients(), () -> {
    throw new IOException("no metadata server here");
  });
  private final ExportSecrets.Observation secrets = new ExportSecrets.Observation(null,
      new ServiceAccountKeyInfo(services.key.clientEmail(), TransferServices.PROJECT, "fp"),
      new ExportSecrets.Values(services.key.json(), null, null, services.key.json()), "bq-writer=1");

  @AfterEach
  void stop() {
    services.close();
  }

  @Test
  void theConfigsAreCreatedReadBackAndASteadyReconcileListsOnceAndChangesNothing() {
    BigQueryExport export = export(true);

    TransferObservation created = delivery.reconcile(export, secrets, NOW);

    assertThat(created.problem()).as("%s", created.problem()).isNull();
    assertThat(created.transientProblem()).isFalse();
    assertThat(created.runNowHandled()).isNull();
    assertThat(created.schedule()).isEqualTo(new TransferSchedule(5, Duration.ofHours(3)));
    assertThat(created.configs()).extracting(TransferObservation.ConfigRuns::table)
        .containsExactly("events", "merge_ids_raw");
    assertThat(created.configs()).extracting(c -> c.config().getDisplayName())
        .containsExactly("bqexport analytics/product-events events", "bqexport analytics/product-events merged IDs");
    assertThat(created.configs()).allSatisfy(c -> assertThat(c.runs()).isEmpty());
    assertThat(created.changes()).extracting(TransferConfigSync.Change::kind)
        .containsExactly(TransferConfigSync.Change.Kind.CREATED, TransferConfigSync.Change.Kind.CREATED);
    assertThat(created.changes()).extracting(TransferConfigSync.Change::name)
        .containsExactlyInAnyOrderElementsOf(configNames());
    assertThat(created.configs()).extracting(c -> c.config().getName())
        .containsExactlyInAnyOrderElementsOf(configNames());
    assertThat(services.transfer.calls("ListTransferConfigs")).as("the sync's list, then the read-back").isEqualTo(2);
    assertThat(params(configFor("merge_ids_raw"))).containsEntry("destination_table_name_template", "merge_ids_raw");
    assertThat(services.bigquery.tableExists(TransferServices.PROJECT, TransferServices.DATASET, "merge_ids_raw"))
        .as("the table the merged-ID runs append to exists before the first run").isTrue();
    assertThat(services.bigquery.tableExists(TransferServices.PROJECT, TransferServices.DATASET, "merge_ids"))
        .isFalse();

    TransferObservation steady = delivery.reconcile(export, secrets, NOW);

    assertThat(steady.problem()).isNull();
    assertThat(steady.changes()).isEmpty();
    assertThat(steady.configs()).extracting(c -> c.config().getName())
        .containsExactlyElementsOf(created.configs().stream().map(c -> c.config().getName()).toList());
    assertThat(services.transfer.calls("ListTransferConfigs")).as("one list for a steady reconcile").isEqualTo(3);
    assertThat(services.transfer.calls("CreateTransferConfig")).isEqualTo(2);
  }

  @Test
  void eachConfigsRunsAreReadAndAFailedOneNamesItsTableAndHour() {
    services.events.hour(DUE, 4);
    services.storage.writeEvents(services.events, DUE);
    BigQueryExport export = export(false);
    String config = delivery.reconcile(export, secrets, NOW).configs().get(0).config().getName();
    // No credential check has created the events table (the operator's test upload does): the load fails.
    String run = services.transfer.service().triggerScheduledRun(config, RUN_TIME).getName();
    Waits.until("run " + run + " ends", () -> services.transfer.service().run(run),
        r -> r.getState() == TransferState.SUCCEEDED || r.getState() == TransferState.FAILED, String::valueOf);

    TransferObservation seen = delivery.reconcile(export, secrets, NOW);

    assertThat(seen.configs()).singleElement().satisfies(c -> assertThat(c.runs()).extracting(TransferRun::getName,
        TransferRun::getState).containsExactly(org.assertj.core.groups.Tuple.tuple(run, TransferState.FAILED)));
    assertThat(seen.failedHours()).singleElement().satisfies(f -> {
      assertThat(f.table()).isEqualTo("events");
      assertThat(f.hour()).isEqualTo(DUE);
      assertThat(run).endsWith("/runs/" + f.run());
    });
    assertThat(seen.running()).isFalse();
    assertThat(seen.status()).isEqualTo(new TransferStatus(List.of(new TransferConfigStatus("events", config,
        "bqexport analytics/product-events events"))));
  }

  @Test
  void runNowStartsTheLatestDueSlotOfEveryConfigOnceUntilTheExportIsForgotten() {
    BigQueryExport export = export(true);
    export.getMetadata().setAnnotations(Map.of(RunNow.ANNOTATION, "n1"));

    TransferObservation first = delivery.reconcile(export, secrets, NOW);

    assertThat(first.runNowHandled()).isEqualTo("n1");
    assertThat(services.transfer.calls("StartManualTransferRuns")).isEqualTo(2);
    assertThat(first.configs()).allSatisfy(c -> assertThat(c.runs()).singleElement()
        .satisfies(r -> assertThat(r.getRunTime().getSeconds()).isEqualTo(RUN_NOW_TIME.getEpochSecond())));

    // The status write failed, so the annotation is still pending: the runs are not started twice.
    TransferObservation again = delivery.reconcile(export, secrets, NOW);
    assertThat(again.runNowHandled()).isEqualTo("n1");
    assertThat(services.transfer.calls("StartManualTransferRuns")).isEqualTo(2);

    // Another export (another uid) with the same nonce is its own.
    BigQueryExport other = export(false);
    other.getMetadata().setName("other-events");
    other.getMetadata().setUid("uid-other");
    other.getMetadata().setAnnotations(Map.of(RunNow.ANNOTATION, "n1"));
    assertThat(delivery.reconcile(other, secrets, NOW).runNowHandled()).isEqualTo("n1");
    assertThat(services.transfer.calls("StartManualTransferRuns")).isEqualTo(3);

    delivery.forget(export);
    delivery.reconcile(export, secrets, NOW);
    assertThat(services.transfer.calls("StartManualTransferRuns")).as("a new process would start them").isEqualTo(5);

    export.getMetadata().setAnnotations(Map.of(RunNow.ANNOTATION, "n2"));
    assertThat(delivery.reconcile(export, secrets, NOW).runNowHandled()).isEqualTo("n2");
    assertThat(services.transfer.calls("StartManualTransferRuns")).isEqualTo(7);
  }

  @Test
  void withoutRunNowNoRunIsStartedAndNothingIsHandled() {
    BigQueryExport export = export(false);
    export.getMetadata().setAnnotations(Map.of(RunNow.ANNOTATION, "n1"));
    export.setStatus(status(null, "n1"));

    TransferObservation seen = delivery.reconcile(export, secrets, NOW);

    assertThat(seen.runNowHandled()).isNull();
    assertThat(services.transfer.calls("StartManualTransferRuns")).isZero();
  }

  @Test
  void theLatestDueRunTimeLoadsTheLatestDueHourAndIsNeverInTheFuture() {
    TransferSchedule schedule = TransferSchedule.fromCron("5 * * * *", Duration.ofHours(2));
    assertThat(TransferDelivery.latestDueRunTime(schedule, NOW)).isEqualTo(RUN_NOW_TIME);
    assertThat(schedule.loadedHour(RUN_NOW_TIME)).isEqualTo(DUE);
    assertThat(TransferDelivery.latestDueRunTime(schedule, RUN_NOW_TIME)).as("due at that instant")
        .isEqualTo(RUN_NOW_TIME);
    assertThat(TransferDelivery.latestDueRunTime(schedule, RUN_NOW_TIME.minusSeconds(1)))
        .isEqualTo(RUN_NOW_TIME.minus(Duration.ofHours(1)));
  }

  @Test
  void theConfigsLiveInTheKeysProjectWhenTheSpecNamesNoneUnderTheLowerCaseLocation() {
    BigQueryExport export = export(false);
    DestinationSpec d = export.getSpec().destination();
    export.setSpec(withDestination(export.getSpec(), new DestinationSpec(null, d.dataset(), "US",
        d.credentialsSecretRef(), null, d.endpoint())));

    assertThat(TransferDelivery.parent(export, secrets)).isEqualTo(PARENT);
    TransferObservation seen = delivery.reconcile(export, secrets, NOW);
    assertThat(seen.problem()).isNull();
    assertThat(configNames()).singleElement().satisfies(n -> assertThat(n).startsWith(PARENT + "/transferConfigs/"));
    assertThat(TransferDelivery.specs(export, secrets, NOW).get(0).parent()).isEqualTo(PARENT);
  }

  @Test
  void aNamedMergedIdTableGetsTheRawSuffixAndTheNotificationTopicIsSet() {
    BigQueryExport export = export(true);
    BigQueryExportSpec s = services.spec(DUE, true, "20 * * * *", "projects/acme-analytics/topics/loads");
    export.setSpec(new BigQueryExportSpec(s.source(), s.destination(), new DataSpec(new EventsSpec(null, null),
        new MergeIdsSpec(true, "merges")), s.schedule(), s.availabilityDelay(), s.startFrom(), s.suspend(),
        s.historyLimit(), s.maxHoursPerRun(), s.freshnessThreshold(), s.validationInterval(), s.pod(), s.integrity(),
        s.delivery(), s.transfer()));

    TransferObservation seen = delivery.reconcile(export, secrets, NOW);

    assertThat(seen.configs()).extracting(TransferObservation.ConfigRuns::table).containsExactly("events", "merges_raw");
    assertThat(services.bigquery.tableExists(TransferServices.PROJECT, TransferServices.DATASET, "merges_raw")).isTrue();
    assertThat(services.transfer.service().configs()).allSatisfy(c -> {
      assertThat(c.getNotificationPubsubTopic()).isEqualTo("projects/acme-analytics/topics/loads");
      assertThat(c.getSchedule()).isEqualTo("every 1 hours from 00:20 to 23:20");
    });
    assertThat(TransferDelivery.rawMergeIdsTable("merge_ids")).isEqualTo("merge_ids_raw");
  }

  @Test
  void aSpecTheServiceCannotRunIsAnInvalidSpecNamingTheFieldAndNothingIsCalled() {
    BigQueryExport export = export(false);
    export.setSpec(withSchedule(export.getSpec(), "CRON_TZ=Europe/Berlin 5 * * * *"));

    TransferObservation seen = delivery.reconcile(export, secrets, NOW);

    assertThat(seen.problem().reason()).isEqualTo(Reasons.INVALID_SPEC);
    assertThat(seen.problem().message()).startsWith("spec.schedule: ").contains("UTC");
    assertThat(seen.transientProblem()).isFalse();
    assertThat(seen.configs()).isEmpty();
    assertThat(services.transfer.calls("ListTransferConfigs")).isZero();
  }

  @Test
  void aKeyThatCannotBeReadNamesItsSecretField() {
    TransferObservation seen = delivery.reconcile(export(false), new ExportSecrets.Observation(null, null,
        new ExportSecrets.Values(null, null, null, null), "bq-writer=1"), NOW);

    assertThat(seen.problem().reason()).isEqualTo(Reasons.INVALID_KEY_JSON);
    assertThat(seen.problem().message()).isEqualTo("The key in spec.destination.credentialsSecretRef could not be"
        + " read as a service-account key for the Transfer Service.");
    assertThat(seen.transientProblem()).isFalse();
    assertThat(services.transfer.calls("ListTransferConfigs")).isZero();
  }

  @Test
  void withWorkloadIdentityTheOperatorsOwnIdentityIsUsedOrItsAbsenceNamed() {
    BigQueryExport export = workloadIdentity(export(false));
    ExportSecrets.Observation keyless = new ExportSecrets.Observation(null, null,
        new ExportSecrets.Values(null, null, null, null), "");

    TransferObservation none = delivery.reconcile(export, keyless, NOW);
    assertThat(none.problem().reason()).isEqualTo(Reasons.WORKLOAD_IDENTITY_UNAVAILABLE);
    assertThat(none.problem().message()).isEqualTo("The operator's pod got no Google token for the Transfer Service"
        + " from Application Default Credentials (IOException); see the README, Workload Identity on GKE.");

    String operatorIdentity = "bqexport-operator@acme-analytics.iam.gserviceaccount.com";
    services.transfer.acceptToken("operator-token", operatorIdentity).grant(operatorIdentity,
        TransferServices.PERMISSIONS);
    TransferDelivery ambient = new TransferDelivery(services.transfer.clients(),
        () -> TransferServiceStandIn.credentials("operator-token"));
    TransferObservation seen = ambient.reconcile(export, keyless, NOW);
    assertThat(seen.problem()).as("%s", seen.problem()).isNull();
    assertThat(configNames()).hasSize(1);
  }

  @Test
  void aMissingDestinationDatasetIsReportedBeforeAnyConfigIsMade() {
    BigQueryExport export = export(true);
    DestinationSpec d = export.getSpec().destination();
    export.setSpec(withDestination(export.getSpec(), new DestinationSpec(d.projectId(), "missing", d.location(),
        d.credentialsSecretRef(), null, d.endpoint())));

    TransferObservation seen = delivery.reconcile(export, secrets, NOW);

    assertThat(seen.problem()).isNotNull();
    assertThat(seen.problem().reason()).isEqualTo(Reasons.DATASET_NOT_FOUND);
    assertThat(seen.problem().message()).contains("missing");
    assertThat(seen.transientProblem()).isFalse();
    assertThat(configNames()).isEmpty();
  }

  @Test
  void aMissingPermissionStallsAndAnExhaustedQuotaIsRetried() {
    services.transfer.grant(services.key.clientEmail(), "bigquery.transfers.get");
    TransferObservation denied = delivery.reconcile(export(false), secrets, NOW);
    assertThat(denied.problem().reason()).isEqualTo(Reasons.TRANSFER_PERMISSION_DENIED);
    assertThat(denied.problem().message()).contains("bigquery.transfers.update", TransferServices.PROJECT)
        .doesNotContain("Exception");
    assertThat(denied.transientProblem()).isFalse();

    services.transfer.grant(services.key.clientEmail(), TransferServices.PERMISSIONS)
        .exhaustQuota(TransferServices.PROJECT, true);
    TransferObservation quota = delivery.reconcile(export(false), secrets, NOW);
    assertThat(quota.problem().reason()).isEqualTo("TransferQuotaExceeded");
    assertThat(quota.transientProblem()).isTrue();
    assertThat(quota.configs()).isEmpty();
  }

  @Test
  void aConfigLeftInTheOldProjectIsDeletedOnceTheNewOnesAreListed() {
    services.bigquery.createDataset(MOVED, TransferServices.DATASET);
    BigQueryExport export = inProject(export(false), MOVED);
    TransferObservation before = delivery.reconcile(export, secrets, NOW);
    String old = before.configs().get(0).config().getName();
    assertThat(old).startsWith("projects/" + MOVED + "/");

    export = inProject(export, TransferServices.PROJECT);
    export.setStatus(status(before.status(), null));
    TransferObservation moved = delivery.reconcile(export, secrets, NOW);

    assertThat(moved.problem()).isNull();
    assertThat(moved.changes()).extracting(TransferConfigSync.Change::kind, TransferConfigSync.Change::name)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(TransferConfigSync.Change.Kind.CREATED,
            moved.configs().get(0).config().getName()), org.assertj.core.groups.Tuple.tuple(
            TransferConfigSync.Change.Kind.DELETED, old));
    assertThat(configNames()).containsExactly(moved.configs().get(0).config().getName());

    // The status still names the old config, which is gone now: nothing is deleted or reported again.
    assertThat(delivery.reconcile(export, secrets, NOW).changes()).isEmpty();
    assertThat(services.transfer.calls("DeleteTransferConfig")).isEqualTo(1);
  }

  @Test
  void aConfigTheStatusNamesIsDeletedOnlyIfItIsStillThisExports() {
    services.bigquery.createDataset(MOVED, TransferServices.DATASET);
    BigQueryExport someoneElses = inProject(export(false), MOVED);
    someoneElses.getMetadata().setName("someone-else");
    String theirs = delivery.reconcile(someoneElses, secrets, NOW).configs().get(0).config().getName();

    BigQueryExport export = export(false);
    export.setStatus(status(new TransferStatus(List.of(new TransferConfigStatus("events", theirs, "edited"),
        new TransferConfigStatus("events", null, null))), null));
    TransferObservation seen = delivery.reconcile(export, secrets, NOW);

    assertThat(seen.problem()).isNull();
    assertThat(seen.changes()).extracting(TransferConfigSync.Change::kind)
        .containsExactly(TransferConfigSync.Change.Kind.CREATED);
    assertThat(configNames()).contains(theirs).hasSize(2);
  }

  @Test
  void aConfigLeftWhereTheKeyNoLongerReachesIsOrphanedAndATransientFailureThereRetriesTheReconcile() {
    services.bigquery.createDataset(MOVED, TransferServices.DATASET);
    BigQueryExport export = inProject(export(false), MOVED);
    TransferObservation before = delivery.reconcile(export, secrets, NOW);
    String old = before.configs().get(0).config().getName();
    export = inProject(export, TransferServices.PROJECT);
    export.setStatus(status(before.status(), null));

    services.transfer.exhaustQuota(MOVED, true);
    TransferObservation quota = delivery.reconcile(export, secrets, NOW);
    assertThat(quota.problem().reason()).isEqualTo("TransferQuotaExceeded");
    assertThat(quota.problem().message()).contains(old);
    assertThat(quota.transientProblem()).isTrue();

    services.transfer.exhaustQuota(MOVED, false).revokeInProject(services.key.clientEmail(), MOVED);
    TransferObservation orphaned = delivery.reconcile(export, secrets, NOW);
    assertThat(orphaned.problem()).as("the export goes on in its new project").isNull();
    assertThat(orphaned.configs()).hasSize(1);
    assertThat(orphaned.changes()).singleElement().satisfies(c -> {
      assertThat(c.kind()).isEqualTo(TransferConfigSync.Change.Kind.ORPHANED);
      assertThat(c.name()).isEqualTo(old);
      assertThat(c.differences()).singleElement().satisfies(why -> assertThat(why)
          .contains("bigquery.transfers.get", MOVED));
    });
    assertThat(configNames()).contains(old);
  }

  @Test
  void deletingAllRemovesTheExportsConfigsHereAndThoseItsStatusNamesElsewhere() throws IOException {
    services.bigquery.createDataset(MOVED, TransferServices.DATASET);
    BigQueryExport export = inProject(export(true), MOVED);
    TransferObservation before = delivery.reconcile(export, secrets, NOW);
    export = inProject(export, TransferServices.PROJECT);
    export.setStatus(status(before.status(), null));
    delivery.reconcile(export, secrets, NOW);
    List<String> all = configNames();
    assertThat(all).hasSize(2);
    BigQueryExport unrelated = export(false);
    unrelated.getMetadata().setName("unrelated");
    String kept = delivery.reconcile(unrelated, secrets, NOW).configs().get(0).config().getName();

    List<TransferConfigSync.Change> changes = delivery.deleteAll(export, secrets, PARENT);

    assertThat(changes).allSatisfy(c -> assertThat(c.kind()).isEqualTo(TransferConfigSync.Change.Kind.DELETED))
        .extracting(TransferConfigSync.Change::name).containsExactlyInAnyOrderElementsOf(all);
    assertThat(configNames()).containsExactly(kept);
    assertThat(delivery.deleteAll(export, secrets, PARENT)).as("nothing left").isEmpty();
  }

  @Test
  void deletingAllWithoutAUsableKeyThrowsForTheFinalizerToReport() {
    BigQueryExport export = export(false);
    delivery.reconcile(export, secrets, NOW);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> delivery.deleteAll(export,
        new ExportSecrets.Observation(null, null, new ExportSecrets.Values(null, null, null, null), ""), PARENT))
        .isInstanceOf(IOException.class);
    assertThat(configNames()).hasSize(1);
  }

  private BigQueryExport export(boolean mergeIds) {
    BigQueryExport export = services.export(NAME, DUE, mergeIds);
    export.getMetadata().setUid("uid-" + NAME);
    return export;
  }

  private static BigQueryExport inProject(BigQueryExport export, String project) {
    DestinationSpec d = export.getSpec().destination();
    export.setSpec(withDestination(export.getSpec(), new DestinationSpec(project, d.dataset(), d.location(),
        d.credentialsSecretRef(), null, d.endpoint())));
    return export;
  }

  private static BigQueryExport workloadIdentity(BigQueryExport export) {
    DestinationSpec d = export.getSpec().destination();
    export.setSpec(withDestination(export.getSpec(), new DestinationSpec(d.projectId(), d.dataset(), d.location(),
        null, null, d.endpoint(), new GoogleCredentialsSpec(null, new WorkloadIdentitySpec()))));
    return export;
  }

  private static BigQueryExportSpec withDestination(BigQueryExportSpec s, DestinationSpec destination) {
    return new BigQueryExportSpec(s.source(), destination, s.data(), s.schedule(), s.availabilityDelay(),
        s.startFrom(), s.suspend(), s.historyLimit(), s.maxHoursPerRun(), s.freshnessThreshold(),
        s.validationInterval(), s.pod(), s.integrity(), s.delivery(), s.transfer());
  }

  private static BigQueryExportSpec withSchedule(BigQueryExportSpec s, String schedule) {
    return new BigQueryExportSpec(s.source(), s.destination(), s.data(), schedule, s.availabilityDelay(),
        s.startFrom(), s.suspend(), s.historyLimit(), s.maxHoursPerRun(), s.freshnessThreshold(),
        s.validationInterval(), s.pod(), s.integrity(), s.delivery(), s.transfer());
  }

  private static BigQueryExportStatus status(TransferStatus transfer, String lastRunNow) {
    return new BigQueryExportStatus(1L, List.of(), null, null, null, null, null, null, null, lastRunNow, null, null,
        transfer);
  }

  private List<String> configNames() {
    return services.transfer.service().configs().stream().map(TransferConfig::getName).toList();
  }

  private TransferConfig configFor(String table) {
    return services.transfer.service().configs().stream().filter(c -> table.equals(params(c)
        .get("destination_table_name_template"))).findFirst().orElseThrow();
  }

  private static Map<String, String> params(TransferConfig config) {
    return config.getParams().getFieldsMap().entrySet().stream().collect(java.util.stream.Collectors.toMap(
        Map.Entry::getKey, e -> e.getValue().getStringValue()));
  }
}
