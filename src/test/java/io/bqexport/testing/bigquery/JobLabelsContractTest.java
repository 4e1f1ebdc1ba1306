package io.bqexport.testing.bigquery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.JobId;
import com.google.cloud.bigquery.QueryJobConfiguration;
import com.google.cloud.bigquery.TableResult;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Job labels, as BigQuery keeps and checks them (labels-intro#requirements). */
class JobLabelsContractTest {

  private static BigQueryEmulator emulator;
  private static BigQuery bigquery;

  @BeforeAll
  static void start() {
    emulator = BigQueryEmulator.start();
    bigquery = emulator.client("p");
  }

  @AfterAll
  static void stop() {
    emulator.close();
  }

  @Test
  void aQueryKeepsItsLabels() throws Exception {
    TableResult result = bigquery.query(QueryJobConfiguration.newBuilder("SELECT 1 AS x")
        .setLabels(Map.of("bqexport-step", "commit", "bqexport-hour", "2026-11-28t04")).build());

    QueryJobConfiguration configuration = bigquery.getJob(JobId.of("p", result.getJobId().getJob()))
        .getConfiguration();
    assertThat(configuration.getLabels()).containsEntry("bqexport-step", "commit");
  }

  @Test
  void labelsBreakingTheRulesAreRefused() {
    assertThatThrownBy(() -> bigquery.query(QueryJobConfiguration.newBuilder("SELECT 1 AS x")
        .setLabels(Map.of("Step", "Commit")).build()))
        .isInstanceOfSatisfying(BigQueryException.class, e -> assertThat(e.getCode()).isEqualTo(400));
  }
}
