package io.bqexport.bigquery;

import io.bqexport.ExportWindow;
import io.bqexport.amplitude.ExportLineStream;
import io.bqexport.amplitude.SourceLine;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;

/**
 * CPU cost of each mapping path on one thread, measured as thread CPU time so that a loaded machine does not skew it
 * (bench/RESULTS.md): reading the archive's lines alone, then reading and mapping them with the tree, then with the
 * streaming fast path. Each pass runs twice and the second counts (the JIT has compiled it by then). Usage:
 * {@code java -cp ... io.bqexport.bigquery.MappingThroughput target/bench/archive-256mb/export.zip}
 */
public final class MappingThroughput {

  private static final Instant HOUR = Instant.parse("2026-11-28T00:00:00Z");

  private interface Pass {
    void line(String text) throws MalformedEventException;
  }

  private MappingThroughput() {}

  public static void main(String[] args) throws Exception {
    Path zip = Path.of(args[0]);
    EventMapper mapper = new EventMapper();
    ExportWindow window = ExportWindow.ofHour(HOUR);
    if (args.length > 1 && args[1].equals("streaming")) { // only the fast path, e.g. to profile it
      run("read + streaming mapping", zip, text -> mapper.map(text, window), true);
      run("read + streaming mapping", zip, text -> mapper.map(text, window), true);
      return;
    }
    for (int round = 0; round < 2; round++) {
      boolean report = round == 1;
      run("read lines only", zip, text -> { }, report);
      run("read + tree mapping", zip, text -> mapper.mapTree(text, window), report);
      run("read + streaming mapping", zip, text -> mapper.map(text, window), report);
    }
  }

  private static void run(String name, Path zip, Pass pass, boolean report) throws Exception {
    var threads = ManagementFactory.getThreadMXBean();
    long cpu = threads.getCurrentThreadCpuTime();
    long lines = 0;
    try (InputStream in = Files.newInputStream(zip);
        ExportLineStream stream = ExportLineStream.of(ExportWindow.ofHour(HOUR), in)) {
      for (SourceLine line = stream.next(); line != null; line = stream.next()) {
        pass.line(line.text());
        lines++;
      }
    }
    double seconds = (threads.getCurrentThreadCpuTime() - cpu) / 1e9;
    if (report) {
      System.out.printf(Locale.ROOT, "%-26s %8d lines: %6.2f s CPU, %8.0f lines/s%n", name, lines, seconds,
          lines / seconds);
    }
  }
}
