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

/**
 * Checks a backfill's own fields; the range's upper bound needs the export and is checked by the reconciler.
 *
 * <p>Load-job quota: BigQuery allows 1,500 load jobs per table per day, counted in wall-clock days. Each chunk makes
 * at most one load job into the events table (FillGaps loads into it directly; Replace loads into a staging table
 * and moves the rows with DML, which is not a load job), and a fast backfill can run all its chunks within one day.
 * So a backfill may have at most {@value #MAX_CHUNKS} chunks: that leaves 500 load jobs a day for the hourly export
 * (24), retried chunks (each chunk may run {@code 1 + backoffLimitPerIndex} times) and a second backfill. The
 * range itself is capped at {@value #MAX_RANGE_HOURS} hours (five years): Amplitude keeps no longer history
 * worth a single resource, and a typo such as 1925 instead of 2025 should be refused, not run.
 */
public final class BackfillSpecValidator {
  public static final int BIGQUERY_LOAD_JOBS_PER_TABLE_PER_DAY = 1_500;
  public static final int MAX_CHUNKS = 1_000;
  public static final long MAX_RANGE_HOURS = 5L * 366 * 24;

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
    if (start != null && end != null && start.isBefore(end) && spec.chunkHours() >= 1) {
      sizeProblem(java.time.Duration.between(start, end).toHours(), spec.chunkHours()).ifPresent(problems::add);
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

  /** The range's length and chunk count against the limits explained above. */
  static java.util.Optional<Problem> sizeProblem(long hours, int chunkHours) {
    long chunks = (hours + chunkHours - 1) / chunkHours;
    if (hours > MAX_RANGE_HOURS) {
      return java.util.Optional.of(Problem.of(Reasons.RANGE_TOO_LONG, "spec.start to spec.end spans " + hours
          + " hours; a backfill covers at most " + thousands(MAX_RANGE_HOURS) + " hours (five years). Check the dates,"
          + " or split the range into several BigQueryBackfills run one after the other"));
    }
    if (chunks > MAX_CHUNKS) {
      long minChunkHours = (hours + MAX_CHUNKS - 1) / MAX_CHUNKS;
      return java.util.Optional.of(Problem.of(Reasons.LOAD_JOB_QUOTA, hours + " hours in chunks of " + chunkHours
          + " (spec.chunkHours) make " + chunks + " chunks, one BigQuery load job each; a backfill may run at most "
          + thousands(MAX_CHUNKS) + " so that it stays within BigQuery's "
          + thousands(BIGQUERY_LOAD_JOBS_PER_TABLE_PER_DAY) + " load jobs per table per day even if it finishes"
          + " within a day. Set spec.chunkHours to " + minChunkHours + " or more, or split the range"));
    }
    return java.util.Optional.empty();
  }

  private static String thousands(long value) {
    return String.format(java.util.Locale.ROOT, "%,d", value);
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
