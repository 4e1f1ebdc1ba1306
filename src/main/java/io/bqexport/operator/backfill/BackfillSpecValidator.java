package io.bqexport.operator.backfill;

import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.api.v1alpha1.ApiPatterns;
import io.bqexport.api.v1alpha1.BigQueryBackfillSpec;
import io.bqexport.operator.status.Problem;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Checks a backfill's own fields; the range's upper bound needs the export and is checked by the reconciler. */
public final class BackfillSpecValidator {

  public List<Problem> validate(BigQueryBackfillSpec spec) {
    List<Problem> problems = new ArrayList<>();
    if (spec == null || spec.exportRef() == null || spec.exportRef().name() == null) {
      problems.add(Problem.of(Reasons.INVALID_SPEC, "spec.exportRef.name is required: name the BigQueryExport to backfill"));
      return problems;
    }
    Instant start = hour(problems, "spec.start", spec.start());
    Instant end = hour(problems, "spec.end", spec.end());
    if (start != null && end != null && !start.isBefore(end)) {
      problems.add(Problem.of(Reasons.INVALID_RANGE, "spec.start " + spec.start() + " must be before spec.end " + spec.end()));
    }
    if (spec.chunkHours() < 1 || spec.chunkHours() > 168) {
      problems.add(Problem.of(Reasons.INVALID_SPEC, "spec.chunkHours " + spec.chunkHours() + " must be between 1 and 168"));
    }
    if (spec.parallelism() < 1 || spec.parallelism() > 4) {
      problems.add(Problem.of(Reasons.INVALID_SPEC, "spec.parallelism " + spec.parallelism() + " must be between 1 and 4:"
          + " Amplitude allows about 5 concurrent Export API requests per project"));
    }
    return problems;
  }

  private static Instant hour(List<Problem> problems, String field, String value) {
    if (value == null) {
      problems.add(Problem.of(Reasons.INVALID_RANGE, field + " is required: a whole UTC hour such as 2025-01-01T00:00:00Z"));
      return null;
    }
    try {
      Instant parsed = Instant.parse(value);
      if (!Pattern.matches(ApiPatterns.HOUR, value)) {
        problems.add(Problem.of(Reasons.INVALID_RANGE, field + " '" + value + "' is not a whole UTC hour; use e.g. "
            + parsed.truncatedTo(java.time.temporal.ChronoUnit.HOURS)));
        return null;
      }
      return parsed;
    } catch (DateTimeParseException e) {
      problems.add(Problem.of(Reasons.INVALID_RANGE, field + " '" + value + "' is not an RFC 3339 UTC timestamp; use a whole"
          + " hour such as 2025-01-01T00:00:00Z"));
      return null;
    }
  }
}
