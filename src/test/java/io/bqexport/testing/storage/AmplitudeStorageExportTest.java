package io.bqexport.testing.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bqexport.storage.StorageLayout;
import io.bqexport.storage.StorageObjectKind;
import io.bqexport.testing.amplitude.AmplitudeEventGenerator;
import io.bqexport.testing.amplitude.GeneratedEvents;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AmplitudeStorageExportTest {
  private static final Instant HOUR = Instant.parse("2026-11-28T09:00:00Z");
  private final CloudStorageStandIn gcs = CloudStorageStandIn.start();
  private final AmplitudeStorageExport export =
      new AmplitudeStorageExport(gcs, "b", new StorageLayout("p", "187520", "189524"));

  @AfterEach
  void stop() {
    gcs.close();
  }

  @Test
  void mergeRecordsAreDeterministicAndLieInTheirHour() throws Exception {
    List<String> records = export.mergeRecords(HOUR, 50, 3);

    assertThat(export.mergeRecords(HOUR, 50, 3)).isEqualTo(records);
    assertThat(export.mergeRecords(HOUR.plusSeconds(3600), 50, 3)).isNotEqualTo(records);
    for (String record : records) {
      JsonNode json = new ObjectMapper().readTree(record);
      assertThat(json.get("merge_server_time").asLong()).isBetween(HOUR.toEpochMilli(),
          HOUR.toEpochMilli() + 3_599_999);
      assertThat(json.get("merge_time").asLong()).isLessThanOrEqualTo(json.get("merge_server_time").asLong());
      assertThat(json.get("scope").asLong()).isEqualTo(-189524);
    }
  }

  @Test
  void writesObjectsNamedInAmplitudesLayout() {
    GeneratedEvents events = new GeneratedEvents(new AmplitudeEventGenerator(1, 187520)).eventsPerFile(3)
        .hour(HOUR, 7);

    List<String> names = export.writeEvents(events, HOUR);
    export.writeMergeIds(HOUR, 2, 1);

    assertThat(names).containsExactly("p/187520/187520_2026-11-28_9#0.json.gz",
        "p/187520/187520_2026-11-28_9#1.json.gz", "p/187520/187520_2026-11-28_9#2.json.gz");
    assertThat(names).allMatch(n -> export.layout().parse(StorageObjectKind.EVENTS, HOUR, n).isPresent());
    assertThat(gcs.names("b")).contains("p/-189524/-189524_2026-11-28_9.json.gz");
  }
}
