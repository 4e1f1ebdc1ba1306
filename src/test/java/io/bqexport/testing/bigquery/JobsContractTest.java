package io.bqexport.testing.bigquery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryError;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.Field;
import com.google.cloud.bigquery.FormatOptions;
import com.google.cloud.bigquery.Job;
import com.google.cloud.bigquery.JobId;
import com.google.cloud.bigquery.JobInfo;
import com.google.cloud.bigquery.JobStatistics.LoadStatistics;
import com.google.cloud.bigquery.JobStatus;
import com.google.cloud.bigquery.QueryJobConfiguration;
import com.google.cloud.bigquery.Schema;
import com.google.cloud.bigquery.StandardSQLTypeName;
import com.google.cloud.bigquery.TableDataWriteChannel;
import com.google.cloud.bigquery.TableId;
import com.google.cloud.bigquery.WriteChannelConfiguration;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Jobs as BigQuery runs them, through the real client:
 * <ul>
 *   <li>jobs.insert "Starts a new asynchronous job"
 *       (https://cloud.google.com/bigquery/docs/reference/rest/v2/jobs/insert); a job is PENDING, RUNNING or
 *       DONE, and "a job that has finished ... unsuccessfully" is DONE with status.errorResult
 *       (https://cloud.google.com/bigquery/docs/reference/rest/v2/Job#JobStatus);</li>
 *   <li>a load whose data is bad fails as a job, with errors[] naming reason invalid, the uploaded file
 *       (file-00000000) as location, and the row (https://cloud.google.com/bigquery/docs/error-messages:
 *       "invalid ... This error returns when there is any type of invalid input");</li>
 *   <li>job ids are unique in a project: "If you try to create a job with the same ID as a previous job, BigQuery
 *       returns a 409 Conflict" (https://cloud.google.com/bigquery/docs/running-jobs#generate-jobid), failed jobs
 *       included.</li>
 * </ul>
 */
class JobsContractTest {
  private static final String PROJECT = "acme-analytics";
  private static final Schema SCHEMA = Schema.of(
      Field.of("insert_id", StandardSQLTypeName.STRING),
      Field.of("session_id", StandardSQLTypeName.INT64),
      Field.of("event_properties", StandardSQLTypeName.JSON));
  private static BigQueryEmulator emulator;
  private static BigQuery bigquery;
  private static int tableCounter;

  @BeforeAll
  static void start() {
    emulator = BigQueryEmulator.start();
    bigquery = emulator.client(PROJECT);
    emulator.createDataset(PROJECT, "amplitude");
  }

  @AfterAll
  static void stop() {
    emulator.close();
  }

  @AfterEach
  void clearFaults() {
    emulator.faults().clear();
  }

  private static WriteChannelConfiguration load() {
    return WriteChannelConfiguration.newBuilder(TableId.of(PROJECT, "amplitude", "events_" + (++tableCounter)))
        .setFormatOptions(FormatOptions.json()).setSchema(SCHEMA).build();
  }

  /** Uploads and returns the job as the final chunk's answer shows it. */
  private static Job upload(String jobId, WriteChannelConfiguration config, byte[] data) throws Exception {
    TableDataWriteChannel writer = bigquery.writer(JobId.of(jobId), config);
    try (writer) {
      writer.write(ByteBuffer.wrap(data));
    }
    return writer.getJob();
  }

  @Test
  void aQueryJobIsPendingThenRunningThenDoneAndHasStatisticsOnlyWhenDone() throws Exception {
    emulator.faults().jobsRunFor(Duration.ofMinutes(2));
    Job inserted = bigquery.create(JobInfo.of(JobId.of("slow-query"), QueryJobConfiguration.of("SELECT 1 AS one")));

    assertThat(inserted.getStatus().getState()).isEqualTo(JobStatus.State.PENDING);
    Job running = org.awaitility.Awaitility.await().atMost(Duration.ofMinutes(2))
        .until(() -> bigquery.getJob(JobId.of("slow-query")),
            job -> job.getStatus().getState() == JobStatus.State.RUNNING);
    assertThat(running.isDone()).isFalse();
    assertThat(running.getStatistics().getStartTime()).isNotNull();
    assertThat(running.getStatistics().getEndTime()).isNull();
    assertThat(emulator.jobs()).filteredOn(j -> j.jobId().equals("slow-query")).extracting(JobSummary::state)
        .containsExactly("RUNNING");
  }

  @Test
  void aFinishedQueryJobHasItsStatistics() throws Exception {
    Job done = bigquery.create(JobInfo.of(JobId.of("quick-query"), QueryJobConfiguration.of("SELECT 1 AS one")))
        .waitFor();
    assertThat(done.getStatus().getState()).isEqualTo(JobStatus.State.DONE);
    assertThat(done.getStatistics().getEndTime()).isNotNull();
  }

  @Test
  void aLoadRunsAfterTheUploadAndMustBePolled() throws Exception {
    emulator.faults().jobsRunFor(Duration.ofMillis(200));
    WriteChannelConfiguration config = load();

    Job answered = upload("polled-load", config, "{\"insert_id\":\"a\",\"session_id\":1}\n".getBytes());

    assertThat(answered.getStatus().getState()).isNotEqualTo(JobStatus.State.DONE);
    LoadStatistics early = answered.getStatistics();
    assertThat(early == null ? null : early.getOutputRows()).as("no statistics before DONE").isNull();
    Job done = answered.waitFor();
    assertThat(((LoadStatistics) done.getStatistics()).getOutputRows()).isEqualTo(1);
    assertThat(emulator.rowCount(PROJECT, "amplitude", config.getDestinationTable().getTable())).isEqualTo(1);
  }

  private static Job failedLoad(String jobId, String ndjson) throws Exception {
    return failedLoad(jobId, ndjson.getBytes(StandardCharsets.UTF_8));
  }

  /** Uploads bad data: the upload succeeds, the job fails; waitFor() throws, jobs.get shows the errors. */
  private static Job failedLoad(String jobId, byte[] data) throws Exception {
    WriteChannelConfiguration config = load();
    Job answered = upload(jobId, config, data);
    assertThat(answered.getStatus().getError()).as("no error before the job ran").isNull();
    // google-cloud-bigquery 2.59: Job.waitFor() ends with reload(), which throws when the job has an errorResult.
    assertThatThrownBy(answered::waitFor).isInstanceOf(BigQueryException.class)
        .extracting(e -> ((BigQueryException) e).getReason()).isEqualTo("invalid");
    Job failed = UploadContractTest.awaitDone(bigquery, answered.getJobId());
    assertThat(failed.getStatus().getError().getReason()).isEqualTo("invalid");
    assertThat(failed.getStatus().getError().getMessage()).contains("JSON table encountered too many errors");
    assertThat(emulator.rowCount(PROJECT, "amplitude", config.getDestinationTable().getTable())).isZero();
    return failed;
  }

  private static BigQueryError rowError(Job failed) {
    return failed.getStatus().getExecutionErrors().stream()
        .filter(e -> e.getMessage().contains("JSON parsing error in row")).findFirst().orElseThrow();
  }

  @Test
  void aTypeMismatchFailsTheJobWithReasonLocationAndMessage() throws Exception {
    Job failed = failedLoad("type-mismatch", "{\"insert_id\":\"a\",\"session_id\":\"not a number\"}\n");
    BigQueryError error = rowError(failed);
    assertThat(error.getReason()).isEqualTo("invalid");
    assertThat(error.getLocation()).isEqualTo("file-00000000");
    assertThat(error.getMessage()).startsWith("Error while reading data, error message: JSON parsing error in row "
        + "starting at position 0: Could not convert value 'not a number' to integer. Field: session_id");
  }

  @Test
  void invalidJsonFailsTheJob() throws Exception {
    assertThat(rowError(failedLoad("invalid-json", "{\"insert_id\":\"a\"}\n{\"insert_id\": \n")).getMessage())
        .contains("row starting at position 18");
  }

  @Test
  void invalidUtf8FailsTheJob() throws Exception {
    byte[] bytes = "{\"insert_id\":\"a?\"}\n".getBytes(StandardCharsets.UTF_8);
    bytes[15] = (byte) 0xC3; // a lead byte followed by '"' is not UTF-8
    assertThat(rowError(failedLoad("invalid-utf8", bytes)).getReason()).isEqualTo("invalid");
  }

  @Test
  void aLoneSurrogateFailsTheJob() throws Exception {
    assertThat(rowError(failedLoad("lone-surrogate", "{\"insert_id\":\"\\ud83d\"}\n")).getMessage())
        .contains("lone surrogate \\ud83d");
  }

  @Test
  void jsonNestedDeeperThan500FailsTheJob() throws Exception {
    String deep = "[".repeat(501) + "]".repeat(501);
    assertThat(rowError(failedLoad("too-deep", "{\"event_properties\":" + deep + "}\n")).getMessage())
        .contains("nesting is deeper than the limit of 500");
    String deepest = "[".repeat(500) + "]".repeat(500);
    Job accepted = UploadContractTest.awaitDone(bigquery,
        upload("deep-enough", load(), ("{\"event_properties\":" + deepest + "}\n").getBytes()).getJobId());
    assertThat(accepted.getStatus().getError()).isNull();
  }

  @Test
  void aRowOverTheSizeLimitFailsTheJob() throws Exception {
    long limit = emulator.limits().maxJsonRowBytes();
    emulator.limits().maxJsonRowBytes(64); // BigQuery: 100 MB; lowered to reach it cheaply
    try {
      assertThat(rowError(failedLoad("too-large", "{\"insert_id\":\"" + "x".repeat(100) + "\"}\n")).getMessage())
          .contains("larger than the maximum of 64 bytes");
    } finally {
      emulator.limits().maxJsonRowBytes(limit);
    }
  }

  @Test
  void theIdOfAFailedJobCannotBeUsedAgain() throws Exception {
    failedLoad("used-once", "{\"session_id\":\"x\"}\n");

    assertThatThrownBy(() -> upload("used-once", load(), "{\"insert_id\":\"a\"}\n".getBytes()))
        .isInstanceOf(BigQueryException.class)
        .satisfies(e -> assertThat(((BigQueryException) e).getCode()).isEqualTo(409))
        .hasMessageContaining("Already Exists: Job acme-analytics:US.used-once");
    // jobs.insert answers 409 too; client 2.59's create() swallows it and returns the existing job instead.
    bigquery.create(JobInfo.of(JobId.of("used-once"), QueryJobConfiguration.of("SELECT 1")));
    assertThat(emulator.jobs()).filteredOn(j -> j.jobId().equals("used-once"))
        .extracting(JobSummary::type, JobSummary::errorReason).containsExactly(
            org.assertj.core.groups.Tuple.tuple("LOAD", "invalid"));
  }
}
