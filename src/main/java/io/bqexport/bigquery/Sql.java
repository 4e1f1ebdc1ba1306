package io.bqexport.bigquery;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.QueryJobConfiguration;
import com.google.cloud.bigquery.TableResult;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import com.google.cloud.bigquery.FieldValue;
import com.google.cloud.bigquery.QueryParameterValue;
import com.google.cloud.bigquery.StandardSQLTypeName;
import com.google.cloud.bigquery.TableId;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Small helpers for GoogleSQL: running a query, quoted names and TIMESTAMP parameters. */
final class Sql {

  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSxxx", Locale.ROOT).withZone(ZoneOffset.UTC);

  private Sql() {}

  /** Runs GoogleSQL as a job carrying {@code labels}; a failed job becomes an {@link ExportFailure} by its status. */
  static TableResult query(BigQuery bigquery, String sql, Map<String, QueryParameterValue> params,
      Map<String, String> labels, String action) {
    try {
      return bigquery.query(QueryJobConfiguration.newBuilder(sql).setNamedParameters(params).setLabels(labels)
          .setUseLegacySql(false).build());
    } catch (BigQueryException e) {
      throw JobFailures.of(e, action);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while " + action, e);
    }
  }

  /** A NULLABLE column with a description: every column of bqexport's own tables. */
  static com.google.cloud.bigquery.Field field(String name, StandardSQLTypeName type, String description) {
    return com.google.cloud.bigquery.Field.newBuilder(name, type)
        .setMode(com.google.cloud.bigquery.Field.Mode.NULLABLE).setDescription(description).build();
  }

  static String name(TableId table) {
    return "`" + table.getProject() + "." + table.getDataset() + "." + table.getTable() + "`";
  }

  /** A quoted column or alias: generated SQL quotes every identifier (GROUPS and others are reserved words). */
  static String column(String name) {
    return "`" + name + "`";
  }

  /** Quoted columns joined by ", ", each with {@code prefix} (a table alias and dot, or ""). */
  static String columns(List<String> names, String prefix) {
    return names.stream().map(n -> prefix + column(n)).collect(Collectors.joining(", "));
  }

  static QueryParameterValue timestamp(Instant instant) {
    return instant == null ? QueryParameterValue.of(null, StandardSQLTypeName.TIMESTAMP)
        : QueryParameterValue.timestamp(TIMESTAMP.format(instant));
  }

  static Instant instant(FieldValue value) {
    if (value == null || value.isNull()) {
      return null;
    }
    return Instant.EPOCH.plus(value.getTimestampValue(), java.time.temporal.ChronoUnit.MICROS);
  }
}
