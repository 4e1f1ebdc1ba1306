package io.bqexport.bigquery;

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
import io.bqexport.ExportWindow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code _bqexport_ledger} table: one row per (table, hour) committed. It is the watermark, the gap list and the
 * audit trail, and it lives beside the data.
 */
public final class Ledger {

  public static final String TABLE = "_bqexport_ledger";
  public static final Schema SCHEMA = Schema.of(
      field("table_name", StandardSQLTypeName.STRING, "The events table the hour was committed to"),
      field("hour", StandardSQLTypeName.TIMESTAMP, "The export hour (by server_upload_time)"),
      field("window_start", StandardSQLTypeName.TIMESTAMP, "Start of the window committed together"),
      field("window_end", StandardSQLTypeName.TIMESTAMP, "End (exclusive) of the window committed together"),
      field("row_count", StandardSQLTypeName.INT64, "Rows of this hour"),
      field("byte_count", StandardSQLTypeName.INT64, "NDJSON bytes of this hour's rows; null when recovered"),
      field("source_files", StandardSQLTypeName.INT64, "Export files that contributed rows; null when recovered"),
      field("job_id", StandardSQLTypeName.STRING, "BigQuery job that loaded the rows"),
      field("generation", StandardSQLTypeName.INT64, "1 for the first commit, +1 per Replace"),
      field("committed_at", StandardSQLTypeName.TIMESTAMP, "When this row was written"),
      field("exporter_version", StandardSQLTypeName.STRING, "bqexport version that committed"),
      field("min_event_time", StandardSQLTypeName.TIMESTAMP, "Earliest event_time of the hour's rows"),
      field("max_event_time", StandardSQLTypeName.TIMESTAMP, "Latest event_time of the hour's rows"));
  private static final List<String> NAMES = SCHEMA.getFields().stream().map(Field::getName).toList();
  private static final String COLUMNS = Sql.columns(NAMES, "");

  private final BigQuery bigquery;
  private final TableId ledger;

  public Ledger(BigQuery bigquery, DatasetId dataset) {
    this.bigquery = bigquery;
    this.ledger = TableId.of(dataset.getProject(), dataset.getDataset(), TABLE);
  }

  private static Field field(String name, StandardSQLTypeName type, String description) {
    return Field.newBuilder(name, type).setMode(Field.Mode.NULLABLE).setDescription(description).build();
  }

  public TableId tableId() {
    return ledger;
  }

  String sqlName() {
    return Sql.name(ledger);
  }

  /** The committed hours of {@code table} at or after {@code from}. */
  public Set<Instant> committedHours(String table, Instant from) {
    Set<Instant> hours = new HashSet<>();
    TableResult result = Sql.query(bigquery, "SELECT `hour` FROM " + sqlName() + " WHERE `table_name` = @table AND `hour` >= @from",
        Map.of("table", QueryParameterValue.string(table), "from", Sql.timestamp(from)), "reading the ledger");
    for (FieldValueList row : result.iterateAll()) {
      hours.add(Sql.instant(row.get("hour")));
    }
    return hours;
  }

  /** The ledger rows of {@code table} within the window, by hour. */
  public Map<Instant, LedgerEntry> entries(String table, ExportWindow window) {
    Map<Instant, LedgerEntry> entries = new LinkedHashMap<>();
    TableResult result = Sql.query(bigquery, "SELECT " + COLUMNS + " FROM " + sqlName()
            + " WHERE `table_name` = @table AND `hour` >= @start AND `hour` < @end ORDER BY `hour`",
        Map.of("table", QueryParameterValue.string(table), "start", Sql.timestamp(window.start()),
            "end", Sql.timestamp(window.end())), "reading the ledger");
    for (FieldValueList row : result.iterateAll()) {
      LedgerEntry e = new LedgerEntry(row.get("table_name").getStringValue(), Sql.instant(row.get("hour")),
          Sql.instant(row.get("window_start")), Sql.instant(row.get("window_end")), longOf(row.get("row_count")),
          nullableLong(row.get("byte_count")), nullableLong(row.get("source_files")), row.get("job_id").getStringValue(),
          longOf(row.get("generation")), Sql.instant(row.get("committed_at")),
          row.get("exporter_version").getStringValue(), Sql.instant(row.get("min_event_time")),
          Sql.instant(row.get("max_event_time")));
      entries.put(e.hour(), e);
    }
    return entries;
  }

  /** Writes the entries unless their hours are already in the ledger (idempotent: reruns and racing exporters). */
  public void recordIfAbsent(List<LedgerEntry> entries) {
    Map<String, QueryParameterValue> params = new LinkedHashMap<>();
    String source = sourceRows(entries, params);
    Sql.query(bigquery, "MERGE " + sqlName() + " AS `t` USING (" + source + ") AS `s`"
            + " ON `t`.`table_name` = `s`.`table_name` AND `t`.`hour` = `s`.`hour`"
            + " WHEN NOT MATCHED THEN INSERT (" + COLUMNS + ") VALUES (" + Sql.columns(NAMES, "`s`.") + ")",
        params, "writing the ledger");
  }

  /** SQL statements (for a transaction) that replace the window's ledger rows with {@code entries}. */
  List<String> replaceStatements(String table, ExportWindow window, List<LedgerEntry> entries,
      Map<String, QueryParameterValue> params) {
    params.put("ledger_table", QueryParameterValue.string(table));
    List<String> statements = new ArrayList<>();
    statements.add("DELETE FROM " + sqlName() + " WHERE `table_name` = @ledger_table AND `hour` >= @window_start"
        + " AND `hour` < @window_end");
    statements.add("INSERT INTO " + sqlName() + " (" + COLUMNS + ") " + sourceRows(entries, params));
    return statements;
  }

  /** A SELECT ... UNION ALL SELECT ... of the entries, with one named parameter per value. */
  private static String sourceRows(List<LedgerEntry> entries, Map<String, QueryParameterValue> params) {
    List<String> selects = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      LedgerEntry e = entries.get(i);
      String p = "l" + i + "_";
      params.put(p + "table_name", QueryParameterValue.string(e.table()));
      params.put(p + "hour", Sql.timestamp(e.hour()));
      params.put(p + "window_start", Sql.timestamp(e.windowStart()));
      params.put(p + "window_end", Sql.timestamp(e.windowEnd()));
      params.put(p + "row_count", QueryParameterValue.int64(e.rowCount()));
      params.put(p + "byte_count", QueryParameterValue.int64(e.bytes()));
      params.put(p + "source_files", QueryParameterValue.int64(e.sourceFiles()));
      params.put(p + "job_id", QueryParameterValue.string(e.jobId()));
      params.put(p + "generation", QueryParameterValue.int64(e.generation()));
      params.put(p + "committed_at", Sql.timestamp(e.committedAt()));
      params.put(p + "exporter_version", QueryParameterValue.string(e.exporterVersion()));
      params.put(p + "min_event_time", Sql.timestamp(e.minEventTime()));
      params.put(p + "max_event_time", Sql.timestamp(e.maxEventTime()));
      selects.add("SELECT " + String.join(", ", SCHEMA.getFields().stream()
          .map(f -> "@" + p + f.getName() + " AS " + Sql.column(f.getName())).toList()));
    }
    return String.join(" UNION ALL ", selects);
  }


  private static long longOf(FieldValue value) {
    return value.isNull() ? 0 : value.getLongValue();
  }

  private static Long nullableLong(FieldValue value) {
    return value.isNull() ? null : value.getLongValue();
  }
}
