package io.bqexport.exporter;

import static io.bqexport.exporter.ExporterHarness.hour;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Memory stays flat: the real command in a child JVM with a 96 MiB heap exports one hour whose rows are several times
 * larger than that heap. The heap has the exporter pod's layout (ExportPodTemplate: half young, large survivors,
 * serial collector) at 3/4 of its size, so its 48 MiB old generation holds what the run keeps.
 */
class ExporterMemoryTest {

  private static final long HEAP = 96L * 1024 * 1024;
  private static final int EVENTS = 36_000;

  @Test
  void anHourSeveralTimesLargerThanTheHeapIsExportedWithA96MiBHeap() throws Exception {
    LargeEventsSource events = new LargeEventsSource(hour(10), EVENTS, 4_000, 9_000);
    assertThat(events.rowBytesAtLeast()).isGreaterThan(3 * HEAP);
    try (ExporterHarness h = new ExporterHarness(events)) {
      h.startFrom = hour(10);
      Path config = h.writeConfig();
      Path log = h.dir.resolve("child.log");
      Process child = new ProcessBuilder(List.of(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xms96m", "-Xmx96m", "-Xmn48m", "-XX:SurvivorRatio=2", "-XX:TargetSurvivorRatio=90", "-XX:+UseSerialGC",
          "-XX:TieredStopAtLevel=1",
          "-XX:+ExitOnOutOfMemoryError",
          "-cp", System.getProperty("java.class.path"),
          "io.bqexport.cli.BqExportCommand", "export", "--config", config.toString(), "--now", hour(13).toString()))
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      assertThat(child.waitFor(10, TimeUnit.MINUTES)).as("child finished").isTrue();

      String output = tail(log);
      assertThat(child.exitValue()).as(output).isZero();
      RunSummary summary = RunSummary.parse(Files.readString(h.dir.resolve("termination-log")));
      assertThat(summary.result()).as(summary.toJson()).isEqualTo("Succeeded");
      assertThat(summary.rows()).isEqualTo(EVENTS);
      assertThat(summary.bytes()).as("NDJSON bytes of the hour").isGreaterThan(3 * HEAP);
      assertThat(h.rows()).isEqualTo(EVENTS);
    }
  }

  private static String tail(Path log) throws IOException {
    String text = Files.readString(log);
    return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
  }
}
