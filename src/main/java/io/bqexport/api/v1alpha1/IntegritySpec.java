package io.bqexport.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/**
 * The integrity re-check: Amplitude may still add events to an hour after it became exportable, so each committed
 * hour is counted again at the source once it is recheckAfter old, and replaced when the count changed.
 */
public record IntegritySpec(
    @Default("true")
    @JsonPropertyDescription("Re-check committed hours at the source and repair those whose count changed."
        + " Default true.")
    Boolean enabled,
    @Default(DEFAULT_RECHECK_AFTER) @Pattern(ApiPatterns.DAYS_DURATION) @Size(min = 1, max = 32)
    @JsonPropertyDescription("How long after an hour ends it is re-checked, once (e.g. 24h, 2d). At least"
        + " spec.availabilityDelay. Default 24h.")
    String recheckAfter,
    @Default(DEFAULT_LOOKBACK) @Pattern(ApiPatterns.DAYS_DURATION) @Size(min = 1, max = 32)
    @JsonPropertyDescription("Hours older than this are no longer re-checked (e.g. 7d, 72h). At least recheckAfter"
        + " + 1h. Default 7d.")
    String lookback,
    @Default("24") @Min(0) @Max(8784)
    @JsonPropertyDescription("At most this many hours are re-checked by one run (0-8784), oldest first, so the"
        + " re-check never holds back new hours. Default 24.")
    Integer maxHoursPerRun) {

  public static final String DEFAULT_RECHECK_AFTER = "24h";
  public static final String DEFAULT_LOOKBACK = "7d";
  public static final int DEFAULT_MAX_HOURS_PER_RUN = 24;

  public IntegritySpec {
    enabled = enabled == null || enabled;
    recheckAfter = recheckAfter == null ? DEFAULT_RECHECK_AFTER : recheckAfter;
    lookback = lookback == null ? DEFAULT_LOOKBACK : lookback;
    maxHoursPerRun = maxHoursPerRun == null ? DEFAULT_MAX_HOURS_PER_RUN : maxHoursPerRun;
  }

  public static IntegritySpec defaults() {
    return new IntegritySpec(null, null, null, null);
  }
}
