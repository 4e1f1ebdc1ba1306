package io.bqexport.bigquery;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.Schema;
import com.google.cloud.bigquery.StandardTableDefinition;
import com.google.cloud.bigquery.TableId;
import com.google.cloud.bigquery.TableInfo;
import io.bqexport.ExportWindow;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Staging tables {@code _bqexport_stage_<table>_<random>}: one per commit attempt, expiring 24 h after creation by
 * the injected clock, so one abandoned by a crash costs nothing for long and never blocks a rerun.
 */
final class StagingTables {

  static final String PREFIX = "_bqexport_stage_";
  private static final Logger LOG = LoggerFactory.getLogger(StagingTables.class);
  private static final Duration TTL = Duration.ofHours(24);

  private final BigQuery bigquery;
  private final TableId target;
  private final EventSchema schema;
  private Schema tableSchema;
  private final Clock clock;

  StagingTables(BigQuery bigquery, TableId target, EventSchema schema, Clock clock) {
    this.bigquery = bigquery;
    this.target = target;
    this.schema = schema;
    this.clock = clock;
  }

  /**
   * The staging schema: ours, with the target's decimal types where it has them (read once per committer; an
   * adopted Amplitude table keeps its types).
   */
  private Schema tableSchema() {
    if (tableSchema == null) {
      tableSchema = AdoptedTypes.stagingSchema(schema.toBigQuerySchema(), bigquery.getTable(target));
    }
    return tableSchema;
  }

  TableId create(ExportWindow window) {
    TableId stage = TableId.of(target.getProject(), target.getDataset(),
        PREFIX + target.getTable() + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16));
    try {
      bigquery.create(TableInfo.newBuilder(stage, StandardTableDefinition.of(tableSchema()))
          .setExpirationTime(clock.instant().plus(TTL).toEpochMilli())
          .setDescription("bqexport staging of " + window + "; expires by itself").build());
      return stage;
    } catch (BigQueryException e) {
      if (e.getCode() == 409) {
        return stage; // the client retried a create whose answer was lost; the random name is this commit's alone
      }
      throw JobFailures.of(e, "creating staging table " + stage.getTable());
    }
  }

  /** Best effort: a staging table that cannot be dropped expires by itself. */
  void drop(TableId stage) {
    try {
      bigquery.delete(stage);
    } catch (BigQueryException e) {
      LOG.warn("could not drop staging table {} ({}); it expires by itself", stage.getTable(), e.getMessage());
    }
  }
}
