package io.bqexport.bigquery;

import static io.bqexport.bigquery.Sql.field;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.DatasetId;
import com.google.cloud.bigquery.Field;
import com.google.cloud.bigquery.FieldValue;
import com.google.cloud.bigquery.FieldValueList;
import com.google.cloud.bigquery.QueryParameterValue;
import com.google.cloud.bigquery.Schema;
import com.google.cloud.bigquery.StandardSQLTypeName;
import com.google.cloud.bigquery.TableId;
import com.google.cloud.bigquery.TableResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code _bqexport_ledger} table: one row per (table, source, hour) committed. It is the watermark, the gap list
 * and the audit trail, and it lives beside the data. Rows written before the source column existed (source NULL)
 * count for every source, so an upgrade never loads an hour twice.
 */
public final class Ledger {

  public static final String TABLE = "_bqexport_ledger";
  public static final Schema SCHEMA = Schema.of(
      field("table_name", StandardSQLTypeName.STRING, "The events table the hour was committed to"),
      field("hour", StandardSQLTypeName.TIMESTAMP, "The export hour (by server_upload_time)"),
      field("window_start", StandardSQLTypeName.TIMESTAMP, "Start of the window committed together"),
      field("window_end", StandardSQLTypeName.TIMESTAMP, "End (exclusive) of the window committed together"),
      field("row_count", StandardSQLTypeName.INT64, "Rows of this hour"),
      field("byte_count", StandardSQLTypeName.INT64, "NDJSON bytes of this hour's rows"),
      field("source_files", StandardSQLTypeName.INT64, "Export files that contributed rows"),
      field("job_id", StandardSQLTypeName.STRING, "The commit: the id of the load job into staging"),
      field("generation", StandardSQLTypeName.INT64, "1 for the first commit, +1 per Replace"),
      field("committed_at", StandardSQLTypeName.TIMESTAMP, "When this row was written"),
      field("exporter_version", StandardSQLTypeName.STRING, "bqexport version that committed"),
      field("min_event_time", StandardSQLTypeName.TIMESTAMP, "Earliest event_time of the hour's rows"),
      field("max_event_time", StandardSQLTypeName.TIMESTAMP, "Latest event_time of the hour's rows"),
      field("source", StandardSQLTypeName.STRING, "The source the hour came from (export identity)"),
      field("verified", StandardSQLTypeName.BOOL, "False for an hour committed empty on a 404; true once the "
          + "integrity re-check confirmed or repaired the hour"),
      field("source_lines", StandardSQLTypeName.INT64, "Lines the source had for the hour, bad and filtered lines "
          + "included: what the integrity re-check compares"),
      field("verified_at", StandardSQLTypeName.TIMESTAMP, "When the integrity re-check confirmed or repaired the "
          + "hour"),
      field("source_lines_before_repair", StandardSQLTypeName.INT64, "The source lines the ledger held before the "
          + "integrity re-check replaced the hour"),
      field("filter", StandardSQLTypeName.STRING, "The events filter the hour was committed with (canonical JSON of "
          + "data.events.filter); NULL: every event"),
      field("recheck_failed_at", StandardSQLTypeName.TIMESTAMP, "When the integrity re-check last re-read the hour "
          + "and could not verify it (the source answers 404 for its rows, or the re-read failed); hours never tried "
          + "are re-checked first, so such hours never starve the others of the budget"));
  private static final List<String> NAMES = SCHEMA.getFields().stream().map(Field::getName).toList();
  private static final String COLUMNS = Sql.columns(NAMES, "");
  /** Ledger rows of this table and source (or of no source: written before sources existed). */
  static final String THIS_SOURCE = "`table_name` = @table AND (`source` = @source OR `source` IS NULL)";

  private final BigQuery bigquery;
  private final TableId ledger;
  private final JobLabels labels;

  public Ledger(BigQuery bigquery, DatasetId dataset) {
    this(bigquery, dataset, JobLabels.NONE);
  }

  public Ledger(BigQuery bigquery, DatasetId dataset, JobLabels labels) {
    this.bigquery = bigquery;
    this.ledger = TableId.of(dataset.getProject(), dataset.getDataset(), TABLE);
    this.labels = labels;
  }

  String sqlName() {
    return Sql.name(ledger);
  }

  /** The committed hours of {@code table} for {@code source} at or after {@code from}. */
  public Set<Instant> committedHours(String table, String source, Instant from) {
    Set<Instant> hours = new HashSet<>();
    TableResult result = Sql.query(bigquery, "SELECT `hour` FROM " + sqlName() + " WHERE " + THIS_SOURCE
            + " AND `hour` >= @from", Map.of("table", QueryParameterValue.string(table),
            "source", QueryParameterValue.string(source), "from", Sql.timestamp(from)),
        labels.of("ledger-read", from), "reading the ledger");
    for (FieldValueList row : result.iterateAll()) {
      hours.add(Sql.instant(row.get("hour")));
    }
    return hours;
  }

