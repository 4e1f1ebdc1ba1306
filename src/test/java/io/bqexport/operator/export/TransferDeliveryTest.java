package io.bqexport.operator.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.cloud.bigquery.datatransfer.v1.TransferConfig;
import com.google.cloud.bigquery.datatransfer.v1.TransferRun;
import com.google.cloud.bigquery.datatransfer.v1.TransferState;
import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.Condition;
import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.api.v1alpha1.RunRecord;
import io.bqexport.api.v1alpha1.TransferConfigStatus;
import io.bqexport.operator.status.ConditionType;
import io.bqexport.testing.ProjectFiles;
import io.bqexport.testing.Waits;
import io.bqexport.testing.transfer.TransferExportScenario;
import io.fabric8.kubernetes.api.model.Event;
import java.nio.file.Files;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A storage-source export in TransferService mode, end to end: the real operator on the Kubernetes API stand-in
 * drives the real DataTransferServiceClient against the Transfer Service stand-in, whose runs load the Cloud Storage
 * stand-in's files into the BigQuery emulator.
 */
class TransferDeliveryTest {
  private static final String NAME = "product-events";
  private static final Instant NOW = Instant.parse("2026-11-28T10:10:00Z");
  /** The latest due hour at NOW: H + 1h + 2h availability delay <= 10:10. */
  private static final Instant DUE = Instant.parse("2026-11-28T07:00:00Z");
  /** The scheduled run (minute 5) that loads DUE. */
  private static final Instant RUN_TIME = Instant.parse("2026-11-28T10:05:00Z");

  private TransferExportScenario scenario;

  @BeforeEach
  void start() {
    scenario = new TransferExportScenario(NOW);
    scenario.events.hour(DUE, 40);
    scenario.storage.writeEvents(scenario.events, DUE);
    scenario.storage.writeMergeIds(DUE, 5, 11);
  }

  @AfterEach
  void stop() {
    scenario.close();
  }

  @Test
  void configsAreCreatedRunsMirroredAndTheRowsLoaded() throws Exception {
    scenario.create(scenario.export(NAME, DUE, true));
    List<TransferConfigStatus> configs = awaitConfigs(2);

    assertThat(configs).extracting(TransferConfigStatus::table).containsExactly("events", "merge_ids_raw");
    TransferConfig events = config("events");
    assertThat(events.getDisplayName()).isEqualTo("bqexport analytics/product-events events");
    assertThat(events.getDataSourceId()).isEqualTo("google_cloud_storage");
    assertThat(events.getDestinationDatasetId()).isEqualTo("amplitude");
    assertThat(events.getSchedule()).isEqualTo("every 1 hours from 00:05 to 23:05");
    assertThat(params(events)).containsEntry("data_path_template",
            "gs://acme-amplitude-export/amplitude/187000/187000_{run_time-3h|\"%Y-%m-%d_%-H\"}#*.json.gz")
        .containsEntry("destination_table_name_template", "events").containsEntry("file_format", "JSON")
        .containsEntry("write_disposition", "APPEND").containsEntry("ignore_unknown_values", "true");
    assertThat(params(config("merge_ids_raw"))).containsEntry("data_path_template",
        "gs://acme-amplitude-export/amplitude/-189524/-189524_{run_time-3h|\"%Y-%m-%d_%-H\"}.json.gz");
    assertThat(scenario.get(NAME).getMetadata().getFinalizers()).contains(TransferFinalizer.NAME);
    assertThat(scenario.kubernetes.client().batch().v1().cronjobs().inNamespace(TransferExportScenario.NAMESPACE)
        .list().getItems()).as("no CronJob: the Transfer Service runs the loads").isEmpty();

    // The Transfer Service's scheduler runs both configs at 10:05.
    for (TransferConfigStatus config : configs) {
      scenario.transfer.service().triggerScheduledRun(config.name(), RUN_TIME);
    }

    Condition ready = scenario.await(NAME, ConditionType.READY, c -> c.isTrue()
        && c.message().contains("through 2026-11-28T08:00:00Z"));
    assertThat(ready.reason()).isEqualTo(Reasons.READY);
    BigQueryExport export = scenario.get(NAME);
    assertThat(export.getStatus().exportedThrough()).isEqualTo("2026-11-28T08:00:00Z");
    assertThat(export.getStatus().runs()).hasSize(2).allSatisfy(run -> {
      assertThat(run.result()).isEqualTo("Succeeded");
      assertThat(run.committed()).isEqualTo("2026-11-28T07:00:00Z/2026-11-28T08:00:00Z");
    });
    assertThat(export.getStatus().runs()).extracting(RunRecord::job)
        .anySatisfy(job -> assertThat(job).startsWith("events/"))
        .anySatisfy(job -> assertThat(job).startsWith("merge_ids_raw/"));
    assertThat(scenario.rows("events")).isEqualTo(40);
    assertThat(scenario.rows("merge_ids_raw")).as("Amplitude's records as written").isEqualTo(5);
    assertThat(scenario.bigquery.tableExists(TransferExportScenario.PROJECT, TransferExportScenario.DATASET,
        "merge_ids")).as("no typed table a load could not fill: the README's view takes its name").isFalse();
    // The README's view body over the raw table gives the typed columns its merged-ID queries read.
    assertThat(scenario.bigquery.query(TransferExportScenario.PROJECT, "SELECT COUNT(*) AS n FROM ("
        + readmeMergeIdsViewBody() + ") WHERE merge_server_time >= TIMESTAMP '2026-11-28 07:00:00'"
        + " AND merge_server_time < TIMESTAMP '2026-11-28 08:00:00'")).containsExactly(Map.of("n", 5L));
  }

