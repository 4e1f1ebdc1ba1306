package io.bqexport.bigquery;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.Clustering;
import com.google.cloud.bigquery.Dataset;
import com.google.cloud.bigquery.DatasetId;
import com.google.cloud.bigquery.DatasetInfo;
import com.google.cloud.bigquery.Field;
import com.google.cloud.bigquery.QueryJobConfiguration;
import com.google.cloud.bigquery.Schema;
import com.google.cloud.bigquery.StandardTableDefinition;
import com.google.cloud.bigquery.Table;
import com.google.cloud.bigquery.TableDefinition;
import com.google.cloud.bigquery.TableId;
import com.google.cloud.bigquery.TableInfo;
import com.google.cloud.bigquery.TimePartitioning;
import io.bqexport.exporter.ExportFailure;
import io.bqexport.exporter.FailureReason;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and upgrades, additively only, what the exporter writes to: the events table (partitioned by
 * DATE(event_time), clustered by event_type), the ledger and the {@code deduplicated_<table>} table function.
 */
public final class TableManager {

  private static final Logger LOG = LoggerFactory.getLogger(TableManager.class);

  private final BigQuery bigquery;
  private final DatasetId dataset;
  private final EventSchema schema;

  public TableManager(BigQuery bigquery, DatasetId dataset) {
    this(bigquery, dataset, EventSchema.v1());
  }

  public TableManager(BigQuery bigquery, DatasetId dataset, EventSchema schema) {
    this.bigquery = bigquery;
    this.dataset = dataset;
    this.schema = schema;
  }

  /** Checks that the dataset exists, or creates it in {@code location} when {@code create} is true. */
  public void ensureDataset(String location, boolean create) {
    try {
      Dataset existing = bigquery.getDataset(dataset);
      if (existing != null) {
        return;
      }
      if (!create) {
        throw new ExportFailure(FailureReason.DatasetNotFound, "dataset " + dataset.getProject() + "."
            + dataset.getDataset() + " does not exist; create it, or set destination.createDataset: true");
      }
      DatasetInfo.Builder info = DatasetInfo.newBuilder(dataset);
      if (location != null) {
        info.setLocation(location);
      }
      bigquery.create(info.build());
      LOG.info("created dataset {}.{}", dataset.getProject(), dataset.getDataset());
    } catch (BigQueryException e) {
      if (e.getCode() == 409) {
        return; // created concurrently
      }
      throw BigQueryErrors.translate(e, "reading dataset " + dataset.getDataset());
    }
  }

  /** Creates or additively upgrades the events table, the ledger and the table function. */
  public void ensureTables(String eventsTable) {
    ensureTables(eventsTable, JobLabels.NONE);
  }

  /**
   * Creates or additively upgrades the events table, the ledger, the commit lock (with this table's row), the
   * quarantine and the table function; the query jobs carry {@code labels}.
   */
  public void ensureTables(String eventsTable, JobLabels labels) {
    TableId events = TableId.of(dataset.getProject(), dataset.getDataset(), eventsTable);
    ensureTable(events, partitioned(schema), "Amplitude events exported by bqexport (schema v" + schema.version()
        + ")");
    ensureTable(TableId.of(dataset.getProject(), dataset.getDataset(), Ledger.TABLE),
        StandardTableDefinition.of(Ledger.SCHEMA), "bqexport ledger: one row per committed (table, source, hour)");
    ensureTable(TableId.of(dataset.getProject(), dataset.getDataset(), CommitLock.TABLE),
        StandardTableDefinition.of(CommitLock.SCHEMA), "bqexport commit lock: one row per events table");
    ensureTable(TableId.of(dataset.getProject(), dataset.getDataset(), Quarantine.TABLE),
        StandardTableDefinition.of(Quarantine.SCHEMA), "bqexport quarantine: hours failing the same permanent way");
    new CommitLock(bigquery, dataset).ensureRow(eventsTable, labels);
    ensureDeduplicatedFunction(events, labels);
  }

  /**
   * Creates or additively upgrades the Merge IDs table ({@link MergeIdSchema}) and its commit-lock row; call after
   * {@link #ensureTables}, which creates the ledger and the lock table it shares with the events.
   */
  public void ensureMergeIdTable(String table, JobLabels labels) {
    EventSchema merges = MergeIdSchema.v1();
    ensureTable(TableId.of(dataset.getProject(), dataset.getDataset(), table), partitioned(merges),
        "Merged Amplitude IDs exported by bqexport (schema v" + merges.version() + ")");
    new CommitLock(bigquery, dataset).ensureRow(table, labels);
  }

  /**
   * Creates the table the Transfer Service appends merged IDs to (delivery TransferService): Amplitude's records as
   * written, INT64 epoch milliseconds included, since a load cannot convert them (a number loaded into a TIMESTAMP
   * column is read as seconds). The README's view over it gives the typed Merge IDs columns.
   */
  public void ensureRawMergeIdTable(String table) {
    ensureTable(TableId.of(dataset.getProject(), dataset.getDataset(), table), StandardTableDefinition.of(RAW_MERGE_IDS),
        "Merged Amplitude IDs as Amplitude writes them, appended by the BigQuery Data Transfer Service");
  }

