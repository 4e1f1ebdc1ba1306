package io.bqexport.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.testing.ProjectFiles;
import io.bqexport.testing.storage.AmplitudeStorageExport;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The README's merged-user view's query, run as written against the Merge IDs table the exporter filled: each merged ID maps
 * to the ID of its latest merge, exactly (IDs at the top of INT64 included).
 */
class MergedUserQueryTest {

  private static String record(long amplitudeId, long mergedId, Instant at) {
    return "{\"scope\": -189524, \"merge_time\": " + at.toEpochMilli() + ", \"merge_server_time\": "
        + at.toEpochMilli() + ", \"amplitude_id\": " + amplitudeId + ", \"merged_amplitude_id\": " + mergedId + "}";
  }

  @Test
  void theReadmeViewMapsEachMergedIdToItsLatestMerge() throws IOException {
    try (StorageExporterHarness h = new StorageExporterHarness()) {
      Instant hour = StorageExporterHarness.hour(1);
      h.startFrom = hour;
      h.events.hour(hour, 50);
      h.export.writeEvents(h.events, hour);
      h.gcs.put(StorageExporterHarness.BUCKET, h.export.layout().mergeIdsObject(hour), AmplitudeStorageExport.gzip(
          List.of(record(200, 1, hour.plusSeconds(120)), record(100, 1, hour.plusSeconds(60)),
              record(300, 2, hour.plusSeconds(30)), record(Long.MAX_VALUE, Long.MAX_VALUE - 1, hour.plusSeconds(5)))));

      RunSummary run = h.run(StorageExporterHarness.hour(4));

      assertThat(run.result()).as(run.message()).isEqualTo(RunSummary.SUCCEEDED);
      assertThat(run.mergeIdRows()).isEqualTo(4);
      assertThat(run.rows()).isEqualTo(50);
      // The view's body (the emulator runs no CREATE VIEW; the view is this query by name).
      String view = "SELECT merged_amplitude_id, amplitude_id FROM (\n"
          + "  SELECT merged_amplitude_id, amplitude_id, ROW_NUMBER() OVER (PARTITION BY merged_amplitude_id\n"
          + "    ORDER BY merge_server_time DESC, amplitude_id DESC) AS n\n"
          + "  FROM `acme-analytics.amplitude.merge_ids`)\n"
          + "WHERE n = 1";
      String readme = Files.readString(ProjectFiles.resolve("README.md")).replaceAll("(?m)^  ", "");
      assertThat(readme).as("the README's view is this query").contains(view + ";");
      Map<Long, Long> current = new HashMap<>();
      for (Map<String, Object> row : h.query(view)) {
        current.put(((Number) row.get("merged_amplitude_id")).longValue(), ((Number) row.get("amplitude_id"))
            .longValue());
      }
      String users = readme.substring(readme.indexOf("SELECT COALESCE(m.amplitude_id"));
      users = users.substring(0, users.indexOf(";")).replace("`acme-analytics.amplitude.current_amplitude_id`",
          "(" + view + ")");
      long events = h.query(users).stream().mapToLong(r -> ((Number) r.get("events")).longValue()).sum();
      assertThat(events).as("the README's user query counts every event of the day once").isEqualTo(((Number) h
          .query("SELECT COUNT(*) AS n FROM `acme-analytics.amplitude.events` WHERE DATE(event_time) = '2026-11-28'")
          .get(0).get("n")).longValue()).isPositive();
      assertThat(current).containsExactlyInAnyOrderEntriesOf(Map.of(1L, 200L, 2L, 300L,
          Long.MAX_VALUE - 1, Long.MAX_VALUE));
    }
  }
}