  @Test
  void aSpecChangeUpdatesTheConfigAndAManualEditIsReverted() {
    BigQueryExport created = scenario.create(scenario.export(NAME, DUE, false));
    String name = awaitConfigs(1).get(0).name();

    scenario.patchSpec(NAME, scenario.spec(DUE, false, "20 * * * *", "projects/acme-analytics/topics/loads"));
    await().untilAsserted(() -> {
      TransferConfig config = scenario.transfer.service().configs().get(0);
      assertThat(config.getSchedule()).isEqualTo("every 1 hours from 00:20 to 23:20");
      assertThat(config.getNotificationPubsubTopic()).isEqualTo("projects/acme-analytics/topics/loads");
      assertThat(config.getName()).as("updated in place, runs kept").isEqualTo(name);
    });
    await().until(() -> !events(TransferEvents.UPDATED).isEmpty());
    assertThat(events(Reasons.MANUAL_CHANGE_REVERTED)).isEmpty();

    // Someone edits the config in the BigQuery console.
    TransferConfig edited = scenario.transfer.service().configs().get(0).toBuilder()
        .setSchedule("every 24 hours").build();
    scenario.transfer.service().editOutsideBqexport(edited);
    await().untilAsserted(() -> assertThat(scenario.transfer.service().configs().get(0).getSchedule())
        .isEqualTo("every 1 hours from 00:20 to 23:20"));
    await().untilAsserted(() -> assertThat(events(Reasons.MANUAL_CHANGE_REVERTED)).singleElement()
        .satisfies(e -> assertThat(e.getMessage()).contains(name, "schedule: every 24 hours")));
    assertThat(created.getMetadata().getName()).isEqualTo(NAME);
  }

  @Test
  void deletingTheExportDeletesItsConfigs() {
    scenario.create(scenario.export(NAME, DUE, true));
    awaitConfigs(2);

    scenario.kubernetes.client().resource(scenario.get(NAME)).delete();

    await().until(() -> scenario.get(NAME) == null);
    assertThat(scenario.transfer.service().configs()).isEmpty();
    assertThat(events(TransferFinalizer.DELETED)).singleElement()
        .satisfies(e -> assertThat(e.getMessage()).contains("Deleted the transfer configs"));
  }

