package io.bqexport.bigquery;

import static io.bqexport.bigquery.Sql.field;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.DatasetId;
import com.google.cloud.bigquery.FieldValueList;
import com.google.cloud.bigquery.QueryParameterValue;
import com.google.cloud.bigquery.Schema;
import com.google.cloud.bigquery.StandardSQLTypeName;
import com.google.cloud.bigquery.TableId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code _bqexport_quarantine} table beside the ledger, so it survives pods: the hours that failed for a
 * permanent, hour-bound reason, with the count of consecutive runs that failed them the same way. At
 * {@link #THRESHOLD} the hour is quarantined: recurring runs skip it so later hours go on; a backfill, a Replace or a
 * run with --retry-quarantined tries it again, and a commit of the hour clears its row.
 */
public final class Quarantine {

  public static final String TABLE = "_bqexport_quarantine";
  public static final int THRESHOLD = 3;
  public static final Schema SCHEMA = Schema.of(
      field("table_name", StandardSQLTypeName.STRING, "The events table"),
      field("source", StandardSQLTypeName.STRING, "The source (export identity)"),
      field("hour", StandardSQLTypeName.TIMESTAMP, "The hour that failed"),
      field("reason", StandardSQLTypeName.STRING, "The failure reason, e.g. LoadRejected"),
      field("message", StandardSQLTypeName.STRING, "The last failure's message (no row content)"),
      field("failures", StandardSQLTypeName.INT64, "Consecutive runs that failed this hour for this reason"),
      field("since", StandardSQLTypeName.TIMESTAMP, "First of these failures"),
      field("last_failed_at", StandardSQLTypeName.TIMESTAMP, "Latest of these failures"));

  private final BigQuery bigquery;
  private final TableId quarantine;
  private final JobLabels labels;

  public Quarantine(BigQuery bigquery, DatasetId dataset, JobLabels labels) {
    this.bigquery = bigquery;
    this.quarantine = TableId.of(dataset.getProject(), dataset.getDataset(), TABLE);
    this.labels = labels;
  }

  /** The quarantined hours of this table and source, oldest first. */
  public List<QuarantinedHour> hours(String table, String source) {
    List<QuarantinedHour> hours = new ArrayList<>();
    for (FieldValueList row : Sql.query(bigquery, "SELECT `hour`, `reason`, `message`, `failures`, `since` FROM "
            + Sql.name(quarantine) + " WHERE `table_name` = @table AND `source` = @source"
            + " AND `failures` >= @threshold ORDER BY `hour`", Map.of("table", QueryParameterValue.string(table), "source",
            QueryParameterValue.string(source), "threshold", QueryParameterValue.int64(THRESHOLD)),
        labels.of("quarantine-read", null), "reading the quarantine").iterateAll()) {
      hours.add(new QuarantinedHour(Sql.instant(row.get("hour")), row.get("reason").getStringValue(),
          row.get("message").isNull() ? null : row.get("message").getStringValue(),
          row.get("failures").getLongValue(), Sql.instant(row.get("since"))));
    }
    return hours;
  }

  /** Every hour with a recorded failure (quarantined or not yet): a commit of one of them clears it. */
  public Set<Instant> failing(String table, String source) {
    Set<Instant> hours = new HashSet<>();
    for (FieldValueList row : Sql.query(bigquery, "SELECT `hour` FROM " + Sql.name(quarantine)
            + " WHERE `table_name` = @table AND `source` = @source", Map.of("table", QueryParameterValue.string(table),
            "source", QueryParameterValue.string(source)), labels.of("quarantine-read", null),
        "reading the quarantine").iterateAll()) {
      hours.add(Sql.instant(row.get("hour")));
    }
    return hours;
  }

  /** Counts one more failing run for each hour: the same reason adds one, another reason starts over at 1. */
  public void recordFailure(String table, String source, List<Instant> hours, String reason, String message,
      Instant now) {
    Map<String, QueryParameterValue> params = new LinkedHashMap<>();
    params.put("table", QueryParameterValue.string(table));
    params.put("source", QueryParameterValue.string(source));
    params.put("reason", QueryParameterValue.string(reason));
    params.put("message", QueryParameterValue.string(message == null || message.length() <= 500 ? message
        : message.substring(0, 500) + "..."));
    params.put("now", Sql.timestamp(now));
    List<String> selects = new ArrayList<>();
    for (int i = 0; i < hours.size(); i++) {
      params.put("h" + i, Sql.timestamp(hours.get(i)));
      selects.add("SELECT @h" + i + " AS `hour`");
    }
    Sql.query(bigquery, "MERGE " + Sql.name(quarantine) + " AS t USING (" + String.join(" UNION ALL ", selects)
            + ") AS s ON t.`table_name` = @table AND t.`source` = @source AND t.`hour` = s.`hour`"
            + " WHEN MATCHED AND t.`reason` = @reason THEN UPDATE SET `failures` = t.`failures` + 1,"
            + " `message` = @message, `last_failed_at` = @now"
            + " WHEN MATCHED THEN UPDATE SET `reason` = @reason, `message` = @message, `failures` = 1,"
            + " `since` = @now, `last_failed_at` = @now"
            + " WHEN NOT MATCHED THEN INSERT (`table_name`, `source`, `hour`, `reason`, `message`, `failures`,"
            + " `since`, `last_failed_at`) VALUES (@table, @source, s.`hour`, @reason, @message, 1, @now, @now)",
        params, labels.of("quarantine-write", hours.get(0)), "recording the failure of " + hours.get(0));
  }

  /** Forgets the failures of hours that are now committed. */
  public void clear(String table, String source, Instant start, Instant end) {
    Sql.query(bigquery, "DELETE FROM " + Sql.name(quarantine) + " WHERE `table_name` = @table AND `source` = @source"
            + " AND `hour` >= @start AND `hour` < @end", Map.of("table", QueryParameterValue.string(table), "source",
            QueryParameterValue.string(source), "start", Sql.timestamp(start), "end", Sql.timestamp(end)),
        labels.of("quarantine-clear", start), "clearing the quarantine of " + start);
  }
}
