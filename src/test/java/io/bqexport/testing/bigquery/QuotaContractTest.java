package io.bqexport.testing.bigquery;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.Field;
import com.google.cloud.bigquery.FormatOptions;
import com.google.cloud.bigquery.Job;
import com.google.cloud.bigquery.JobId;
import com.google.cloud.bigquery.Schema;
import com.google.cloud.bigquery.StandardSQLTypeName;
import com.google.cloud.bigquery.TableDataWriteChannel;
import com.google.cloud.bigquery.TableId;
import com.google.cloud.bigquery.WriteChannelConfiguration;
import io.bqexport.testing.MutableClock;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * "Load jobs per table per day: 1,500 jobs. ... Load jobs, including failed load jobs, count toward this limit"
 * (https://cloud.google.com/bigquery/quotas#load_jobs); beyond it the job fails with reason quotaExceeded and
 * "Quota exceeded: Your table exceeded quota for imports or query appends per table"
 * (https://cloud.google.com/bigquery/docs/troubleshoot-quotas). The limit is lowered to 2 to reach it cheaply.
 * Mutating DML queue limits are in {@link ConcurrencyContractTest}.
 */
class QuotaContractTest {
  private static final String PROJECT = "acme-analytics";
  private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
  private BigQueryEmulator emulator;
  private BigQuery bigquery;

  @BeforeEach
  void start() {
    emulator = BigQueryEmulator.start(clock);
    bigquery = emulator.client(PROJECT);
    emulator.createDataset(PROJECT, "amplitude");
    emulator.limits().loadJobsPerTablePerDay(2);
  }

  @AfterEach
  void stop() {
    emulator.close();
  }

  private Job load(String jobId, String table, String ndjson) throws Exception {
    WriteChannelConfiguration config = WriteChannelConfiguration.newBuilder(TableId.of(PROJECT, "amplitude", table))
        .setFormatOptions(FormatOptions.json())
        .setSchema(Schema.of(Field.of("n", StandardSQLTypeName.INT64))).build();
    TableDataWriteChannel writer = bigquery.writer(JobId.of(jobId), config);
    try (writer) {
      writer.write(ByteBuffer.wrap(ndjson.getBytes()));
    }
    return UploadContractTest.awaitDone(bigquery, writer.getJob().getJobId());
  }

  @Test
  void loadJobsBeyondTheTablesDailyQuotaFailWithQuotaExceededFailedOnesIncluded() throws Exception {
    assertThat(load("first", "events", "{\"n\": 1}\n").getStatus().getError()).isNull();
    assertThat(load("bad", "events", "{\"n\": \"x\"}\n").getStatus().getError().getReason()).isEqualTo("invalid");

    Job third = load("third", "events", "{\"n\": 3}\n");

    assertThat(third.getStatus().getError().getReason()).isEqualTo("quotaExceeded");
    assertThat(third.getStatus().getError().getMessage()).startsWith(
        "Quota exceeded: Your table exceeded quota for imports or query appends per table.");
    assertThat(emulator.rowCount(PROJECT, "amplitude", "events")).isEqualTo(1);
    assertThat(load("other-table", "other", "{\"n\": 1}\n").getStatus().getError())
        .as("the quota is per table").isNull();

    clock.advance(Duration.ofHours(24));
    assertThat(load("next-day", "events", "{\"n\": 4}\n").getStatus().getError()).isNull();
  }
}
