package io.bqexport.bench;

import io.bqexport.amplitude.HourLineCounter;
import io.bqexport.exporter.ExporterConfig;
import io.bqexport.exporter.ExporterConfigReader;
import io.bqexport.exporter.RunSummary;
import io.bqexport.operator.export.ExportPodTemplate;
import io.bqexport.testing.ServiceAccountKeys;
import io.bqexport.testing.amplitude.AmplitudeExportStandIn;
import io.bqexport.testing.amplitude.ExportArchiveWriter;
import io.bqexport.testing.bigquery.BigQueryEmulator;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Exporter benchmark (DESIGN section 8): the real exporter CLI as a child process, reading a generated archive from
 * the Amplitude stand-in, measured against the decompression floor {@code unzip -p archive | gzip -dc > /dev/null}
 * on the same archive in the same run.
 * <ul>
 *   <li>to the upload socket: BigQuery calls go to the emulator, upload bytes are discarded
 *       ({@link DiscardingUploadProxy}), at two sizes (flat memory);</li>
 *   <li>end to end: into the emulator, at a smaller size (the emulator's DuckDB loader does ~10k rows/s).</li>
 * </ul>
 * The exporter JVM runs exactly as in the pod with default resources: the image's JVM flags, the 512Mi limit as
 * {@code -XX:MaxRAM}, and the pod's JAVA_TOOL_OPTIONS ({@link ExportPodTemplate#DEFAULT_JAVA_TOOL_OPTIONS}).
 * The integrity re-check's counting pass ({@link HourLineCounter#countArchive}) is timed in this process on the
 * same archives against the same floor. The last line is the summary scripts read:
 * {@code exporter: ratio_256mb=.. ratio_1gb=.. rss_mib=.. rss_spread_pct=.. count_ratio=..}.
 * Options: --small-mb=256 --large-mb=1024 --e2e-mb=32 --work=target/bench --jar=target/bqexport.jar
 * --runs=small,large,e2e (a subset, e.g. to profile one size; the summary needs both sizes)
 * --count-only=true (the counting pass alone) --jvm-opts="-XX:MaxRAM=512m -XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError" --java-tool-options="..." (to
 * try other settings; "{label}" in an option becomes the run's label, e.g. for
 * -XX:StartFlightRecording=filename=target/{label}.jfr).
 */
public final class ExporterBench {
  static final String PROJECT = "acme-analytics";
  static final String DATASET = "amplitude";
  static final String TABLE = "events";

  private ExporterBench() {
  }

  record Figures(String label, BenchArchive archive, MeasuredProcess.Result floor, MeasuredProcess.Result run,
      double toLastUploadByteSeconds, RunSummary summary) {
    double eventsPerSecond() {
      return archive.events() / run.seconds();
    }

    double megabytesPerSecond() {
      return archive.uncompressedBytes() / 1e6 / run.seconds();
    }

    double floorRatio() {
      return run.seconds() / floor.seconds();
    }

    String line() {
      return String.format(Locale.ROOT, "exporter %-5s %7.1f MB, %8d events: %6.2f s (to last upload byte %.2f s),"
              + " %8.0f events/s, %6.1f MB/s, floor %5.2f s, ratio %5.2f, peak RSS %4.0f MiB, CPU %.1f s (floor"
              + " %.1f s, ratio %.2f), %s",
          label, archive.uncompressedBytes() / 1e6, archive.events(), run.seconds(), toLastUploadByteSeconds,
          eventsPerSecond(), megabytesPerSecond(), floor.seconds(), floorRatio(), run.peakRssMiB(),
          run.cpuSeconds(), floor.cpuSeconds(), run.cpuSeconds() / floor.cpuSeconds(),
          summary == null ? "no summary" : summary.result() + " " + summary.rows() + " rows");
    }
  }

  public static void main(String[] args) throws Exception {
    Options o = Options.parse(args);
    Path work = Path.of(o.get("work", "target/bench"));
    Files.createDirectories(work);
    int smallMb = Integer.parseInt(o.get("small-mb", "256"));
    int largeMb = Integer.parseInt(o.get("large-mb", "1024"));
    int e2eMb = Integer.parseInt(o.get("e2e-mb", "32"));
    List<String> java = javaCommand(o);

    BenchArchive small = BenchArchive.ensure(work, smallMb);
    BenchArchive large = BenchArchive.ensure(work, largeMb);
    BenchArchive e2e = BenchArchive.ensure(work, e2eMb);
    if (o.get("count-only", "false").equals("true")) { // the counting pass alone, e.g. of another build's classes
      countRatio(small);
      countRatio(large);
      return;
    }

    Map<String, String> env = Map.of("JAVA_TOOL_OPTIONS",
        o.get("java-tool-options", ExportPodTemplate.DEFAULT_JAVA_TOOL_OPTIONS));
    System.out.println("exporter JVM: " + String.join(" ", java) + " with JAVA_TOOL_OPTIONS=" + env.values());
    List<String> runs = List.of(o.get("runs", "small,large,e2e").split(","));
    List<Figures> all = new ArrayList<>();
    Figures s = null;
    Figures l = null;
    if (runs.contains("small")) {
      s = measure("small", small, true, java, env, work);
      System.out.println(s.line());
      all.add(s);
    }
    if (runs.contains("large")) {
      l = measure("large", large, true, java, env, work);
      System.out.println(l.line());
      all.add(l);
    }
    if (runs.contains("e2e")) {
      Figures e = measure("e2e", e2e, false, java, env, work);
      System.out.println(e.line() + " (end to end into the BigQuery emulator, whose DuckDB loader bounds it)");
      all.add(e);
    }
    for (Figures f : all) {
      if (f.run().exitCode() != 0 || f.summary() == null || !"Succeeded".equals(f.summary().result())
          || f.summary().rows() != f.archive().events()) {
        System.out.println("exporter FAILED in run " + f.label() + "; see " + f.run().log());
        System.exit(1);
      }
    }
    if (s == null || l == null) { // a partial run (e.g. a profile of one size): no summary line
      return;
    }
    countRatio(small); // warms the counting code up, as a re-check of several hours would be
    double countRatio = countRatio(large);
    System.out.printf(Locale.ROOT, "exporter large: %.0f events/s, %.1f MB/s, floor ratio %.2f, peak RSS %.0f MiB"
            + " (small) / %.0f MiB (large)%n", l.eventsPerSecond(), l.megabytesPerSecond(), l.floorRatio(),
        s.run().peakRssMiB(), l.run().peakRssMiB());
    double rssMax = Math.max(s.run().peakRssMiB(), l.run().peakRssMiB());
    double rssMin = Math.min(s.run().peakRssMiB(), l.run().peakRssMiB());
    System.out.printf(Locale.ROOT, "exporter: ratio_256mb=%.2f ratio_1gb=%.2f rss_mib=%.0f rss_spread_pct=%.0f"
            + " count_ratio=%.2f%n", s.floorRatio(), l.floorRatio(), rssMax, (rssMax - rssMin) / rssMin * 100,
        countRatio);
  }

  /** The counting pass of the integrity re-check over the archive, against the floor measured right before it. */
  static double countRatio(BenchArchive archive) throws IOException, InterruptedException {
    MeasuredProcess.Result floorRun = floor(archive);
    double floor = floorRun.seconds();
    long started = System.nanoTime();
    long cpuStarted = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    long lines;
    try (InputStream in = Files.newInputStream(archive.zip())) {
      lines = HourLineCounter.countArchive(in, BenchArchive.HOUR);
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    double cpu = (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpuStarted) / 1e9;
    if (lines != archive.events()) {
      throw new IllegalStateException("the counting pass found " + lines + " lines, the archive has "
          + archive.events());
    }
    System.out.printf(Locale.ROOT, "exporter count %7.1f MB: %.2f s, floor %.2f s, ratio %.2f, CPU %.1f s (floor"
        + " %.1f s, ratio %.2f)%n", archive.uncompressedBytes() / 1e6, seconds, floor, seconds / floor, cpu,
        floorRun.cpuSeconds(), cpu / floorRun.cpuSeconds());
    return seconds / floor;
  }

  private static List<String> javaCommand(Options o) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String opt : o.get("jvm-opts", "-XX:MaxRAM=512m -XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError").trim().split("\\s+")) {
      if (!opt.isEmpty()) {
        command.add(opt);
      }
    }
    Path jar = Path.of(o.get("jar", "target/bqexport.jar"));
    if (Files.exists(jar)) {
      command.addAll(List.of("-jar", jar.toString()));
    } else {
      command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.bqexport.cli.BqExportCommand"));
    }
    return command;
  }

  /** The floor: decompressing the same archive with the system's unzip and gzip; its wall and CPU seconds. */
  static MeasuredProcess.Result floor(BenchArchive archive) throws IOException, InterruptedException {
    MeasuredProcess.Result floor = MeasuredProcess.start(List.of("bash", "-c",
        "unzip -p \"$0\" | gzip -dc > /dev/null", archive.zip().toString()),
        archive.zip().resolveSibling("floor.log")).await(600);
    if (floor.exitCode() != 0) {
      throw new IOException("the floor failed; see " + floor.log());
    }
    return floor;
  }

  static Figures measure(String label, BenchArchive archive, boolean discardUploads, List<String> java,
      Map<String, String> env, Path work) throws Exception {
    Path dir = work.resolve("run-" + label);
    Files.createDirectories(dir);
    BenchArchive.run(List.of("bash", "-c", "cat \"$0\" > /dev/null", archive.zip().toString())); // page cache
    MeasuredProcess.Result floor = floor(archive);
    Instant now = BenchArchive.HOUR.plus(Duration.ofHours(3));
    // the emulator runs on the exporter's --now, so its 24-hour staging tables do not expire as they are created
    try (BigQueryEmulator bigquery = BigQueryEmulator.start(
            Clock.offset(Clock.systemUTC(), Duration.between(Instant.now(), now)));
         AmplitudeExportStandIn amplitude = AmplitudeExportStandIn.start(archive.source(),
             "bench-api-key", "bench-secret-key").entryMethod(ExportArchiveWriter.EntryMethod.STORED);
         DiscardingUploadProxy proxy = new DiscardingUploadProxy(bigquery.endpoint())) {
      bigquery.createDataset(PROJECT, DATASET);
      bigquery.requireAuthentication(true);
      ServiceAccountKeys.Key key = ServiceAccountKeys.create(bigquery, PROJECT, "writer");
      Path keyFile = write(dir.resolve("service-account.json"), key.json());
      Path apiKey = write(dir.resolve("api-key"), "bench-api-key\n");
      Path secretKey = write(dir.resolve("secret-key"), "bench-secret-key\n");
      Path termination = dir.resolve("termination-log");
      Files.deleteIfExists(termination);
      String endpoint = discardUploads ? proxy.endpoint() : bigquery.endpoint();
      ExporterConfig config = new ExporterConfig(
          new ExporterConfig.ExportRef("bench", "product-events"),
          new ExporterConfig.Source("US", amplitude.baseUri().toString(), apiKey.toString(), secretKey.toString(),
              0, 5, 300),
          new ExporterConfig.Destination(null, DATASET, "US", keyFile.toString(), endpoint, false),
          new ExporterConfig.Data(new ExporterConfig.Events(true, TABLE)),
          BenchArchive.HOUR.toString(), "PT2H", 24, termination.toString(), null);
      Path configFile = write(dir.resolve("config.json"), ExporterConfigReader.toJson(config));
      List<String> command = new ArrayList<>(java.stream().map(a -> a.replace("{label}", label)).toList());
      command.addAll(List.of("export", "--config", configFile.toString(),
          "--now", now.toString()));
      MeasuredProcess child = MeasuredProcess.start(command, env, dir.resolve("exporter.log"));
      MeasuredProcess.Result result = child.await(600);
      double toLastByte = discardUploads && proxy.lastUploadByteNanos() > 0
          ? (proxy.lastUploadByteNanos() - child.startedNanos()) / 1e9 : Double.NaN;
      RunSummary summary = Files.exists(termination) ? RunSummary.parse(Files.readString(termination)) : null;
      if (discardUploads && summary != null && proxy.discardedBytes() == 0) {
        throw new IllegalStateException("no upload bytes reached the discarding endpoint; see " + result.log());
      }
      return new Figures(label, archive, floor, result, toLastByte, summary);
    }
  }

  private static Path write(Path file, String text) throws IOException {
    Files.writeString(file, text);
    return file;
  }
}
