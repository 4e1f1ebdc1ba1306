package io.bqexport.exporter;

import io.bqexport.ExportWindow;
import io.bqexport.amplitude.WindowSource;
import io.bqexport.bigquery.CommitResult;
import io.bqexport.bigquery.Committer;
import io.bqexport.bigquery.LineMapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One table a run fills (the events, or the merged IDs): where its lines come from, how they are mapped and
 * filtered, its committer, and what the run committed to it. Each table has its own ledger rows, so the events and
 * the merged IDs of an hour commit in separate transactions and a crash between them leaves one of them missing,
 * which the next run commits.
 */
final class TableExport {

  final String table;
  final WindowSource source;
  final LineMapper mapper;
  final EventTypeFilter filter;
  final Committer committer;
  final List<CommitResult> commits = new ArrayList<>();
  final Set<Instant> committedAtStart = new HashSet<>();
  long filtered;

  TableExport(String table, WindowSource source, LineMapper mapper, EventTypeFilter filter, Committer committer) {
    this.table = table;
    this.source = source;
    this.mapper = mapper;
    this.filter = filter;
    this.committer = committer;
  }

  /** True when a FillGaps commit of the window would find every hour committed already. */
  boolean hasAll(ExportWindow window) {
    return committedAtStart.containsAll(window.hourList());
  }

  /** The hours committed when the run started or by this run. */
  Set<Instant> committedSoFar() {
    Set<Instant> hours = new HashSet<>(committedAtStart);
    commits.forEach(c -> c.entries().forEach(e -> hours.add(e.hour())));
    return hours;
  }

  long hours() {
    return commits.stream().mapToLong(CommitResult::hours).sum();
  }

  long rows() {
    return commits.stream().mapToLong(CommitResult::rows).sum();
  }

  long bytes() {
    return commits.stream().mapToLong(CommitResult::bytes).sum();
  }
}
