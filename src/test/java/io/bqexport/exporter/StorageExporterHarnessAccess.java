package io.bqexport.exporter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/** The storage-source harness for tests outside this package (the CLI tests). */
public final class StorageExporterHarnessAccess implements AutoCloseable {

  private final StorageExporterHarness harness = new StorageExporterHarness();

  /** Writes an hour's event files ({@code count} events, several files) and merged IDs to the bucket. */
  public void hour(Instant hour, long events, int mergeIds) {
    harness.events.hour(hour, events).eventsPerFile(10);
    harness.export.writeEvents(harness.events, hour);
    harness.export.writeMergeIds(hour, mergeIds, 1);
  }

  public Path writeConfig(Instant startFrom) {
    harness.startFrom = startFrom;
    Path file = harness.dir.resolve("config.json");
    try {
      Files.writeString(file, ExporterConfigReader.toJson(harness.config()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  public long rows(String table) {
    return harness.rows(table);
  }

  @Override
  public void close() {
    harness.close();
  }
}
