package io.bqexport.bench;

import io.bqexport.testing.amplitude.DirectoryEvents;
import io.bqexport.testing.amplitude.ExportDataSource;
import io.bqexport.testing.amplitude.ExportFile;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A benchmark archive's files with their event counts known from generation. DirectoryEvents counts a file's events
 * by decompressing it, which the stand-in does for the whole hour before answering: that would add a second
 * decompression of the archive, in the benchmark's process, to the exporter's measured time.
 */
final class CountedEvents implements ExportDataSource {
  private final DirectoryEvents directory;
  private final long events;
  private final long eventsPerFile;

  CountedEvents(DirectoryEvents directory, long events, long eventsPerFile) {
    this.directory = directory;
    this.events = events;
    this.eventsPerFile = eventsPerFile;
  }

  @Override
  public List<ExportFile> files(Instant hour) {
    List<ExportFile> files = directory.files(hour);
    List<ExportFile> counted = new ArrayList<>(files.size());
    for (int i = 0; i < files.size(); i++) {
      counted.add(new Counted(files.get(i), Math.min(eventsPerFile, events - i * eventsPerFile)));
    }
    return counted;
  }

  private record Counted(ExportFile file, long events) implements ExportFile {
    @Override
    public String name() {
      return file.name();
    }

    @Override
    public String entryName() {
      return file.entryName();
    }

    @Override
    public void writeGzip(OutputStream out) throws IOException {
      file.writeGzip(out);
    }

    @Override
    public Iterator<String> lines() throws IOException {
      return file.lines();
    }
  }
}
