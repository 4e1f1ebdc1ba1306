package io.bqexport.exporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ChunkPlanTest {

  @Test
  void cutsTheRangeIntoChunksTheLastOneShorter() {
    ChunkPlan plan = ChunkPlan.parse("2025-01-01T00:00:00Z/2025-01-03T06:00:00Z/24");
    assertThat(plan.count()).isEqualTo(3);
    assertThat(plan.window(0)).hasToString("2025-01-01T00:00:00Z/2025-01-02T00:00:00Z");
    assertThat(plan.window(2)).hasToString("2025-01-03T00:00:00Z/2025-01-03T06:00:00Z");
    assertThat(plan).hasToString("2025-01-01T00:00:00Z/2025-01-03T06:00:00Z/24");
  }

  @Test
  void refusesIndexesOutsideThePlanAndMalformedText() {
    ChunkPlan plan = ChunkPlan.parse("2025-01-01T00:00:00Z/2025-01-02T00:00:00Z/24");
    assertThatThrownBy(() -> plan.window(1)).hasMessageContaining("outside 0..0");
    assertThatThrownBy(() -> ChunkPlan.parse("2025-01-01T00:00:00Z/2025-01-02T00:00:00Z"))
        .hasMessageContaining("START/END/HOURS");
  }

  /** One-hour chunks are the smallest plan (a pod per hour); zero hours is refused. */
  @Test
  void chunksOfOneHourAreAllowedAndZeroIsRefused() {
    ChunkPlan hourly = ChunkPlan.parse("2025-01-01T00:00:00Z/2025-01-01T03:00:00Z/1");
    assertThat(hourly.count()).isEqualTo(3);
    assertThat(hourly.window(2)).hasToString("2025-01-01T02:00:00Z/2025-01-01T03:00:00Z");
    assertThatThrownBy(() -> ChunkPlan.parse("2025-01-01T00:00:00Z/2025-01-01T03:00:00Z/0"))
        .hasMessageContaining("at least 1");
  }
}