  /** The first hour committed to {@code table} for {@code source}; null when there is none. */
  public Instant firstHour(String table, String source) {
    TableResult result = Sql.query(bigquery, "SELECT MIN(`hour`) AS first_hour FROM " + sqlName() + " WHERE "
            + THIS_SOURCE, Map.of("table", QueryParameterValue.string(table),
            "source", QueryParameterValue.string(source)), labels.of("ledger-read", null), "reading the ledger");
    for (FieldValueList row : result.iterateAll()) {
      return Sql.instant(row.get("first_hour"));
    }
    return null;
  }

  /** The ledger rows of {@code table} for {@code source} at or after {@code from}, oldest first. */
  public List<LedgerHour> hoursFrom(String table, String source, Instant from) {
    List<LedgerHour> hours = new ArrayList<>();
    TableResult result = Sql.query(bigquery, "SELECT `hour`, `row_count`, `source_lines`, `generation`, "
            + "`verified_at`, `recheck_failed_at` FROM " + sqlName() + " WHERE " + THIS_SOURCE + " AND `hour` >= @from ORDER BY `hour`",
        Map.of("table", QueryParameterValue.string(table), "source", QueryParameterValue.string(source),
            "from", Sql.timestamp(from)), labels.of("ledger-read", from), "reading the ledger");
    for (FieldValueList row : result.iterateAll()) {
      hours.add(new LedgerHour(Sql.instant(row.get("hour")), longOf(row.get("row_count")),
          nullableLong(row.get("source_lines")), longOf(row.get("generation")), Sql.instant(row.get("verified_at")),
          Sql.instant(row.get("recheck_failed_at"))));
    }
    return hours;
  }

  /**
   * Records that the source still has {@code sourceLines} lines for the hour, as the ledger says. Only the row of
   * {@code generation} that is not verified yet is touched: an hour replaced meanwhile (a backfill, another run's
   * repair) keeps its own counts. One DML statement, atomic; outside the commit lock, as it writes no events.
   */
  public void recordVerified(String table, String source, Instant hour, long generation, long sourceLines,
      Instant at) {
    Sql.query(bigquery, "UPDATE " + sqlName() + " SET `verified` = TRUE, `verified_at` = @verified_at, "
            + "`source_lines` = @source_lines WHERE " + THIS_SOURCE + " AND `hour` = @hour AND `generation` = "
            + "@generation AND `verified_at` IS NULL",
        Map.of("table", QueryParameterValue.string(table), "source", QueryParameterValue.string(source),
            "hour", Sql.timestamp(hour), "generation", QueryParameterValue.int64(generation),
            "source_lines", QueryParameterValue.int64(sourceLines), "verified_at", Sql.timestamp(at)),
        labels.of("verify", hour), "recording the verification of " + hour);
  }

  /**
   * Records that the re-check re-read the hour and could not verify it, so the next runs try the hours never tried
   * first. Only the unverified row of {@code generation} is touched, as in {@link #recordVerified}.
   */
  public void recordRecheckFailed(String table, String source, Instant hour, long generation, Instant at) {
    Sql.query(bigquery, "UPDATE " + sqlName() + " SET `recheck_failed_at` = @at WHERE " + THIS_SOURCE
            + " AND `hour` = @hour AND `generation` = @generation AND `verified_at` IS NULL",
        Map.of("table", QueryParameterValue.string(table), "source", QueryParameterValue.string(source),
            "hour", Sql.timestamp(hour), "generation", QueryParameterValue.int64(generation),
            "at", Sql.timestamp(at)),
        labels.of("verify", hour), "recording the failed re-check of " + hour);
  }

  /** The ledger rows one commit wrote (its job id), by hour. */
  public List<LedgerEntry> committedBy(String table, String jobId, Instant firstHour) {
    List<LedgerEntry> entries = new ArrayList<>();
    TableResult result = Sql.query(bigquery, "SELECT " + COLUMNS + " FROM " + sqlName()
            + " WHERE `table_name` = @table AND `job_id` = @job_id ORDER BY `hour`",
        Map.of("table", QueryParameterValue.string(table), "job_id", QueryParameterValue.string(jobId)),
        labels.of("ledger-read", firstHour), "reading the ledger");
    for (FieldValueList row : result.iterateAll()) {
      entries.add(new LedgerEntry(row.get("table_name").getStringValue(), string(row.get("source")),
          Sql.instant(row.get("hour")), Sql.instant(row.get("window_start")), Sql.instant(row.get("window_end")),
          longOf(row.get("row_count")), nullableLong(row.get("byte_count")), nullableLong(row.get("source_files")),
          string(row.get("job_id")), longOf(row.get("generation")), Sql.instant(row.get("committed_at")),
          string(row.get("exporter_version")), Sql.instant(row.get("min_event_time")),
          Sql.instant(row.get("max_event_time")), row.get("verified").isNull() ? null
              : row.get("verified").getBooleanValue(), nullableLong(row.get("source_lines")),
          Sql.instant(row.get("verified_at")), nullableLong(row.get("source_lines_before_repair")),
          string(row.get("filter"))));
    }
    return entries;
  }

