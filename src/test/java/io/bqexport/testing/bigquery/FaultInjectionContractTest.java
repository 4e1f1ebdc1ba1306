package io.bqexport.testing.bigquery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.BigQueryOptions;
import com.google.cloud.bigquery.Field;
import com.google.cloud.bigquery.FormatOptions;
import com.google.cloud.bigquery.Job;
import com.google.cloud.bigquery.JobId;
import com.google.cloud.bigquery.JobStatistics.LoadStatistics;
import com.google.cloud.bigquery.QueryJobConfiguration;
import com.google.cloud.bigquery.Schema;
import com.google.cloud.bigquery.StandardSQLTypeName;
import com.google.cloud.bigquery.StandardTableDefinition;
import com.google.cloud.bigquery.TableId;
import com.google.cloud.bigquery.TableInfo;
import com.google.cloud.bigquery.WriteChannelConfiguration;
import com.google.cloud.http.HttpTransportOptions;
import com.google.cloud.NoCredentials;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Fault injection and hooks, observed through the real client's own retries. */
class FaultInjectionContractTest {
  private static final String PROJECT = "acme-analytics";
  private static final Schema SCHEMA = Schema.of(Field.of("insert_id", StandardSQLTypeName.STRING),
      Field.of("n", StandardSQLTypeName.INT64));
  private static BigQueryEmulator emulator;
  private static BigQuery bigquery;
  private static int tables;

  @BeforeAll
  static void start() {
    emulator = BigQueryEmulator.start();
    bigquery = emulator.client(PROJECT);
    emulator.createDataset(PROJECT, "amplitude");
  }

  @AfterEach
  void clearFaults() {
    emulator.faults().clear();
  }

  @AfterAll
  static void stop() {
    emulator.close();
  }

  private static List<EmulatorRequest> record(String method, String pathRegex) {
    List<EmulatorRequest> seen = new CopyOnWriteArrayList<>();
    emulator.faults().onRequest(method, pathRegex, seen::add);
    return seen;
  }

