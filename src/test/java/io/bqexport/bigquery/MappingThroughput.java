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
 * (bench/RESULTS.md): reading the archive's lines alone (as bytes, then checked, then decoded), then reading and
 * mapping them with the tree, with the streaming fast path from text, and from the bytes (the exporter's path),
 * each with the bytes it allocated. Each pass runs twice and the second counts (the JIT has compiled it by then).
 * Usage:
 * {@code java -cp ... io.bqexport.bigquery.MappingThroughput target/bench/archive-256mb/export.zip}
 */
public final class MappingThroughput {

  private static final Instant HOUR = Instant.parse("2026-11-28T00:00:00Z");

  private interface Pass {
    void line(SourceLine line) throws MalformedEventException;
  }

  private MappingThroughput() {}

  public static void main(String[] args) throws Exception {
    Path zip = Path.of(args[0]);
    EventMapper mapper = new EventMapper();
    ExportWindow window = ExportWindow.ofHour(HOUR);
    if (args.length > 1 && args[1].equals("streaming")) { // only the fast path, e.g. to profile it
      run("read + byte mapping", zip, line -> mapper.mapUtf8(line.utf8(), window), true);
      run("read + byte mapping", zip, line -> mapper.mapUtf8(line.utf8(), window), true);
      return;
    }
    for (int round = 0; round < 2; round++) {
      boolean report = round == 1;
      run("read byte lines only", zip, line -> { }, report);
      run("read + check UTF-8", zip, SourceLine::problem, report);
      run("read + decode to String", zip, SourceLine::text, report);
      run("read + tree mapping", zip, line -> mapper.mapTree(line.text(), window), report);
      run("read + streaming from text", zip, line -> mapper.map(line.text(), window), report);
      run("read + byte mapping", zip, line -> mapper.mapUtf8(line.utf8(), window), report);
    }
  }

  private static void run(String name, Path zip, Pass pass, boolean report) throws Exception {
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long cpu = threads.getCurrentThreadCpuTime();
    long allocated = threads.getCurrentThreadAllocatedBytes();
    long lines = 0;
    try (InputStream in = Files.newInputStream(zip);
        ExportLineStream stream = ExportLineStream.of(ExportWindow.ofHour(HOUR), in)) {
      for (SourceLine line = stream.next(); line != null; line = stream.next()) {
        pass.line(line);
        lines++;
      }
    }
    double seconds = (threads.getCurrentThreadCpuTime() - cpu) / 1e9;
    double allocatedMb = (threads.getCurrentThreadAllocatedBytes() - allocated) / 1e6;
    if (report) {
      System.out.printf(Locale.ROOT, "%-26s %8d lines: %6.2f s CPU, %8.0f lines/s, %6.0f MB allocated%n", name,
          lines, seconds, lines / seconds, allocatedMb);
    }
  }
}