  /**
   * The statement (inside the commit transaction) that writes the entries of the hours not yet in the ledger for
   * this source: exactly the hours whose staged rows the same transaction inserted.
   */
  String insertMissing(List<LedgerEntry> entries, Map<String, QueryParameterValue> params) {
    return "INSERT INTO " + sqlName() + " (" + COLUMNS + ") SELECT " + COLUMNS + " FROM (" + sourceRows(entries,
        params, "l") + ") AS s WHERE s.`hour` NOT IN (SELECT `hour` FROM " + sqlName() + " WHERE " + THIS_SOURCE + ")";
  }

  /** The statement (inside a Replace transaction) that writes the entries, generation + 1 where a row exists. */
  String upsert(List<LedgerEntry> entries, Map<String, QueryParameterValue> params) {
    List<String> updates = new ArrayList<>();
    for (Field f : SCHEMA.getFields()) {
      String name = f.getName();
      if (!name.equals("table_name") && !name.equals("hour")) {
        updates.add(Sql.column(name) + " = " + (name.equals("generation") ? "t.`generation` + 1"
            : "s." + Sql.column(name)));
      }
    }
    return "MERGE " + sqlName() + " AS t USING (" + sourceRows(entries, params, "u") + ") AS s"
        + " ON t.`table_name` = s.`table_name` AND t.`hour` = s.`hour`"
        + " AND (t.`source` = s.`source` OR t.`source` IS NULL)"
        + " WHEN MATCHED THEN UPDATE SET " + String.join(", ", updates)
        + " WHEN NOT MATCHED THEN INSERT (" + COLUMNS + ") VALUES ("
        + Sql.columns(NAMES, "s.") + ")";
  }

  /** A SELECT ... UNION ALL SELECT ... of the entries, one named parameter per value, named {@code prefix<i>_}. */
  private static String sourceRows(List<LedgerEntry> entries, Map<String, QueryParameterValue> params,
      String prefix) {
    List<String> selects = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      LedgerEntry e = entries.get(i);
      String p = prefix + i + "_";
      Map<String, QueryParameterValue> values = new LinkedHashMap<>();
      values.put("table_name", QueryParameterValue.string(e.table()));
      values.put("hour", Sql.timestamp(e.hour()));
      values.put("window_start", Sql.timestamp(e.windowStart()));
      values.put("window_end", Sql.timestamp(e.windowEnd()));
      values.put("row_count", QueryParameterValue.int64(e.rowCount()));
      values.put("byte_count", QueryParameterValue.int64(e.bytes()));
      values.put("source_files", QueryParameterValue.int64(e.sourceFiles()));
      values.put("job_id", QueryParameterValue.string(e.jobId()));
      values.put("generation", QueryParameterValue.int64(e.generation()));
      values.put("committed_at", Sql.timestamp(e.committedAt()));
      values.put("exporter_version", QueryParameterValue.string(e.exporterVersion()));
      values.put("min_event_time", Sql.timestamp(e.minEventTime()));
      values.put("max_event_time", Sql.timestamp(e.maxEventTime()));
      values.put("source", QueryParameterValue.string(e.source()));
      values.put("verified", QueryParameterValue.bool(e.verified()));
      values.put("source_lines", QueryParameterValue.int64(e.sourceLines()));
      values.put("verified_at", Sql.timestamp(e.verifiedAt()));
      values.put("source_lines_before_repair", QueryParameterValue.int64(e.sourceLinesBeforeRepair()));
      values.put("filter", QueryParameterValue.string(e.filter()));
      values.put("recheck_failed_at", Sql.timestamp(null)); // a commit is a new generation, not tried yet
      values.forEach((name, value) -> params.put(p + name, value));
      selects.add("SELECT " + String.join(", ", values.keySet().stream().map(n -> "@" + p + n + " AS " + Sql.column(n))
          .toList()));
    }
    return String.join(" UNION ALL ", selects);
  }

  private static String string(FieldValue value) {
    return value.isNull() ? null : value.getStringValue();
  }

  private static long longOf(FieldValue value) {
    return value.isNull() ? 0 : value.getLongValue();
  }

  private static Long nullableLong(FieldValue value) {
    return value.isNull() ? null : value.getLongValue();
  }
}
