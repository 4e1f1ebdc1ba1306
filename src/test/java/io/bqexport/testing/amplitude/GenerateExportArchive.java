package io.bqexport.testing.amplitude;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Writes generated hours to disk for benchmarks and demos, as an Export API zip or as Amplitude's file layout:
 * <pre>
 * java -cp target/test-classes:target/classes:$(cat target/test-classpath.txt) \
 *   io.bqexport.testing.amplitude.GenerateExportArchive --out=/tmp/export.zip \
 *   [--layout] [--start=2026-11-28T00:00:00Z] [--hours=1] [--events-per-hour=100000] [--seed=1] \
 *   [--app-id=187520] [--events-per-file=50000] [--gzip-level=1] [--threads=N]
 * </pre>
 * Prints one line of JSON with files, events, bytes and seconds.
 */
public final class GenerateExportArchive {
  private GenerateExportArchive() {
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new HashMap<>();
    for (String arg : args) {
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument '" + arg + "'; options look like --name=value");
      }
      int eq = arg.indexOf('=');
      options.put(eq < 0 ? arg.substring(2) : arg.substring(2, eq), eq < 0 ? "true" : arg.substring(eq + 1));
    }
    Path out = Path.of(required(options, "out"));
    Instant start = Instant.parse(options.getOrDefault("start", "2026-11-28T00:00:00Z"));
    Instant end = start.plus(Duration.ofHours(Long.parseLong(options.getOrDefault("hours", "1"))));
    GeneratedEvents events = new GeneratedEvents(new AmplitudeEventGenerator(
        Long.parseLong(options.getOrDefault("seed", "1")), Long.parseLong(options.getOrDefault("app-id", "187520"))))
        .hours(start, end, Long.parseLong(options.getOrDefault("events-per-hour", "100000")))
        .eventsPerFile(Long.parseLong(options.getOrDefault("events-per-file", "50000")))
        .gzipLevel(Integer.parseInt(options.getOrDefault("gzip-level", "1")));
    int threads = Integer.parseInt(options.getOrDefault("threads",
        Integer.toString(Runtime.getRuntime().availableProcessors())));

    long started = System.nanoTime();
    ExportArchiveWriter.Stats stats;
    if (options.containsKey("layout")) {
      Files.createDirectories(out);
      stats = ExportArchiveWriter.writeLayout(events, start, end, out);
    } else {
      if (out.getParent() != null) {
        Files.createDirectories(out.getParent());
      }
      stats = new ExportArchiveWriter(ExportArchiveWriter.EntryMethod.STORED,
          ExportArchiveWriter.EntryObserver.NONE, threads).writeZip(events, start, end, out);
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    System.out.printf("{\"path\":\"%s\",\"files\":%d,\"events\":%d,\"bytes\":%d,\"seconds\":%.2f}%n",
        out, stats.files(), stats.events(), stats.bytes(), seconds);
  }

  private static String required(Map<String, String> options, String name) {
    String value = options.get(name);
    if (value == null) {
      throw new IllegalArgumentException("--" + name + " is required");
    }
    return value;
  }
}
