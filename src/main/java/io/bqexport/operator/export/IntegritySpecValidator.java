package io.bqexport.operator.export;

import io.bqexport.api.v1alpha1.IntegritySpec;
import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.api.v1alpha1.SpecDurations;
import io.bqexport.operator.status.Problem;
import java.time.Duration;
import java.util.List;

/**
 * spec.integrity: what the CRD checks (formats, the budget's range), repeated for API servers without its schema,
 * and what it cannot (recheckAfter against availabilityDelay and lookback: days are beyond CEL's duration()).
 */
final class IntegritySpecValidator {
  static final int MAX_HOURS_PER_RUN = 8784;

  private IntegritySpecValidator() {}

  /** @param availabilityDelay the spec's, or null when it is invalid itself (reported on its own) */
  static void validate(List<Problem> problems, IntegritySpec integrity, Duration availabilityDelay) {
    Duration recheckAfter = ExportSpecValidator.parsed(problems,
        () -> SpecDurations.parseWithDays("spec.integrity.recheckAfter", integrity.recheckAfter()));
    Duration lookback = ExportSpecValidator.parsed(problems,
        () -> SpecDurations.parseWithDays("spec.integrity.lookback", integrity.lookback()));
    if (integrity.maxHoursPerRun() < 0 || integrity.maxHoursPerRun() > MAX_HOURS_PER_RUN) {
      problems.add(Problem.of(Reasons.INVALID_INTEGRITY, "spec.integrity.maxHoursPerRun "
          + integrity.maxHoursPerRun() + " is out of range: use 0 to " + MAX_HOURS_PER_RUN + " hours re-checked per"
          + " run (default " + IntegritySpec.DEFAULT_MAX_HOURS_PER_RUN + ")"));
    }
    if (recheckAfter != null && recheckAfter.isZero()) {
      problems.add(Problem.of(Reasons.INVALID_INTEGRITY, "spec.integrity.recheckAfter is 0: an hour is re-checked"
          + " some time after it was exported; use at least spec.availabilityDelay (default "
          + IntegritySpec.DEFAULT_RECHECK_AFTER + "), or set spec.integrity.enabled to false"));
    } else if (recheckAfter != null && availabilityDelay != null && recheckAfter.compareTo(availabilityDelay) < 0) {
      problems.add(Problem.of(Reasons.INVALID_INTEGRITY, "spec.integrity.recheckAfter " + integrity.recheckAfter()
          + " is shorter than spec.availabilityDelay: an hour would be re-checked before it is exported. Set it to"
          + " at least the availabilityDelay (default " + IntegritySpec.DEFAULT_RECHECK_AFTER + ")"));
    }
    if (recheckAfter != null && lookback != null && lookback.compareTo(recheckAfter.plusHours(1)) < 0) {
      problems.add(Problem.of(Reasons.INVALID_INTEGRITY, "spec.integrity.lookback " + integrity.lookback()
          + " leaves no hour to re-check: an hour is re-checked recheckAfter (" + integrity.recheckAfter()
          + ") after it ends, and only while it is within lookback. Set lookback to at least recheckAfter + 1h"
          + " (default " + IntegritySpec.DEFAULT_LOOKBACK + ")"));
    }
  }
}
