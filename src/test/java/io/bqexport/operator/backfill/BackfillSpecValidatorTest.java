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

  @Test
  void theRangeAndParallelismLimitsAreInclusive() {
    assertThat(BackfillSpecValidator.sizeProblem(BackfillSpecValidator.MAX_RANGE_HOURS, 168)).as("five years").isEmpty();
    assertThat(BackfillSpecValidator.sizeProblem(BackfillSpecValidator.MAX_RANGE_HOURS + 1, 168)).get()
        .extracting(Problem::reason).isEqualTo(Reasons.RANGE_TOO_LONG);
    assertThat(BackfillSpecValidator.sizeProblem(9_000, 1)).get().extracting(Problem::message).asString()
        .contains("9000 chunks", "Set spec.chunkHours to 9 or more");
    assertThat(BackfillSpecValidator.sizeProblem(9_000, 9)).as("exactly 1,000 chunks").isEmpty();
    for (int parallelism : new int[] {1, 4}) {
      assertThat(validator.validate(withParallelism(parallelism))).as("parallelism %d", parallelism).isEmpty();
    }
    for (int parallelism : new int[] {0, 5}) {
      assertThat(validator.validate(withParallelism(parallelism))).extracting(Problem::message)
          .containsExactly("spec.parallelism " + parallelism + " must be between 1 and 4: Amplitude allows about 5"
              + " concurrent Export API requests per project");
    }
  }

  private static BigQueryBackfillSpec withParallelism(int parallelism) {
    return new BigQueryBackfillSpec(new ExportRef("product-events"), "2025-01-01T00:00:00Z", "2025-01-02T00:00:00Z",
        BackfillMode.FillGaps, 24, parallelism, false);
  }
}