  @Test
  void movingTheDestinationToAnotherProjectDeletesTheConfigsLeftInTheOldOne() {
    scenario.bigquery.createDataset("acme-moved", TransferExportScenario.DATASET);
    scenario.create(scenario.export(NAME, DUE, false));
    String old = awaitConfigs(1).get(0).name();

    moveDestinationTo("acme-moved");

    await().untilAsserted(() -> assertThat(scenario.transfer.service().configs()).singleElement()
        .satisfies(c -> assertThat(c.getName()).startsWith("projects/acme-moved/")));
    assertThat(old).startsWith("projects/acme-analytics/");
    await().untilAsserted(() -> assertThat(events(TransferEvents.DELETED)).singleElement()
        .satisfies(e -> assertThat(e.getMessage()).contains(old)));

    scenario.kubernetes.client().resource(scenario.get(NAME)).delete();
    await().until(() -> scenario.get(NAME) == null);
    assertThat(scenario.transfer.service().configs()).isEmpty();
  }

  @Test
  void aConfigLeftInAProjectTheKeyNoLongerReachesIsNamedAndTheExportGoesOn() {
    scenario.bigquery.createDataset("acme-moved", TransferExportScenario.DATASET);
    scenario.create(scenario.export(NAME, DUE, false));
    String old = awaitConfigs(1).get(0).name();
    scenario.transfer.revokeInProject(scenario.key.clientEmail(), TransferExportScenario.PROJECT);

    moveDestinationTo("acme-moved");

    await().untilAsserted(() -> assertThat(events(TransferFinalizer.ORPHANED)).singleElement()
        .satisfies(e -> assertThat(e.getMessage()).contains(old, "bigquery.transfers.get", "acme-analytics",
            "bq rm --transfer_config")));
    assertThat(awaitConfigs(1).get(0).name()).as("the moved export runs in its new project")
        .startsWith("projects/acme-moved/");
    assertThat(scenario.transfer.service().configs()).extracting(TransferConfig::getName)
        .contains(old).hasSize(2);
  }

  @Test
  void aSteadyPollListsTheConfigsOnceAndChangesNothing() {
    scenario.create(scenario.export(NAME, DUE, false));
    awaitConfigs(1);
    var service = scenario.transfer;
    long runsBefore = service.calls("ListTransferRuns");
    long listsBefore = service.calls("ListTransferConfigs");
    long writesBefore = service.calls("CreateTransferConfig") + service.calls("UpdateTransferConfig");

    // The scenario polls every second; one config, so each poll reads its runs once.
    await().until(() -> service.calls("ListTransferRuns") - runsBefore >= 10);

    long runs = service.calls("ListTransferRuns") - runsBefore;
    long lists = service.calls("ListTransferConfigs") - listsBefore;
    assertThat(lists).as("one ListTransferConfigs per poll (%d polls)", runs).isBetween(runs - 2, runs + 2);
    assertThat(service.calls("CreateTransferConfig") + service.calls("UpdateTransferConfig")).isEqualTo(writesBefore);
  }

  @Test
  void withoutItsKeySecretADeletedExportLetsGoAndNamesTheConfigsLeftBehind() {
    scenario.create(scenario.export(NAME, DUE, false));
    String name = awaitConfigs(1).get(0).name();
    scenario.kubernetes.client().secrets().inNamespace(TransferExportScenario.NAMESPACE).withName("bq-writer")
        .delete();

    scenario.kubernetes.client().resource(scenario.get(NAME)).delete();

    await().until(() -> scenario.get(NAME) == null);
    assertThat(scenario.transfer.service().configs()).extracting(TransferConfig::getName).containsExactly(name);
    assertThat(events(TransferFinalizer.ORPHANED)).singleElement().satisfies(e -> assertThat(e.getMessage())
        .contains(name, "bq rm --transfer_config", "bq-writer"));
  }