  private static byte[] rows(int count) {
    StringBuilder data = new StringBuilder();
    for (int i = 0; i < count; i++) {
      data.append("{\"insert_id\":\"id-").append(i).append("\",\"n\":").append(i).append("}\n");
    }
    return data.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static WriteChannelConfiguration config(TableId table) {
    return WriteChannelConfiguration.newBuilder(table).setFormatOptions(FormatOptions.json()).setSchema(SCHEMA).build();
  }

  private static TableId newTable() {
    return TableId.of(PROJECT, "amplitude", "t" + (++tables));
  }

  @Test
  void serverErrorsSurfaceWithTheirCodeAndACallerRetrySucceeds() throws Exception {
    // google-cloud-bigquery 2.59 does not retry HTTP 5xx/429 answers itself (only connection failures), so the
    // exporter needs its own retry around every call; a 503 reaches it as BigQueryException code 503.
    List<EmulatorRequest> queries = record("POST", "/queries$");
    emulator.faults().failNext("POST", "/queries$", 2, 503, "backendError");

    for (int attempt = 0; attempt < 2; attempt++) {
      assertThatThrownBy(() -> bigquery.query(QueryJobConfiguration.of("SELECT 42 AS answer")))
          .isInstanceOfSatisfying(BigQueryException.class, e -> {
            assertThat(e.getCode()).isEqualTo(503);
            assertThat(e.getReason()).isEqualTo("backendError");
          });
    }
    var result = bigquery.query(QueryJobConfiguration.of("SELECT 42 AS answer"));

    assertThat(result.iterateAll().iterator().next().get("answer").getLongValue()).isEqualTo(42);
    assertThat(queries).hasSize(3);
  }

  @Test
  void injectedFailureCarriesBigQueryErrorShape() {
    emulator.faults().failNext("GET", "/datasets/amplitude$", 1, 400, "invalid");
    assertThatThrownBy(() -> bigquery.getDataset("amplitude"))
        .isInstanceOfSatisfying(BigQueryException.class, e -> {
          assertThat(e.getCode()).isEqualTo(400);
          assertThat(e.getReason()).isEqualTo("invalid");
        });
    assertThat(bigquery.getDataset("amplitude")).isNotNull();
  }

  @Test
  void answerNextReplacesOneAnswerWithTheGivenBodyAndTheNextIsBigQuerys() {
    // A gateway's 200 whose body is no Dataset resource: the client cannot build a Dataset from it, and fails with
    // no BigQueryException (nothing in it says which service answered).
    emulator.faults().answerNext("GET", "/datasets/amplitude$", 1, Json.object().put("kind", "gateway#status"));
    assertThatThrownBy(() -> bigquery.getDataset("amplitude")).isNotInstanceOf(BigQueryException.class);
    assertThat(bigquery.getDataset("amplitude").getDatasetId().getDataset()).isEqualTo("amplitude");
  }

  @Test
  void denyNamesTheMissingPermissionLikeBigQuery() {
    emulator.faults().deny("POST", "/datasets/amplitude/tables$", "bigquery.tables.create");
    TableInfo table = TableInfo.of(newTable(), StandardTableDefinition.of(SCHEMA));

    assertThatThrownBy(() -> bigquery.create(table))
        .isInstanceOfSatisfying(BigQueryException.class, e -> {
          assertThat(e.getCode()).isEqualTo(403);
          assertThat(e.getReason()).isEqualTo("accessDenied");
          assertThat(e.getMessage()).isEqualTo("Access Denied: Dataset acme-analytics:amplitude: Permission "
              + "bigquery.tables.create denied on dataset acme-analytics:amplitude (or it may not exist).");
        });
    assertThat(bigquery.create(table)).isNotNull();
  }

  @Test
  void connectionCutMidChunkCommitsNothingAndTheUploadCanBeRepeatedWithTheSameJobId() throws Exception {
    emulator.faults().dropUploadConnection(1000, 1);
    TableId table = newTable();
    byte[] data = rows(40_000);

    var writer = bigquery.writer(JobId.of("cut-upload"), config(table));
    writer.setChunkSize(256 * 1024);
    try {
      writer.write(java.nio.ByteBuffer.wrap(data));
      writer.close();
      // The cut came while the client was reading the answer: it retried the same range by itself.
    } catch (BigQueryException e) {
      // The cut came while the client was still writing the body: it gives up, and no job exists.
      assertThat(bigquery.getJob(JobId.of("cut-upload"))).isNull();
      assertThat(emulator.tableExists(PROJECT, "amplitude", table.getTable())).isFalse();
      UploadContractTest.upload(bigquery, JobId.of("cut-upload"), config(table), data, 256 * 1024);
    }

    assertThat(UploadContractTest.awaitDone(bigquery, JobId.of("cut-upload")).getStatus().getError()).isNull();
    assertThat(emulator.rowCount(PROJECT, "amplitude", table.getTable())).isEqualTo(40_000);
    assertThat(emulator.jobs()).filteredOn(j -> j.jobId().equals("cut-upload")).hasSize(1);
  }

  @Test
  void lostAnswerToAChunkIsRetriedWithTheSameRangeAndAcceptedIdempotently() throws Exception {
    List<EmulatorRequest> puts = record("PUT", "^/upload/");
    emulator.faults().dropResponse("PUT", "^/upload/", 1);
    TableId table = newTable();
    byte[] data = rows(20_000);

    Job job = UploadContractTest.upload(bigquery, JobId.of("lost-chunk-answer"), config(table), data, 256 * 1024);

    assertThat(job.getStatus().getError()).isNull();
    assertThat(((LoadStatistics) job.getStatistics()).getOutputRows()).isEqualTo(20_000);
    assertThat(emulator.rowCount(PROJECT, "amplitude", table.getTable())).isEqualTo(20_000);
    // One write() sends all its full chunks in one PUT; that PUT is repeated once, then the final PUT follows.
    assertThat(puts).hasSize(3);
  }

  @Test
  void lostAnswerToTheFinalChunkIsRetriedIdempotently() throws Exception {
    emulator.faults().dropResponse("PUT", "^/upload/", 1);
    TableId table = newTable();

    var writer = bigquery.writer(JobId.of("lost-final-answer"), config(table));
    try (writer) {
      writer.write(java.nio.ByteBuffer.wrap(rows(10)));
    }

    assertThat(UploadContractTest.awaitDone(bigquery, writer.getJob().getJobId()).getStatus().getError()).isNull();
    assertThat(emulator.rowCount(PROJECT, "amplitude", table.getTable())).isEqualTo(10);
    assertThat(emulator.jobs()).filteredOn(j -> j.jobId().equals("lost-final-answer")).hasSize(1);
  }

  @Test
  void answerSlowerThanTheReadTimeoutFailsTheCall() {
    List<EmulatorRequest> gets = record("GET", "/datasets/amplitude$");
    emulator.faults().delayNext("GET", "/datasets/amplitude$", 1, Duration.ofSeconds(1));
    BigQuery impatient = BigQueryOptions.newBuilder()
        .setHost(emulator.endpoint())
        .setProjectId(PROJECT)
        .setCredentials(NoCredentials.getInstance())
        .setRetrySettings(BigQueryEmulator.fastRetries())
        .setTransportOptions(HttpTransportOptions.newBuilder().setReadTimeout(200).build())
        .build()
        .getService();

    // The 2.59 client reports a read timeout as BigQueryException(InterruptedException) and leaves the thread's
    // interrupt flag set: callers must clear it before they retry.
    assertThatThrownBy(() -> impatient.getDataset("amplitude")).isInstanceOf(BigQueryException.class);
    Thread.interrupted();
    assertThat(impatient.getDataset("amplitude")).isNotNull();
    assertThat(gets).hasSize(2);
  }

  @Test
  void handledHookSeesTheLoadJobCreatedBeforeTheClientHearsOfIt() throws Exception {
    TableId table = newTable();
    emulator.faults().jobsRunFor(Duration.ofMinutes(2)); // the job cannot finish before the hook has looked
    List<String> statesSeenByHook = new CopyOnWriteArrayList<>();
    emulator.faults().onHandled("PUT", "^/upload/", request -> emulator.jobs().stream()
        .filter(j -> j.jobId().equals("observed-commit")).forEach(j -> statesSeenByHook.add(j.state())));

    var writer = bigquery.writer(JobId.of("observed-commit"), config(table));
    try (writer) {
      writer.write(java.nio.ByteBuffer.wrap(rows(5)));
    }

    // The final chunk creates the job; its data lands later, when the job runs (BigQuery's loads are asynchronous).
    assertThat(statesSeenByHook).hasSize(1).allMatch(state -> !state.equals("DONE"));
    assertThat(writer.getJob().isDone()).isFalse();
    assertThat(emulator.tableExists(PROJECT, "amplitude", table.getTable())).isFalse();
  }

  @Test
  void jobCanBeReportedRunningForSomeReads() throws Exception {
    Job job = bigquery.create(com.google.cloud.bigquery.JobInfo.of(JobId.of("slow-job"),
        QueryJobConfiguration.of("SELECT 1 AS one")));
    emulator.faults().reportRunning("slow-job", 2);

    assertThat(bigquery.getJob(JobId.of("slow-job")).isDone()).isFalse();
    Job done = job.waitFor(com.google.cloud.RetryOption.initialRetryDelayDuration(Duration.ofMillis(5)),
        com.google.cloud.RetryOption.maxRetryDelayDuration(Duration.ofMillis(20)));
    assertThat(done.isDone()).isTrue();
    assertThat(done.getQueryResults().iterateAll().iterator().next().get("one").getLongValue()).isEqualTo(1);
  }

  @Test
  void hookCanHoldARequestToSimulateACrashWindow() throws Exception {
    CountDownLatch arrived = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    emulator.faults().onRequest("POST", "/jobs$", request -> {
      arrived.countDown();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    TableId table = newTable();
    bigquery.create(TableInfo.of(table, StandardTableDefinition.of(SCHEMA)));

    CompletableFuture<Job> insert = CompletableFuture.supplyAsync(() -> bigquery.create(
        com.google.cloud.bigquery.JobInfo.of(JobId.of("held-insert"), QueryJobConfiguration.of(
            "INSERT INTO amplitude." + table.getTable() + " (insert_id, n) VALUES ('x', 1)"))));
    assertThat(arrived.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(emulator.rowCount(PROJECT, "amplitude", table.getTable())).isZero();
    assertThat(emulator.jobs()).noneMatch(j -> j.jobId().equals("held-insert"));

    release.countDown();
    assertThat(insert.get(10, TimeUnit.SECONDS).getJobId().getJob()).isEqualTo("held-insert");
    assertThat(UploadContractTest.awaitDone(bigquery, JobId.of("held-insert")).getStatus().getError()).isNull();
    assertThat(emulator.rowCount(PROJECT, "amplitude", table.getTable())).isEqualTo(1);
  }
}
