package io.bqexport.bigquery;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes one window's rows as NDJSON and returns their statistics. Called again for each load attempt, so it opens
 * its source anew every time. Throwing aborts the upload: nothing of the window is committed.
 */
@FunctionalInterface
public interface RowWriter {

  WindowStats writeRows(OutputStream out) throws IOException;
}
