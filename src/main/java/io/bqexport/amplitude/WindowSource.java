package io.bqexport.amplitude;

import io.bqexport.ExportWindow;
import java.time.Instant;

/**
 * Where a run reads one kind of record for a window: the Export API's archive or the objects of Amplitude's Cloud
 * Storage export. Opened anew for every load attempt.
 */
public interface WindowSource {

  /** The window's lines, read to their verified end before anything of the window is committed. */
  LineSource open(ExportWindow window);

  /**
   * The hour a source file holds, from its name; null when the name does not tell. Rows are committed in their
   * file's hour, so an event's hour never depends on the window that carried it.
   */
  default Instant fileHour(String file) {
    return ExportFileHour.of(file);
  }
}
