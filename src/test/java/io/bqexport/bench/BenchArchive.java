package io.bqexport.bench;

import io.bqexport.testing.amplitude.AmplitudeEventGenerator;
import io.bqexport.testing.amplitude.DirectoryEvents;
import io.bqexport.testing.amplitude.ExportDataSource;
import io.bqexport.testing.amplitude.ExportArchiveWriter;
import io.bqexport.testing.amplitude.GeneratedEvents;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Properties;

/**
 * A generated Amplitude export of about {@code megabytes} MB of uncompressed NDJSON in one hour, written once and
 * cached: {@code export.zip} (the Export API's zip of gzip files, for the floor) and the same files unpacked in
 * Amplitude's layout under {@code layout/} (served by the stand-in). {@code meta.properties} holds the exact counts.
 */
record BenchArchive(Path dir, long events, long uncompressedBytes, long zipBytes) {
  static final long EVENTS_PER_FILE = 50_000;
  static final Instant HOUR = Instant.parse("2026-11-28T00:00:00Z");

  Path zip() {
    return dir.resolve("export.zip");
  }

  Path layout() {
    return dir.resolve("layout");
  }

  /** The archive's files for the Amplitude stand-in. */
  ExportDataSource source() {
    return new CountedEvents(new DirectoryEvents(layout()), events, EVENTS_PER_FILE);
  }

  static BenchArchive ensure(Path root, int megabytes) throws IOException, InterruptedException {
    Path dir = root.resolve("archive-" + megabytes + "mb");
    Path meta = dir.resolve("meta.properties");
    if (Files.exists(meta)) {
      Properties p = new Properties();
      try (Reader in = Files.newBufferedReader(meta)) {
        p.load(in);
      }
      return new BenchArchive(dir, Long.parseLong(p.getProperty("events")),
          Long.parseLong(p.getProperty("uncompressedBytes")), Long.parseLong(p.getProperty("zipBytes")));
    }
    Files.createDirectories(dir);
    long events = Math.max(1, megabytes * 1_000_000L / bytesPerEvent());
    long started = System.nanoTime();
    GeneratedEvents source = new GeneratedEvents(new AmplitudeEventGenerator(1, 187_520))
        .hours(HOUR, HOUR.plus(Duration.ofHours(1)), events).eventsPerFile(EVENTS_PER_FILE).gzipLevel(1);
    Path zip = dir.resolve("export.zip");
    ExportArchiveWriter.Stats stats = new ExportArchiveWriter(ExportArchiveWriter.EntryMethod.STORED,
        ExportArchiveWriter.EntryObserver.NONE, Runtime.getRuntime().availableProcessors())
        .writeZip(source, HOUR, HOUR.plus(Duration.ofHours(1)), zip);
    run(List.of("unzip", "-q", "-o", zip.toString(), "-d", dir.resolve("layout").toString()));
    long uncompressed = uncompressedBytes(zip);
    BenchArchive archive = new BenchArchive(dir, stats.events(), uncompressed, Files.size(zip));
    Properties p = new Properties();
    p.setProperty("events", Long.toString(archive.events));
    p.setProperty("uncompressedBytes", Long.toString(archive.uncompressedBytes));
    p.setProperty("zipBytes", Long.toString(archive.zipBytes));
    try (Writer out = Files.newBufferedWriter(meta)) {
      p.store(out, "generated benchmark archive");
    }
    System.err.printf("generated %s: %d events, %.1f MB uncompressed, %.1f MB zip in %.1f s%n", dir,
        archive.events, archive.uncompressedBytes / 1e6, archive.zipBytes / 1e6,
        (System.nanoTime() - started) / 1e9);
    return archive;
  }

  /** Average NDJSON line length of the generator, from a sample. */
  private static long bytesPerEvent() {
    Iterator<String> lines = new AmplitudeEventGenerator(1, 187_520).lines(HOUR, 0, 2_000);
    long bytes = 0;
    int n = 0;
    while (lines.hasNext()) {
      bytes += lines.next().getBytes(StandardCharsets.UTF_8).length + 1;
      n++;
    }
    return bytes / n;
  }

  private static long uncompressedBytes(Path zip) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("bash", "-c", "unzip -p \"$0\" | gzip -dc | wc -c", zip.toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out;
    try (InputStream in = p.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
    }
    if (p.waitFor() != 0) {
      throw new IOException("counting the uncompressed bytes of " + zip + " failed");
    }
    return Long.parseLong(out);
  }

  static void run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try (InputStream in = p.getInputStream(); OutputStream sink = OutputStream.nullOutputStream()) {
      in.transferTo(sink);
    }
    if (p.waitFor() != 0) {
      throw new IOException(String.join(" ", command) + " failed with exit code " + p.exitValue());
    }
  }
}
