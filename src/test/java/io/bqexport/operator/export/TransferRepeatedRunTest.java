package io.bqexport.operator.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.bigquery.datatransfer.v1.TransferRun;
import com.google.cloud.bigquery.datatransfer.v1.TransferState;
import io.bqexport.api.v1alpha1.TransferConfigStatus;
import io.bqexport.operator.status.ConditionType;
import io.bqexport.testing.ProjectFiles;
import io.bqexport.testing.Waits;
import io.bqexport.testing.transfer.TransferExportScenario;
import java.nio.file.Files;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The same hour loaded twice, as an analyst meets it with delivery TransferService: a repeated run over unchanged
 * files (run-now, a backfill over a loaded hour) loads nothing again, as the service documents for APPEND ("an
 * unmodified file can only be loaded into BigQuery once. If the file's last modification time property is updated,
 * then the file will be reloaded", https://cloud.google.com/bigquery/docs/cloud-storage-transfer); a file Amplitude
 * rewrote is appended again, and {@code deduplicated_events} and the README's merged-ID views stay exact.
 */
class TransferRepeatedRunTest {
  private static final String NAME = "product-events";
  private static final Instant NOW = Instant.parse("2026-11-28T10:10:00Z");
  private static final Instant DUE = Instant.parse("2026-11-28T07:00:00Z");
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
  void aRepeatedHourIsAppendedOnlyWhenItsFilesWereRewrittenAndTheExactViewsStayExact() throws Exception {
    scenario.create(scenario.export(NAME, DUE, true));
    List<TransferConfigStatus> configs = Waits.until("2 transfer configs", () -> scenario.get(NAME),
        e -> e.getStatus() != null && e.getStatus().transfer() != null
            && e.getStatus().transfer().configs().size() == 2, e -> String.valueOf(e.getStatus()))
        .getStatus().transfer().configs();

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
        .replace("`acme-analytics.amplitude.merge_ids`", "(" + TransferDeliveryTest.readmeMergeIdsViewBody() + ")");
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
}