  @Test
  void aDisabledServiceAndAMissingPermissionEachStallWithTheirReason() {
    scenario.transfer.disableService(true);
    scenario.create(scenario.export(NAME, DUE, false));

    Condition disabled = scenario.awaitReason(NAME, ConditionType.STALLED, Reasons.TRANSFER_SERVICE_DISABLED);
    assertThat(disabled.isTrue()).isTrue();
    assertThat(disabled.message()).contains("gcloud services enable bigquerydatatransfer.googleapis.com")
        .doesNotContain("Exception", "\tat ");
    assertThat(scenario.get(NAME).getStatus().conditions()).filteredOn(c -> c.type().equals(ConditionType.READY))
        .singleElement().satisfies(c -> assertThat(c.reason()).isEqualTo(Reasons.TRANSFER_SERVICE_DISABLED));

    scenario.transfer.grant(scenario.key.clientEmail(), "bigquery.transfers.get");
    scenario.transfer.disableService(false);
    Condition denied = scenario.awaitReason(NAME, ConditionType.STALLED, Reasons.TRANSFER_PERMISSION_DENIED);
    assertThat(denied.message()).contains("bigquery.transfers.update", "acme-analytics")
        .doesNotContain("Exception");
    assertThat(scenario.transfer.service().configs()).isEmpty();

    scenario.transfer.grant(scenario.key.clientEmail(), TransferExportScenario.PERMISSIONS);
    scenario.await(NAME, ConditionType.STALLED, c -> !c.isTrue());
    assertThat(awaitConfigs(1)).hasSize(1);
  }

  @Test
  void aFailedRunShowsInStatusAndEventsUntilItsHourIsLoaded() {
    Instant earlier = DUE.minus(java.time.Duration.ofHours(1));
    String corrupt = scenario.storage.layout().eventsObject(earlier, 0);
    scenario.gcs.put(TransferExportScenario.BUCKET, corrupt,
        io.bqexport.testing.storage.AmplitudeStorageExport.gzip(List.of("{not json")));
    scenario.create(scenario.export(NAME, earlier, false));
    String config = awaitConfigs(1).get(0).name();

    scenario.transfer.service().triggerScheduledRun(config, RUN_TIME.minus(java.time.Duration.ofHours(1)));

    Condition failed = scenario.awaitReason(NAME, ConditionType.DATA_FRESH, Reasons.TRANSFER_RUN_FAILED);
    assertThat(failed.message()).contains("events hour 2026-11-28T06:00:00Z", "BigQueryBackfill");
    RunRecord run = scenario.get(NAME).getStatus().runs().get(0);
    assertThat(run.result()).isEqualTo("Failed");
    assertThat(run.reason()).isEqualTo(Reasons.TRANSFER_RUN_FAILED);
    assertThat(run.message()).startsWith("loading events hour 2026-11-28T06:00:00Z: ");
    await().untilAsserted(() -> assertThat(runEvents()).singleElement()
        .satisfies(e -> assertThat(e.getMessage()).contains(run.job())));

    // run-now loads the latest due hour; the failed hour still counts against freshness.
    scenario.annotate(NAME, RunNow.ANNOTATION, "1");
    await().until(() -> "1".equals(scenario.get(NAME).getStatus().lastRunNow()));
    await().until(() -> scenario.rows("events") == 40);
    assertThat(scenario.transfer.service().configs()).hasSize(1);
    await().untilAsserted(() -> assertThat(scenario.get(NAME).getStatus().runs())
        .filteredOn(r -> "Succeeded".equals(r.result())).singleElement()
        .satisfies(r -> assertThat(r.committed()).isEqualTo("2026-11-28T07:00:00Z/2026-11-28T08:00:00Z")));
    assertThat(scenario.get(NAME).getStatus().conditions()).filteredOn(c -> c.type()
        .equals(ConditionType.DATA_FRESH)).singleElement()
        .satisfies(c -> assertThat(c.reason()).isEqualTo(Reasons.TRANSFER_RUN_FAILED));

    // The file is fixed and the hour loaded again: nothing failed is left.
    scenario.gcs.put(TransferExportScenario.BUCKET, corrupt, io.bqexport.testing.storage.AmplitudeStorageExport
        .gzip(List.of("{\"event_type\":\"fixed\",\"user_id\":\"u1\"}")));
    scenario.transfer.service().triggerScheduledRun(config, RUN_TIME.minus(java.time.Duration.ofHours(1)));
    scenario.await(NAME, ConditionType.DATA_FRESH, Condition::isTrue);
    assertThat(runEvents()).as("one Event per failed run").hasSize(1);
  }

