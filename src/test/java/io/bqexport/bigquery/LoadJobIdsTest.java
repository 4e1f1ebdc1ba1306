package io.bqexport.bigquery;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.bigquery.TableId;
import io.bqexport.ExportWindow;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LoadJobIdsTest {

  private static final TableId EVENTS = TableId.of("acme-analytics", "amplitude", "events");
  private static final ExportWindow WINDOW = ExportWindow.parse("2026-11-28T10:00:00Z/2026-11-28T11:00:00Z");

  @Test
  void theSameWindowGenerationAndAttemptAlwaysGetTheSameId() {
    assertThat(LoadJobIds.of("load", EVENTS, WINDOW, 1, 0)).isEqualTo(LoadJobIds.of("load", EVENTS, WINDOW, 1, 0))
        .matches("bqexport_load_[0-9a-f]{32}_0");
  }

  @Test
  void everyInputChangesTheId() {
    Set<String> ids = Set.of(
        LoadJobIds.of("load", EVENTS, WINDOW, 1, 0),
        LoadJobIds.of("load", EVENTS, WINDOW, 1, 1),
        LoadJobIds.of("load", EVENTS, WINDOW, 2, 0),
        LoadJobIds.of("stage", EVENTS, WINDOW, 1, 0),
        LoadJobIds.of("load", TableId.of("acme-analytics", "amplitude", "other"), WINDOW, 1, 0),
        LoadJobIds.of("load", TableId.of("acme-analytics", "other", "events"), WINDOW, 1, 0),
        LoadJobIds.of("load", TableId.of("other", "amplitude", "events"), WINDOW, 1, 0),
        LoadJobIds.of("load", EVENTS, ExportWindow.parse("2026-11-28T10:00:00Z/2026-11-28T12:00:00Z"), 1, 0));
    assertThat(ids).hasSize(8);
  }
}