  private static final com.google.cloud.bigquery.Schema RAW_MERGE_IDS = com.google.cloud.bigquery.Schema.of(
      com.google.cloud.bigquery.Field.of("scope", com.google.cloud.bigquery.StandardSQLTypeName.INT64),
      com.google.cloud.bigquery.Field.of("merge_time", com.google.cloud.bigquery.StandardSQLTypeName.INT64),
      com.google.cloud.bigquery.Field.of("merge_server_time", com.google.cloud.bigquery.StandardSQLTypeName.INT64),
      com.google.cloud.bigquery.Field.of("amplitude_id", com.google.cloud.bigquery.StandardSQLTypeName.INT64),
      com.google.cloud.bigquery.Field.of("merged_amplitude_id", com.google.cloud.bigquery.StandardSQLTypeName.INT64));

  private static StandardTableDefinition partitioned(EventSchema schema) {
    return StandardTableDefinition.newBuilder()
        .setSchema(schema.toBigQuerySchema())
        .setTimePartitioning(TimePartitioning.newBuilder(TimePartitioning.Type.DAY)
            .setField(schema.partitionColumn()).build())
        .setClustering(Clustering.newBuilder().setFields(schema.clustering()).build())
        .build();
  }

  /** The ledger of this dataset (committed hours, entries). */
  public Ledger ledger() {
    return new Ledger(bigquery, dataset);
  }

  private void ensureTable(TableId id, StandardTableDefinition desired, String description) {
    try {
      Table existing = bigquery.getTable(id);
      if (existing == null) {
        try {
          bigquery.create(TableInfo.newBuilder(id, desired).setDescription(description).build());
          LOG.info("created table {}", id.getTable());
          return;
        } catch (BigQueryException e) {
          if (e.getCode() != 409) {
            throw e;
          }
          existing = bigquery.getTable(id); // created concurrently
        }
      }
      upgrade(existing, desired.getSchema());
    } catch (BigQueryException e) {
      throw BigQueryErrors.translate(e, "creating or upgrading table " + id.getTable());
    }
  }

  /**
   * Appends missing columns; a column whose type differs is an error, since nothing is ever rewritten, except the
   * decimal columns of a table Amplitude's own export created ({@link AdoptedTypes}).
   */
  private void upgrade(Table existing, Schema desired) {
    TableDefinition definition = existing.getDefinition();
    Schema current = definition.getSchema();
    Map<String, Field> currentFields = current == null ? Map.of()
        : current.getFields().stream().collect(Collectors.toMap(f -> f.getName().toLowerCase(),
            Function.identity()));
    List<Field> added = new ArrayList<>();
    for (Field field : desired.getFields()) {
      Field present = currentFields.get(field.getName().toLowerCase());
      if (present == null) {
        added.add(field);
      } else if (!AdoptedTypes.accepts(present.getType().getStandardType(), field.getType().getStandardType())) {
        throw new ExportFailure(FailureReason.LoadFailed, "column " + field.getName() + " of table "
            + existing.getTableId().getTable() + " is " + present.getType().getStandardType() + " but bqexport "
            + "writes " + field.getType().getStandardType() + "; rename or drop that column, bqexport never "
            + "rewrites columns");
      }
    }
    if (added.isEmpty()) {
      return;
    }
    List<Field> fields = new ArrayList<>(current == null ? List.of() : current.getFields());
    fields.addAll(added);
    existing.toBuilder().setDefinition(definition.toBuilder().setSchema(Schema.of(fields)).build()).build().update();
    LOG.info("added columns {} to table {}", added.stream().map(Field::getName).toList(),
        existing.getTableId().getTable());
  }

  /** A table function like Amplitude's, so queries written for Amplitude's own BigQuery export keep working. */
  private void ensureDeduplicatedFunction(TableId events, JobLabels labels) {
    String function = "`" + events.getProject() + "." + events.getDataset() + ".deduplicated_" + events.getTable()
        + "`";
    String sql = "CREATE OR REPLACE TABLE FUNCTION " + function + "(`start_date` DATE, `end_date` DATE) AS "
        + "SELECT * FROM " + Sql.name(events)
        + " WHERE DATE(`event_time`) BETWEEN `start_date` AND `end_date`"
        + " QUALIFY ROW_NUMBER() OVER (PARTITION BY `uuid` ORDER BY `server_upload_time` DESC) = 1";
    try {
      bigquery.query(QueryJobConfiguration.newBuilder(sql).setUseLegacySql(false)
          .setLabels(labels.of("table-function", null)).build());
    } catch (BigQueryException e) {
      throw BigQueryErrors.translate(e, "creating the table function deduplicated_" + events.getTable());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
