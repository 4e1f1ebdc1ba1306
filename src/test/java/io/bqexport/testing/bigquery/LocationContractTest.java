package io.bqexport.testing.bigquery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.DatasetInfo;
import com.google.cloud.bigquery.Field;
import com.google.cloud.bigquery.FormatOptions;
import com.google.cloud.bigquery.Job;
import com.google.cloud.bigquery.JobId;
import com.google.cloud.bigquery.JobInfo;
import com.google.cloud.bigquery.QueryJobConfiguration;
import com.google.cloud.bigquery.Schema;
import com.google.cloud.bigquery.StandardSQLTypeName;
import com.google.cloud.bigquery.TableDataWriteChannel;
import com.google.cloud.bigquery.TableId;
import com.google.cloud.bigquery.WriteChannelConfiguration;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Locations: "the location of the job must match the location of the datasets it reads or writes"
 * (https://cloud.google.com/bigquery/docs/locations#specify_locations); a mismatch is BigQuery's 404
 * "Not found: Dataset p:d was not found in location X", and jobs.get "must specify the location ... if the job
 * runs in a location other than US or EU" and finds no job in another location
 * (https://cloud.google.com/bigquery/docs/reference/rest/v2/jobs/get).
 */
class LocationContractTest {
  private static final String PROJECT = "acme-analytics";
  private static BigQueryEmulator emulator;
  private static BigQuery bigquery;

  @BeforeAll
  static void start() throws Exception {
    emulator = BigQueryEmulator.start();
    bigquery = emulator.client(PROJECT);
    bigquery.create(DatasetInfo.newBuilder(PROJECT, "eu_data").setLocation("EU").build());
    bigquery.query(QueryJobConfiguration.of("CREATE TABLE eu_data.events (insert_id STRING)"));
  }

  @AfterAll
  static void stop() {
    emulator.close();
  }

  private static JobId in(String location) {
    return JobId.newBuilder().setRandomJob().setLocation(location).build();
  }

  @Test
  void aQuerySentWithAnotherLocationThanItsDatasetIsNotFound() {
    assertThatThrownBy(() -> bigquery.query(QueryJobConfiguration.of("SELECT * FROM eu_data.events"), in("US")))
        .isInstanceOf(BigQueryException.class)
        .hasMessage("Not found: Dataset acme-analytics:eu_data was not found in location US")
        .satisfies(e -> assertThat(((BigQueryException) e).getCode()).isEqualTo(404));
  }

  @Test
  void aQuerySentWithTheDatasetsLocationOrNoneRuns() throws Exception {
    assertThat(bigquery.query(QueryJobConfiguration.of("SELECT COUNT(*) FROM eu_data.events"), in("EU"))
        .getTotalRows()).isEqualTo(1);
    assertThat(bigquery.query(QueryJobConfiguration.of("SELECT COUNT(*) FROM eu_data.events")).getTotalRows())
        .as("without a location BigQuery infers it from the datasets").isEqualTo(1);
  }

  @Test
  void jobsGetWithAnotherLocationFindsNoJob() throws Exception {
    JobId eu = JobId.newBuilder().setJob("located-job").setLocation("EU").build();
    bigquery.create(JobInfo.of(eu, QueryJobConfiguration.of("SELECT 1"))).waitFor();

    assertThat(bigquery.getJob(eu)).isNotNull();
    // The client answers null for jobs.get's 404 "Not found: Job acme-analytics:US.located-job".
    assertThat(bigquery.getJob(JobId.newBuilder().setJob("located-job").setLocation("US").build())).isNull();
  }

  @Test
  void aLoadSentWithAnotherLocationFailsAsNotFound() throws Exception {
    WriteChannelConfiguration config = WriteChannelConfiguration.newBuilder(TableId.of(PROJECT, "eu_data", "loaded"))
        .setFormatOptions(FormatOptions.json())
        .setSchema(Schema.of(Field.of("insert_id", StandardSQLTypeName.STRING))).build();
    TableDataWriteChannel writer = bigquery.writer(JobId.newBuilder().setJob("us-load").setLocation("US").build(),
        config);
    try (writer) {
      writer.write(ByteBuffer.wrap("{\"insert_id\":\"a\"}\n".getBytes()));
    }

    Job failed = UploadContractTest.awaitDone(bigquery, writer.getJob().getJobId());
    assertThat(failed.getStatus().getError().getReason()).isEqualTo("notFound");
    assertThat(failed.getStatus().getError().getMessage())
        .isEqualTo("Not found: Dataset acme-analytics:eu_data was not found in location US");
    assertThat(emulator.tableExists(PROJECT, "eu_data", "loaded")).isFalse();
  }

  @Test
  void aLoadWithoutLocationRunsInItsDatasetsLocation() throws Exception {
    WriteChannelConfiguration config = WriteChannelConfiguration.newBuilder(TableId.of(PROJECT, "eu_data", "inferred"))
        .setFormatOptions(FormatOptions.json())
        .setSchema(Schema.of(Field.of("insert_id", StandardSQLTypeName.STRING))).build();
    TableDataWriteChannel writer = bigquery.writer(JobId.of("inferred-load"), config);
    try (writer) {
      writer.write(ByteBuffer.wrap("{\"insert_id\":\"a\"}\n".getBytes()));
    }

    Job done = UploadContractTest.awaitDone(bigquery,
        JobId.newBuilder().setJob("inferred-load").setLocation("EU").build());
    assertThat(done.getStatus().getError()).isNull();
    assertThat(done.getJobId().getLocation()).isEqualTo("EU");
  }

  /** jobs.getQueryResults looks the job up in the location given, like jobs.get. */
  @Test
  void getQueryResultsWithAnotherLocationFindsNoJob() throws Exception {
    JobId eu = JobId.newBuilder().setJob("located-results").setLocation("EU").build();
    bigquery.create(JobInfo.of(eu, QueryJobConfiguration.of("SELECT COUNT(*) FROM eu_data.events"))).waitFor();

    assertThatThrownBy(() -> bigquery.getQueryResults(
        JobId.newBuilder().setJob("located-results").setLocation("US").build()))
        .isInstanceOfSatisfying(BigQueryException.class, e -> assertThat(e.getCode()).isEqualTo(404));
  }

  /**
   * A query job sent without a location runs where its datasets are: BigQuery "determines the location ... based on
   * the datasets referenced in the request" (jobs.insert, JobReference.location), and the job is found there.
   */
  @Test
  void aQueryJobWithoutLocationRunsInItsDatasetsLocation() throws Exception {
    Job done = bigquery.create(JobInfo.of(JobId.of("inferred-query"),
        QueryJobConfiguration.of("SELECT COUNT(*) FROM eu_data.events"))).waitFor();

    assertThat(done.getStatus().getError()).isNull();
    assertThat(done.getJobId().getLocation()).isEqualTo("EU");
    assertThat(bigquery.getJob(JobId.newBuilder().setJob("inferred-query").setLocation("EU").build())).isNotNull();
  }
}
