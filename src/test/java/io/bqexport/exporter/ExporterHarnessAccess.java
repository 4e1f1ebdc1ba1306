package io.bqexport.exporter;

import io.bqexport.testing.amplitude.AmplitudeEventGenerator;
import io.bqexport.testing.amplitude.GeneratedEvents;
import java.nio.file.Path;
import java.time.Instant;

/** The exporter harness for tests outside this package (the CLI tests). */
public final class ExporterHarnessAccess implements AutoCloseable {

  private final GeneratedEvents events = new GeneratedEvents(new AmplitudeEventGenerator(3, 187520));
  private final ExporterHarness harness = new ExporterHarness(events);

  public Path writeConfig() {
    return harness.writeConfig();
  }

  public void events(Instant hour, long count) {
    events.hour(hour, count);
  }

  public Path terminationLog() {
    return harness.dir.resolve("termination-log");
  }

  public Path keyFile() {
    return harness.keyFile;
  }

  public boolean tableExists(String table) {
    return harness.bigquery.tableExists(ExporterHarness.PROJECT, ExporterHarness.DATASET, table);
  }

  public int amplitudeRequests() {
    return harness.amplitude.requests().size();
  }

  @Override
  public void close() {
    harness.close();
  }
}
