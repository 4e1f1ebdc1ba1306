package io.bqexport.exporter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON summary of one run, written to the log and to the termination-message path. The operator reads it from
 * the Pod's termination message, which Kubernetes caps at 4 KiB, so {@link #toJson()} never exceeds {@link #MAX_BYTES}.
 * skippedLines, replacedSurrogates and valuesInExtra count what the mapping of the committed windows skipped (bad
 * lines under source.maxBadRecords) and repaired (see {@link MappingCounts}). quarantined lists the hours skipped
 * until retried. filteredEvents counts events dropped by data.events.filter; mergeIdRows the merged-ID rows
 * committed.
 * <p>
 * The integrity re-check (recurring runs only, after their due hours are committed):
 * <ul>
 *   <li>verifiedHours: hours this run re-counted at the source whose ledger row it marked verified, the repaired
 *       ones included (so repaired.size() &lt;= verifiedHours). Hours re-read but left unverified do not count.</li>
 *   <li>repaired: the hours this run replaced because the source's line count differed from the ledger's: before is
 *       the count the ledger held (source lines, or row_count for rows written before source lines were recorded),
 *       after the source lines the replacement committed, at the run's clock when it re-checked them.</li>
 *   <li>verifiedThrough: let F be the earliest ledger hour of this export that starts at or after the hour of
 *       (now - integrity.lookback). verifiedThrough is the end of the last hour H such that every hour from F to H
 *       is in the ledger and verified, read from the ledger after this run's re-check. Null when F does not exist
 *       or is not verified, when the re-check is disabled, in a --window run, and when the run failed before the
 *       re-check.</li>
 * </ul>
 */
public record RunSummary(
    String result,
    String reason,
    String message,
    int exitCode,
    String mode,
    String window,
    List<String> committed,
    long hours,
    long rows,
    long bytes,
    String exportedThrough,
    long missingHours,
    List<String> schemaDrift,
    String startedAt,
    String finishedAt,
    long skippedLines,
    long replacedSurrogates,
    long valuesInExtra,
    List<Quarantined> quarantined,
    long verifiedHours,
    List<Repaired> repaired,
    String verifiedThrough,
    long filteredEvents,
    long mergeIdRows) {

  /** Mapping counts and quarantine, without integrity or storage figures. */
  public RunSummary(String result, String reason, String message, int exitCode, String mode, String window,
      List<String> committed, long hours, long rows, long bytes, String exportedThrough, long missingHours,
      List<String> schemaDrift, String startedAt, String finishedAt, long skippedLines, long replacedSurrogates,
      long valuesInExtra, List<Quarantined> quarantined) {
    this(result, reason, message, exitCode, mode, window, committed, hours, rows, bytes, exportedThrough,
        missingHours, schemaDrift, startedAt, finishedAt, skippedLines, replacedSurrogates, valuesInExtra,
        quarantined, 0, List.of(), null, 0, 0);
  }

  /** An hour the integrity re-check replaced: its ledger row count before, the source's count after, and when. */
  public record Repaired(String hour, long before, long after, String at) {}

  /** A quarantined hour: failed for the same permanent reason in 3 consecutive runs, skipped until retried. */
  public record Quarantined(String hour, String reason, String message, long failures, String since) {}

  public static final int MAX_BYTES = 4096;
  public static final String SUCCEEDED = "Succeeded";
  public static final String FAILED = "Failed";
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String ELLIPSIS = "...";

  /** A summary without mapping counts: a run that failed or stopped before mapping anything. */
  public RunSummary(String result, String reason, String message, int exitCode, String mode, String window,
      List<String> committed, long hours, long rows, long bytes, String exportedThrough, long missingHours,
      List<String> schemaDrift, String startedAt, String finishedAt) {
    this(result, reason, message, exitCode, mode, window, committed, hours, rows, bytes, exportedThrough,
        missingHours, schemaDrift, startedAt, finishedAt, 0, 0, 0, List.of());
  }

  public static RunSummary parse(String json) {
    try {
      return MAPPER.readValue(json, RunSummary.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a run summary: " + e.getOriginalMessage(), e);
    }
  }

  public boolean succeeded() {
    return SUCCEEDED.equals(result);
  }

  /** Compact JSON of at most 4 KiB: long lists keep their first and last entries, the message is shortened. */
  public String toJson() {
    RunSummary s = this;
    for (int keep = 16; ; keep = keep / 2) {
      String json = write(s);
      if (bytes(json) <= MAX_BYTES) {
        return json;
      }
      s = new RunSummary(result, reason, shorten(message, Math.max(200, keep * 40)), exitCode, mode, window,
          ends(committed, keep), hours, rows, bytes, exportedThrough, missingHours, ends(schemaDrift, keep),
          startedAt, finishedAt, skippedLines, replacedSurrogates, valuesInExtra,
          quarantined == null || quarantined.size() <= keep ? quarantined : quarantined.subList(0, keep),
          verifiedHours, lastOf(repaired, keep), verifiedThrough, filteredEvents, mergeIdRows);
      if (keep == 0) {
        json = write(s);
        return bytes(json) <= MAX_BYTES ? json
            : write(new RunSummary(result, reason, shorten(message, 200), exitCode, mode, shorten(window, 100),
                List.of(), hours, rows, bytes, exportedThrough, missingHours, List.of(), startedAt, finishedAt,
                skippedLines, replacedSurrogates, valuesInExtra, quarantined == null ? null
                    : quarantined.stream().limit(4).map(q -> new Quarantined(q.hour(), q.reason(), null,
                        q.failures(), q.since())).toList(),
                verifiedHours, lastOf(repaired, 2), verifiedThrough, filteredEvents, mergeIdRows));
      }
    }
  }

  /** The most recent repairs: the operator keeps the last few in status. */
  private static <T> List<T> lastOf(List<T> list, int keep) {
    return list == null || list.size() <= keep ? list : list.subList(list.size() - keep, list.size());
  }

  private static List<String> ends(List<String> list, int keep) {
    if (list == null || list.size() <= keep + 1) {
      return list;
    }
    List<String> result = new ArrayList<>();
    int head = Math.max(keep / 2, 0);
    int tail = Math.max(keep - head, 0);
    List<String> shortened = list.stream().map(v -> shorten(v, 120)).toList();
    result.addAll(shortened.subList(0, head));
    result.add(ELLIPSIS + (list.size() - head - tail) + " more" + ELLIPSIS);
    result.addAll(shortened.subList(list.size() - tail, list.size()));
    return result;
  }

  private static String shorten(String text, int maxChars) {
    if (text == null || text.length() <= maxChars) {
      return text;
    }
    return text.substring(0, maxChars) + ELLIPSIS;
  }

  private static int bytes(String json) {
    return json.getBytes(StandardCharsets.UTF_8).length;
  }

  private static String write(RunSummary s) {
    try {
      return MAPPER.writeValueAsString(s);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize the run summary", e);
    }
  }
}
