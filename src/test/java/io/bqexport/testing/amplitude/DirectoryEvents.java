package io.bqexport.testing.amplitude;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Files in Amplitude's export layout on disk: {@code <appId>_yyyy-MM-dd_H#n.json.gz}, directly in the directory or
 * in sub-directories such as {@code <appId>/}. The directory is scanned once, when created.
 */
public final class DirectoryEvents implements ExportDataSource {
  private final Map<Instant, List<ExportFile>> filesByHour = new TreeMap<>();

  public DirectoryEvents(Path directory) {
    try (Stream<Path> paths = Files.walk(directory)) {
      paths.filter(Files::isRegularFile).sorted().forEach(path ->
          ExportFileNames.parse(path.getFileName().toString()).ifPresent(parsed ->
              filesByHour.computeIfAbsent(parsed.hour(), h -> new ArrayList<>())
                  .add(new DiskFile(path, parsed))));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot scan " + directory, e);
    }
    filesByHour.values().forEach(files ->
        files.sort(Comparator.comparingInt(file -> ((DiskFile) file).parsed.part())));
  }

  @Override
  public List<ExportFile> files(Instant hour) {
    return filesByHour.getOrDefault(hour, List.of());
  }

  /** The hours that have files, in order. */
  public List<Instant> hours() {
    return List.copyOf(filesByHour.keySet());
  }

  private static final class DiskFile implements ExportFile {
    private final Path path;
    private final ExportFileNames.Parsed parsed;
    private long events = -1;

    DiskFile(Path path, ExportFileNames.Parsed parsed) {
      this.path = path;
      this.parsed = parsed;
    }

    @Override
    public String name() {
      return path.getFileName().toString();
    }

    @Override
    public String entryName() {
      return parsed.appId() + "/" + name();
    }

    @Override
    public synchronized long events() {
      if (events < 0) {
        long n = 0;
        try {
          for (Iterator<String> it = lines(); it.hasNext(); it.next()) {
            n++;
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        events = n;
      }
      return events;
    }

    @Override
    public void writeGzip(OutputStream out) throws IOException {
      Files.copy(path, out);
    }

    @Override
    public Iterator<String> lines() throws IOException {
      InputStream raw = Files.newInputStream(path);
      InputStream data = name().endsWith(".gz") ? new GZIPInputStream(raw, 65536) : raw;
      BufferedReader reader = new BufferedReader(new InputStreamReader(data, StandardCharsets.UTF_8));
      return new Iterator<>() {
        private String next = advance();

        private String advance() {
          try {
            String line;
            do {
              line = reader.readLine();
            } while (line != null && line.isBlank());
            if (line == null) {
              reader.close();
            }
            return line;
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }

        @Override
        public boolean hasNext() {
          return next != null;
        }

        @Override
        public String next() {
          String line = next;
          next = advance();
          return line;
        }
      };
    }
  }
}