  @Test
  void switchingDeliveryMovesTheSchedulingBetweenTheCronJobAndTheTransferService() {
    BigQueryExport direct = scenario.export(NAME, DUE, false);
    direct.setSpec(directSpec());
    scenario.create(direct);
    await().until(() -> cronJob() != null && Boolean.FALSE.equals(cronJob().getSpec().getSuspend()));

    scenario.patchSpec(NAME, scenario.spec(DUE, false, "5 * * * *", null));
    awaitConfigs(1);
    await().until(() -> Boolean.TRUE.equals(cronJob().getSpec().getSuspend()));
    assertThat(scenario.get(NAME).getMetadata().getFinalizers()).contains(TransferFinalizer.NAME);

    scenario.kubernetes.client().resources(BigQueryExport.class).inNamespace(TransferExportScenario.NAMESPACE)
        .withName(NAME).edit(e -> {
          e.setSpec(directSpec());
          return e;
        });
    await().until(() -> scenario.transfer.service().configs().isEmpty()
        && !scenario.get(NAME).hasFinalizer(TransferFinalizer.NAME));
    await().until(() -> Boolean.FALSE.equals(cronJob().getSpec().getSuspend()));
  }

  private io.bqexport.api.v1alpha1.BigQueryExportSpec directSpec() {
    var spec = scenario.spec(DUE, false, "5 * * * *", null);
    return new io.bqexport.api.v1alpha1.BigQueryExportSpec(spec.source(), spec.destination(), spec.data(),
        spec.schedule(), spec.availabilityDelay(), spec.startFrom(), spec.suspend(), spec.historyLimit(),
        spec.maxHoursPerRun(), spec.freshnessThreshold(), spec.validationInterval(), spec.pod(), spec.integrity());
  }

  private io.fabric8.kubernetes.api.model.batch.v1.CronJob cronJob() {
    return scenario.kubernetes.client().batch().v1().cronjobs().inNamespace(TransferExportScenario.NAMESPACE)
        .list().getItems().stream().findFirst().orElse(null);
  }

