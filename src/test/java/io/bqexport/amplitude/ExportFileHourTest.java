package io.bqexport.amplitude;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ExportFileHourTest {

  @Test
  void readsTheHourOfAmplitudeFileNamesWithOrWithoutTheProjectFolder() {
    assertThat(ExportFileHour.of("187520/187520_2026-11-28_5#0.json.gz"))
        .isEqualTo(Instant.parse("2026-11-28T05:00:00Z"));
    assertThat(ExportFileHour.of("187520_2026-11-28_17#491.json.gz"))
        .isEqualTo(Instant.parse("2026-11-28T17:00:00Z"));
    assertThat(ExportFileHour.of("187520_2026-11-28_0#1.json")).isEqualTo(Instant.parse("2026-11-28T00:00:00Z"));
  }

  @Test
  void anyOtherNameHasNoHour() {
    assertThat(ExportFileHour.of(null)).isNull();
    assertThat(ExportFileHour.of("events.json.gz")).isNull();
    assertThat(ExportFileHour.of("187520_2026-11-28_24#0.json.gz")).isNull();
    assertThat(ExportFileHour.of("187520_2026-02-30_3#0.json.gz")).isNull();
    assertThat(ExportFileHour.of("187520_2026-11-28_5#0.json.gz.tmp")).isNull();
  }
}
