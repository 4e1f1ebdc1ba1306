package io.bqexport.bigquery;

import io.bqexport.Hashes;
import com.google.cloud.bigquery.TableId;
import io.bqexport.ExportWindow;

/**
 * Deterministic load-job ids: the same window, generation and attempt always get the same id, so a rerun that
 * repeats a load is refused by BigQuery with 409 "duplicate" instead of loading the rows twice.
 */
public final class LoadJobIds {

  private LoadJobIds() {}

  /** {@code bqexport_<kind>_<sha256 of project, dataset, table, window, generation (32 hex)>_<attempt>}. */
  public static String of(String kind, TableId table, ExportWindow window, long generation, int attempt) {
    return "bqexport_" + kind + "_" + Hashes.sha256Hex(table.getProject() + "|" + table.getDataset() + "|" + table.getTable()
        + "|" + window.start() + "|" + window.end() + "|" + generation, 32) + "_" + attempt;
  }
}
