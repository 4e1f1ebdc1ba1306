package io.bqexport.bigquery;

import com.google.cloud.bigquery.TableId;
import io.bqexport.exporter.ExportWindow;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Deterministic load-job ids: the same window, generation and attempt always get the same id, so a rerun that
 * repeats a load is refused by BigQuery with 409 "duplicate" instead of loading the rows twice.
 */
public final class LoadJobIds {

  private LoadJobIds() {}

  /** {@code bqexport_<kind>_<sha256 of project, dataset, table, window, generation (32 hex)>_<attempt>}. */
  public static String of(String kind, TableId table, ExportWindow window, long generation, int attempt) {
    return "bqexport_" + kind + "_" + hash(table.getProject() + "|" + table.getDataset() + "|" + table.getTable()
        + "|" + window.start() + "|" + window.end() + "|" + generation, 32) + "_" + attempt;
  }

  static String hash(String text, int hexChars) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, hexChars);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }
}
