package io.bqexport.bigquery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** BigQuery's label rules: at most 63 characters of [a-z0-9_-], keys starting with a letter. */
class JobLabelsTest {

  @Test
  void labelsFollowBigQueryRules() {
    Map<String, String> labels = new JobLabels("Team.Analytics", "product-events-" + "x".repeat(80))
        .of("stage-load", Instant.parse("2026-11-28T04:00:00Z"));

    assertThat(labels).containsEntry("bqexport-namespace", "team_analytics")
        .containsEntry("bqexport-step", "stage-load").containsEntry("bqexport-hour", "2026-11-28t04")
        .containsEntry("bqexport-export", ("product-events-" + "x".repeat(80)).substring(0, 63));
    labels.forEach((key, value) -> {
      assertThat(key).matches("[a-z][a-z0-9_-]{0,62}");
      assertThat(value).matches("[a-z0-9_-]{0,63}");
    });
  }

  @Test
  void withoutAnExportOrAnHourOnlyTheStepIsLabelled() {
    assertThat(JobLabels.NONE.of("ledger-read", null)).containsExactly(Map.entry("bqexport-step", "ledger-read"));
  }
}
