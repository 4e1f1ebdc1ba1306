package io.bqexport.bigquery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.cloud.bigquery.TableId;
import io.bqexport.amplitude.AmplitudeAuthException;
import io.bqexport.amplitude.AmplitudeClientSettings;
import io.bqexport.amplitude.AmplitudeCredentials;
import io.bqexport.amplitude.AmplitudeRegion;
import io.bqexport.testing.ServiceAccountKeys;
import io.bqexport.testing.Waits;
import io.bqexport.testing.amplitude.AmplitudeEventGenerator;
import io.bqexport.testing.amplitude.AmplitudeExportStandIn;
import io.bqexport.testing.amplitude.GeneratedEvents;
import io.bqexport.testing.bigquery.BigQueryEmulator;
import io.bqexport.testing.bigquery.JobSummary;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The credential probe straight against the BigQuery emulator with a real key (the operator tests drive it too, but
 * take minutes): what it creates, the one-row test upload, and the reason and step each failure names.
 */
class CredentialProbeTest {

  private static final String PROJECT = "acme-analytics";
  private static final String DATASET = "amplitude";
  private static final Instant NOW = Instant.parse("2026-11-30T10:00:00Z");
  private static final String PROBE_TABLE = ".*/datasets/" + DATASET + "/tables/_bqexport_probe_[0-9a-f]{32}$";
  private static final CredentialProbe.SourceCheck SOURCE_ANSWERS = () -> "the source answers";

  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
  private BigQueryEmulator emulator;
  private ServiceAccountKeys.Key key;
  private CredentialProbe probe;

  @BeforeEach
  void start() {
    emulator = BigQueryEmulator.start(clock);
    emulator.requireAuthentication(true);
    emulator.createDataset(PROJECT, DATASET);
    key = ServiceAccountKeys.create(emulator, PROJECT, "writer");
    probe = new CredentialProbe(clock);
  }

  @AfterEach
  void stop() {
    emulator.close();
  }

  private CredentialProbe.Target withKey(String projectId, String mergeIdsTable, CredentialProbe.SourceCheck source) {
    return new CredentialProbe.Target(key.json(), keyInfo(), null, null, projectId, DATASET, "US",
        emulator.endpoint(), false, "events", mergeIdsTable, source);
  }