  /**
   * The same hour loaded twice, as an analyst meets it: a repeated run over unchanged files (run-now, a backfill over
   * a loaded hour) loads nothing again, as the service documents for APPEND ("an unmodified file can only be loaded
   * into BigQuery once. If the file's last modification time property is updated, then the file will be reloaded",
   * https://cloud.google.com/bigquery/docs/cloud-storage-transfer); a file Amplitude rewrote is appended again, and
   * {@code deduplicated_events} and the README's merged-ID views stay exact.
   */
  @Test
  void aRepeatedHourIsAppendedOnlyWhenItsFilesWereRewrittenAndTheExactViewsStayExact() throws Exception {
    scenario.create(scenario.export(NAME, DUE, true));
    List<TransferConfigStatus> configs = awaitConfigs(2);

    runAll(configs);
    scenario.await(NAME, ConditionType.READY, c -> c.isTrue() && c.message().contains("through 2026-11-28T08:00:00Z"));
    assertThat(scenario.rows("events")).isEqualTo(40);
    assertThat(scenario.rows("merge_ids_raw")).isEqualTo(5);
    Map<Long, Long> mergedBefore = currentIds();
    assertThat(mergedBefore).hasSize(5);

    // The same slot again (what run-now or a backfill over the hour asks for): the files are unchanged.
    runAll(configs);
    assertThat(scenario.rows("events")).as("unchanged files are loaded once").isEqualTo(40);
    assertThat(scenario.rows("merge_ids_raw")).isEqualTo(5);

    // Amplitude rewrites the hour (same events, new objects): the next run appends them again, at least once.
    scenario.storage.writeEvents(scenario.events, DUE);
    scenario.storage.writeMergeIds(DUE, 5, 11);
    runAll(configs);
    assertThat(scenario.rows("events")).isEqualTo(80);
    assertThat(scenario.rows("merge_ids_raw")).isEqualTo(10);

    // Files are named by upload hour; event_time (the client's) can lie days before it, hence the wide range.
    assertThat(count("SELECT COUNT(*) AS n FROM `acme-analytics.amplitude.deduplicated_events`("
        + "DATE '2026-11-01', DATE '2026-11-30')")).as("the exact view: one row per uuid").isEqualTo(40);
    assertThat(count("SELECT COUNT(DISTINCT uuid) AS n FROM `acme-analytics.amplitude.deduplicated_events`("
        + "DATE '2026-11-01', DATE '2026-11-30')")).isEqualTo(40);
    assertThat(count("SELECT COUNT(*) AS n FROM `acme-analytics.amplitude.events` WHERE uuid IS NULL"))
        .as("uuid, the key of the exact view, is loaded").isZero();
    // Amplitude's "yyyy-MM-dd HH:mm:ss.SSSSSS" (UTC) loads into TIMESTAMP to the microsecond; $insert_id and $schema
    // are no column names BigQuery allows, so insert_id and schema stay empty.
    List<String> uuids = scenario.events.values(DUE, "uuid");
    List<String> eventTimes = scenario.events.values(DUE, "event_time");
    Map<String, Long> expected = new HashMap<>();
    for (int i = 0; i < uuids.size(); i++) {
      expected.put(uuids.get(i), java.time.temporal.ChronoUnit.MICROS.between(Instant.EPOCH,
          java.time.LocalDateTime.parse(eventTimes.get(i).replace(' ', 'T')).toInstant(java.time.ZoneOffset.UTC)));
    }
    Map<String, Long> loaded = new HashMap<>();
    for (Map<String, Object> row : scenario.bigquery.query(TransferExportScenario.PROJECT,
        "SELECT uuid, UNIX_MICROS(event_time) AS us FROM `acme-analytics.amplitude.deduplicated_events`("
            + "DATE '2026-11-01', DATE '2026-11-30')")) {
      loaded.put((String) row.get("uuid"), ((Number) row.get("us")).longValue());
    }
    assertThat(loaded).isEqualTo(expected);
    assertThat(count("SELECT COUNT(*) AS n FROM `acme-analytics.amplitude.events` WHERE insert_id IS NOT NULL"
        + " OR `schema` IS NOT NULL")).as("$insert_id and $schema (12 in every event) are not loaded").isZero();
    assertThat(currentIds()).as("the README's merged-ID view maps each merged ID once, as before")
        .isEqualTo(mergedBefore);
  }

  /** Each config's run for RUN_TIME, waited for to its end; every one must succeed. */
  private void runAll(List<TransferConfigStatus> configs) {
    for (TransferConfigStatus config : configs) {
      String run = scenario.transfer.service().triggerScheduledRun(config.name(), RUN_TIME).getName();
      TransferRun done = Waits.until("run " + run + " ends", () -> scenario.transfer.service().run(run),
          r -> r.getState() == TransferState.SUCCEEDED || r.getState() == TransferState.FAILED, String::valueOf);
      assertThat(done.getState()).as(done.getErrorStatus().getMessage()).isEqualTo(TransferState.SUCCEEDED);
    }
  }

