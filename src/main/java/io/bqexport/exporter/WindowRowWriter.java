package io.bqexport.exporter;

import io.bqexport.amplitude.AmplitudeExportClient;
import io.bqexport.amplitude.ExportLineStream;
import io.bqexport.amplitude.SourceLine;
import io.bqexport.bigquery.EventMapper;
import io.bqexport.bigquery.MalformedEventException;
import io.bqexport.bigquery.MappedEvent;
import io.bqexport.bigquery.RowWriter;
import io.bqexport.bigquery.WindowStats;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams one window from Amplitude through the EventMapper into a load job: line by line, never holding the hour.
 * Malformed lines are skipped up to maxBadRecords per window; one more fails the window.
 */
final class WindowRowWriter implements RowWriter {

  private static final Logger LOG = LoggerFactory.getLogger(WindowRowWriter.class);

  private final AmplitudeExportClient source;
  private final EventMapper mapper;
  private final ExportWindow window;
  private final int maxBadRecords;
  private final Set<String> schemaDrift;
  private long skipped;

  WindowRowWriter(AmplitudeExportClient source, EventMapper mapper, ExportWindow window, int maxBadRecords,
      Set<String> schemaDrift) {
    this.source = source;
    this.mapper = mapper;
    this.window = window;
    this.maxBadRecords = maxBadRecords;
    this.schemaDrift = schemaDrift;
  }

  /** Malformed lines skipped by the last attempt. */
  long skipped() {
    return skipped;
  }

  @Override
  public WindowStats writeRows(OutputStream out) throws IOException {
    WindowStats stats = new WindowStats();
    skipped = 0;
    try (ExportLineStream lines = source.open(new io.bqexport.amplitude.ExportWindow(window.start(), window.end()))) {
      for (SourceLine line = lines.next(); line != null; line = lines.next()) {
        MappedEvent event;
        try {
          event = mapper.map(line.text(), window);
        } catch (MalformedEventException e) {
          skipped++;
          if (skipped > maxBadRecords) {
            throw new ExportFailure(FailureReason.BadRecords, line.location() + " of the Amplitude export is "
                + "malformed (" + e.getMessage() + "); " + skipped + " malformed line(s) exceed source.maxBadRecords="
                + maxBadRecords + ", so nothing of " + window + " was committed. Raise maxBadRecords to skip them");
          }
          LOG.warn("skipping malformed {} of {}: {}", line.location(), window, e.getMessage());
          continue;
        }
        out.write(event.row());
        out.write('\n');
        stats.add(event, event.row().length + 1L, line.file());
        if (!event.unknownKeys().isEmpty() && schemaDrift.size() < 100) {
          schemaDrift.addAll(event.unknownKeys());
        }
      }
    }
    return stats;
  }
}