  private ServiceAccountKeyInfo keyInfo() {
    try {
      return ServiceAccountKeyInfo.parse(key.bytes(), "the test key");
    } catch (ServiceAccountKeyInfo.InvalidKeyException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aWorkingKeyCreatesTheTablesLoadsOneRowAndLeavesNoProbeTable() {
    CredentialProbe.Result result = probe.probe(withKey(null, null, SOURCE_ANSWERS));

    assertThat(result).isEqualTo(new CredentialProbe.Result(true, "Validated",
        "The key of writer@acme-analytics.iam.gserviceaccount.com can load into acme-analytics.amplitude, and"
            + " the source answers.", "writer@acme-analytics.iam.gserviceaccount.com", PROJECT));
    assertThat(emulator.tableExists(PROJECT, DATASET, "events")).isTrue();
    assertThat(emulator.tableExists(PROJECT, DATASET, Ledger.TABLE)).isTrue();
    assertThat(emulator.tableExists(PROJECT, DATASET, "merge_ids")).isFalse();
    List<JobSummary> loads = emulator.jobs().stream().filter(j -> j.type().equals("LOAD")).toList();
    assertThat(loads).singleElement().satisfies(load -> {
      assertThat(load.state()).isEqualTo("DONE");
      assertThat(load.errorReason()).isNull();
    });
    assertThat(probeTables()).isEmpty();
  }

  @Test
  void workloadIdentityProbesWithTheAmbientCredentialsAndCreatesTheMergeIdsTable() throws IOException {
    ServiceAccountCredentials ambient = ServiceAccountCredentials.fromStream(key.inputStream());
    CredentialProbe.Target target = new CredentialProbe.Target(null, null, ambient,
        "writer@acme-analytics.iam.gserviceaccount.com", PROJECT, DATASET, "US", emulator.endpoint(), false,
        "events", "merge_ids", SOURCE_ANSWERS);

    CredentialProbe.Result result = probe.probe(target);

    assertThat(result.ok()).isTrue();
    assertThat(result.message()).isEqualTo("Workload Identity writer@acme-analytics.iam.gserviceaccount.com can"
        + " load into acme-analytics.amplitude, and the source answers.");
    assertThat(result.serviceAccount()).isEqualTo("writer@acme-analytics.iam.gserviceaccount.com");
    assertThat(emulator.tableExists(PROJECT, DATASET, "merge_ids")).isTrue();
  }

  @Test
  void theProbeTableExpiresAnHourAfterTheClocksNowWhenItsDeleteFails() {
    emulator.faults().deny("DELETE", PROBE_TABLE, "bigquery.tables.delete");

    CredentialProbe.Result result = probe.probe(withKey(PROJECT, null, SOURCE_ANSWERS));

    assertThat(result.ok()).as(result.message()).isTrue();
    List<String> left = probeTables();
    assertThat(left).hasSize(1);
    Long expiry = keyClient().getTable(TableId.of(PROJECT, DATASET, left.get(0))).getExpirationTime();
    assertThat(expiry).isEqualTo(NOW.plus(Duration.ofHours(1)).toEpochMilli());
  }

  @Test
  void aDeniedProbeTableNamesTheStepAndThePermissionFix() {
    assertThat(probe.probe(withKey(PROJECT, null, SOURCE_ANSWERS)).ok()).isTrue();
    emulator.faults().deny("POST", ".*/datasets/" + DATASET + "/tables$", "bigquery.tables.create");

    CredentialProbe.Result result = probe.probe(withKey(PROJECT, null, SOURCE_ANSWERS));

    assertThat(result.ok()).isFalse();
    assertThat(result.reason()).isEqualTo("PermissionDenied");
    assertThat(result.message()).contains("BigQuery denied creating the temporary table _bqexport_probe_",
        "roles/bigquery.dataEditor");
  }

  @Test
  void aDeniedTestLoadNamesTheLoadStep() {
    emulator.faults().deny("POST", ".*/upload/bigquery/v2/projects/" + PROJECT + "/jobs$", "bigquery.jobs.create");

    CredentialProbe.Result result = probe.probe(withKey(PROJECT, null, SOURCE_ANSWERS));

    assertThat(result.reason()).isEqualTo("PermissionDenied");
    assertThat(result.message()).contains("BigQuery denied loading one row into _bqexport_probe_");
    assertThat(probeTables()).as("the probe table is deleted after a failure too").isEmpty();
  }

  @Test
  void aTestTableThatDoesNotReadBackOneRowIsTestUploadFailed() {
    ObjectNode empty = new ObjectMapper().createObjectNode();
    empty.putObject("tableReference").put("projectId", PROJECT).put("datasetId", DATASET).put("tableId", "x");
    empty.put("type", "TABLE").put("numRows", "0");
    emulator.faults().answerNext("GET", PROBE_TABLE, 1, empty);

    CredentialProbe.Result result = probe.probe(withKey(PROJECT, null, SOURCE_ANSWERS));

    assertThat(result.ok()).isFalse();
    assertThat(result.reason()).isEqualTo(CredentialProbe.TEST_UPLOAD_FAILED);
    assertThat(result.message()).contains("did not read back one row");
  }

  @Test
  void aSourceThatRejectsItsKeysGivesTheSourcesReasonAfterTheDestinationWorked() {
    CredentialProbe.SourceCheck rejecting = () -> {
      throw new AmplitudeAuthException(401, "GET /api/2/export");
    };

    CredentialProbe.Result result = probe.probe(withKey(PROJECT, null, rejecting));

    assertThat(result.ok()).isFalse();
    assertThat(result.reason()).isEqualTo(AmplitudeAuthException.REASON);
    assertThat(result.serviceAccount()).isEqualTo("writer@acme-analytics.iam.gserviceaccount.com");
    assertThat(result.projectId()).isEqualTo(PROJECT);
    assertThat(emulator.jobs()).anyMatch(j -> j.type().equals("LOAD") && j.errorReason() == null);
  }

  @Test
  void aMissingDatasetThatMayNotBeCreatedIsDatasetNotFound() {
    CredentialProbe.Target target = new CredentialProbe.Target(key.json(), keyInfo(), null, null, PROJECT,
        "no_such_dataset", "US", emulator.endpoint(), false, "events", null, SOURCE_ANSWERS);

    CredentialProbe.Result result = probe.probe(target);

    assertThat(result.ok()).isFalse();
    assertThat(result.reason()).isEqualTo("DatasetNotFound");
    assertThat(emulator.jobs()).noneMatch(j -> j.type().equals("LOAD"));
  }

  @Test
  void aMissingDatasetThatMayBeCreatedIsCreatedAndProbed() {
    CredentialProbe.Target target = new CredentialProbe.Target(key.json(), keyInfo(), null, null, PROJECT,
        "fresh", "US", emulator.endpoint(), true, "events", null, SOURCE_ANSWERS);

    CredentialProbe.Result result = probe.probe(target);

    assertThat(result.ok()).as(result.message()).isTrue();
    assertThat(emulator.tableExists(PROJECT, "fresh", "events")).isTrue();
  }

  @Test
  void aTestLoadJobThatVanishesIsTestUploadFailed() {
    // Once the upload has completed (its only, final request), the job's first GET answers 404: jobs.get finds no
    // such job, which the client's waitFor() reports as null.
    emulator.faults().onRequest("PUT", "^/upload/", request -> emulator.faults()
        .failNext("GET", "/jobs/[^/]+$", 1, 404, "notFound"));

    CredentialProbe.Result result = probe.probe(withKey(PROJECT, null, SOURCE_ANSWERS));

    assertThat(result.ok()).isFalse();
    assertThat(result.reason()).isEqualTo(CredentialProbe.TEST_UPLOAD_FAILED);
    assertThat(result.message()).contains("failed (job vanished)");
    assertThat(probeTables()).isEmpty();
  }

  /**
   * The operator stops while the probe waits for its test load. The interrupt lands in the client's pause between
   * two polls of jobs.get; one that lands inside a poll's HTTP call is swallowed by the client (ClientInterruptsTest),
   * so it is repeated at the next pause. Pins why CredentialProbe's catch (InterruptedException) is unreachable with
   * google-cloud-bigquery 2.59 (bench/MUTATION.md, bqsurv).
   */
  @Test
  void aProbeInterruptedWhileItWaitsForItsTestLoadStopsNamingTheStepAndKeepsTheInterrupt() {
    emulator.faults().onRequest("PUT", "^/upload/", request -> emulator.faults().jobsRunFor(Duration.ofMinutes(5)));
    AtomicInteger polls = new AtomicInteger();
    emulator.faults().onRequest("GET", "/jobs/[^/]+$", request -> polls.incrementAndGet());
    AtomicReference<CredentialProbe.Result> result = new AtomicReference<>();
    AtomicBoolean interruptedAfterwards = new AtomicBoolean();
    Thread prober = new Thread(() -> {
      result.set(probe.probe(withKey(PROJECT, null, SOURCE_ANSWERS)));
      interruptedAfterwards.set(Thread.currentThread().isInterrupted());
    }, "prober");
    prober.start();
    // in steps, each within the harness's ceiling: on a loaded machine the probe's setup alone can take minutes
    Waits.until("the probe creating the events table", () -> prober,
        t -> !t.isAlive() || emulator.tableExists(PROJECT, DATASET, "events"), t -> describe(t, polls.get()));
    Waits.until("the probe polling its test load", () -> prober, t -> !t.isAlive() || polls.get() > 0,
        t -> describe(t, polls.get()));

    while (prober.isAlive()) {
      Waits.until("the probe pausing between two polls of its test load", () -> prober,
          t -> !t.isAlive() || pausingBetweenPolls(t), t -> describe(t, polls.get()));
      if (prober.isAlive()) {
        int seen = polls.get();
        prober.interrupt();
        Waits.until("the probe stopping, or polling again when the interrupt was swallowed", () -> prober,
            t -> !t.isAlive() || polls.get() > seen, t -> describe(t, polls.get()));
      }
    }

    // The client's poll keeps the interrupt as the failed attempt and ends with a BigQueryException caused by it,
    // the flag cleared: testUpload's catch (InterruptedException) is not reached, its BigQueryException arm is.
    assertThat(result.get().ok()).isFalse();
    assertThat(result.get().reason()).isEqualTo("DestinationUnavailable");
    assertThat(result.get().message()).startsWith("the test upload was interrupted while loading one row into "
        + "_bqexport_probe_").endsWith("; the probe is retried");
    assertThat(interruptedAfterwards).as("the prober's thread carries the interrupt again").isTrue();
    assertThat(probeTables()).as("deleted although the thread was interrupted").isEmpty();
  }

  private static String describe(Thread thread, int polls) {
    return thread.getState() + " after " + polls + " polls, at " + java.util.Arrays.toString(thread.getStackTrace());
  }

  private static boolean pausingBetweenPolls(Thread thread) {
    StackTraceElement[] stack = thread.getStackTrace();
    return thread.getState() == Thread.State.TIMED_WAITING
        && java.util.Arrays.stream(stack).anyMatch(f -> f.getMethodName().equals("sleep")
            && f.getClassName().equals("com.google.api.gax.retrying.DirectRetryingExecutor"))
        && java.util.Arrays.stream(stack).anyMatch(f -> f.getMethodName().equals("waitFor")
            && f.getClassName().equals("com.google.cloud.bigquery.Job"));
  }

  @Test
  void theExportApiSourceIsProvenWithTheProjectsKeysAndATargetNeverPrintsItsKey() {
    try (AmplitudeExportStandIn amplitude = AmplitudeExportStandIn.start(
        new GeneratedEvents(new AmplitudeEventGenerator(1, 187520)), "probe-api-key", "probe-secret-key")) {
      CredentialProbe.Target right = exportApiTarget(amplitude.baseUri(),
          new AmplitudeCredentials("probe-api-key", "probe-secret-key"));
      CredentialProbe.Target wrong = exportApiTarget(amplitude.baseUri(),
          new AmplitudeCredentials("probe-api-key", "not-the-secret-key"));

      CredentialProbe.Result accepted = probe.probe(right);
      CredentialProbe.Result rejected = probe.probe(wrong);

      assertThat(accepted.ok()).as(accepted.message()).isTrue();
      assertThat(accepted.message()).endsWith(", and Amplitude accepts the project's keys.");
      assertThat(rejected.reason()).isEqualTo(AmplitudeAuthException.REASON);
      assertThat(right).hasToString("Target[" + PROJECT + "." + DATASET + "]");
    }
  }

  private CredentialProbe.Target exportApiTarget(java.net.URI amplitude, AmplitudeCredentials credentials) {
    return new CredentialProbe.Target(key.json(), keyInfo(), PROJECT, DATASET, "US", emulator.endpoint(), false,
        "events", AmplitudeClientSettings.of(AmplitudeRegion.US, amplitude, credentials));
  }

  private List<String> probeTables() {
    List<String> names = new java.util.ArrayList<>();
    keyClient().listTables(com.google.cloud.bigquery.DatasetId.of(PROJECT, DATASET)).iterateAll()
        .forEach(table -> names.add(table.getTableId().getTable()));
    return names.stream().filter(name -> name.startsWith("_bqexport_probe_")).toList();
  }

  private com.google.cloud.bigquery.BigQuery keyClient() {
    return BigQueryClientFactory.fromKeyJson(key.json(), PROJECT, "US", emulator.endpoint());
  }
}