  /** The README's one-level current_amplitude_id view over its merge_ids view over the raw table. */
  private Map<Long, Long> currentIds() throws Exception {
    String readme = Files.readString(ProjectFiles.resolve("README.md")).replaceAll("(?m)^  ", "");
    String create = "CREATE OR REPLACE VIEW `acme-analytics.amplitude.current_amplitude_id` AS";
    int start = readme.indexOf(create);
    assertThat(start).as("the README shows the view").isPositive();
    String view = readme.substring(start + create.length(), readme.indexOf(';', start)).trim()
        .replace("`acme-analytics.amplitude.merge_ids`", "(" + readmeMergeIdsViewBody() + ")");
    Map<Long, Long> current = new HashMap<>();
    for (Map<String, Object> row : scenario.bigquery.query(TransferExportScenario.PROJECT, view)) {
      Long previous = current.put(((Number) row.get("merged_amplitude_id")).longValue(),
          ((Number) row.get("amplitude_id")).longValue());
      assertThat(previous).as("one row per merged ID").isNull();
    }
    return current;
  }

  private long count(String sql) {
    return ((Number) scenario.bigquery.query(TransferExportScenario.PROJECT, sql).get(0).get("n")).longValue();
  }

  /** The SELECT of the README's merge_ids view over the raw table (Transfer Service delivery). */
  static String readmeMergeIdsViewBody() throws java.io.IOException {
    String readme = java.nio.file.Files.readString(ProjectFiles.resolve("README.md"));
    String create = "CREATE OR REPLACE VIEW `acme-analytics.amplitude.merge_ids` AS";
    int start = readme.indexOf(create);
    assertThat(start).as("the README shows the view").isPositive();
    return readme.substring(start + create.length(), readme.indexOf(';', start)).trim();
  }

  /** `kubectl patch --type merge` of spec.destination.projectId. */
  private void moveDestinationTo(String project) {
    scenario.kubernetes.client().resources(BigQueryExport.class).inNamespace(TransferExportScenario.NAMESPACE)
        .withName(NAME).patch(PatchContext.of(PatchType.JSON_MERGE),
            "{\"spec\":{\"destination\":{\"projectId\":\"" + project + "\"}}}");
  }

  private List<TransferConfigStatus> awaitConfigs(int count) {
    return Waits.until(count + " transfer configs in the status", () -> scenario.get(NAME),
        e -> e.getStatus() != null && e.getStatus().transfer() != null
            && e.getStatus().transfer().configs().size() == count, e -> String.valueOf(e.getStatus()))
        .getStatus().transfer().configs();
  }

  private TransferConfig config(String table) {
    return scenario.transfer.service().configs().stream()
        .filter(c -> c.getParams().getFieldsMap().get("destination_table_name_template").getStringValue()
            .equals(table)).findFirst().orElseThrow();
  }

  /** The per-run Events (the DataFresh transition has an Event of the same reason too). */
  private List<Event> runEvents() {
    return events(Reasons.TRANSFER_RUN_FAILED).stream().filter(e -> e.getMessage().startsWith("Transfer run "))
        .toList();
  }

  private List<Event> events(String reason) {
    return scenario.kubernetes.client().v1().events().inNamespace(TransferExportScenario.NAMESPACE).list()
        .getItems().stream().filter(e -> reason.equals(e.getReason())).toList();
  }

  /** The params of a config as strings. */
  private static Map<String, String> params(TransferConfig config) {
    return config.getParams().getFieldsMap().entrySet().stream().collect(java.util.stream.Collectors.toMap(
        Map.Entry::getKey, e -> e.getValue().getStringValue()));
  }
}
