package io.bqexport.operator.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.api.v1alpha1.BackfillMode;
import io.bqexport.api.v1alpha1.BigQueryBackfillSpec;
import io.bqexport.api.v1alpha1.ExportRef;
import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.operator.status.Problem;
import org.junit.jupiter.api.Test;

class BackfillSpecValidatorTest {
  private final BackfillSpecValidator validator = new BackfillSpecValidator();

  private static BigQueryBackfillSpec spec(String start, String end, int chunkHours) {
    return new BigQueryBackfillSpec(new ExportRef("product-events"), start, end, BackfillMode.FillGaps, chunkHours, 2,
        false);
  }

  @Test
  void aYearInDailyChunksIsFine() {
    assertThat(validator.validate(spec("2025-01-01T00:00:00Z", "2026-01-01T00:00:00Z", 24))).isEmpty();
  }

  @Test
  void aYearInHourlyChunksWouldExceedTheLoadJobQuota() {
    assertThat(validator.validate(spec("2025-01-01T00:00:00Z", "2026-01-01T00:00:00Z", 1)))
        .singleElement().satisfies(p -> {
          assertThat(p.reason()).isEqualTo(Reasons.LOAD_JOB_QUOTA);
          assertThat(p.message()).contains("8760 hours", "8760 chunks", "at most 1,000",
              "Set spec.chunkHours to 9 or more");
        });
    assertThat(validator.validate(spec("2025-01-01T00:00:00Z", "2025-02-11T16:00:00Z", 1))).as("1,000 chunks")
        .isEmpty();
  }

  @Test
  void moreThanFiveYearsIsRefusedAsATypo() {
    assertThat(validator.validate(spec("1925-01-01T00:00:00Z", "2026-01-01T00:00:00Z", 168)))
        .extracting(Problem::reason).containsExactly(Reasons.RANGE_TOO_LONG);
  }

  @Test
  void rangeMustBeWholeHoursWithStartBeforeEnd() {
    assertThat(validator.validate(spec("2025-01-01T00:30:00Z", "2025-01-01T00:00:00Z", 24)))
        .extracting(Problem::reason).containsExactly(Reasons.INVALID_RANGE);
    assertThat(validator.validate(spec("2025-01-02T00:00:00Z", "2025-01-01T00:00:00Z", 24)))
        .extracting(Problem::reason).containsExactly(Reasons.INVALID_RANGE);
  }
}
