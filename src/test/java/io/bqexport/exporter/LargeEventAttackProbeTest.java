package io.bqexport.exporter;

import static io.bqexport.exporter.ExporterHarness.hour;
import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.operator.export.ExportPodTemplate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Attack on the exporter pod's memory (ExportPodTemplate.DEFAULT_JAVA_TOOL_OPTIONS: 128 MiB heap, 64 MiB of it young,
 * C1 only): an hour of 50 KB event lines (large user and event properties), exported by the real command with exactly
 * the pod's options. An OutOfMemoryError loses the run; ExporterMemoryTest's lines are 4-9 KB.
 */
class LargeEventAttackProbeTest {
  private static final int EVENTS = 1_600;

  @Test
  void anHourOfFiftyKilobyteEventsIsExportedWithThePodsJvmOptions() throws Exception {
    LargeEventsSource events = new LargeEventsSource(hour(10), EVENTS, 400, 50_000);
    try (ExporterHarness h = new ExporterHarness(events)) {
      h.startFrom = hour(10);
      Path config = h.writeConfig();
      Path log = h.dir.resolve("child.log");
      List<String> command = new ArrayList<>(List.of(
          Path.of(System.getProperty("java.home"), "bin", "java").toString()));
      command.addAll(Arrays.asList(ExportPodTemplate.DEFAULT_JAVA_TOOL_OPTIONS.split(" ")));
      command.addAll(List.of("-XX:+ExitOnOutOfMemoryError", "-Djava.io.tmpdir=" + h.dir,
          "-cp", System.getProperty("java.class.path"),
          "io.bqexport.cli.BqExportCommand", "export", "--config", config.toString(), "--now", hour(13).toString()));
      Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      assertThat(child.waitFor(10, TimeUnit.MINUTES)).as("child finished").isTrue();

      String output = Files.readString(log);
      String tail = output.length() > 4000 ? output.substring(output.length() - 4000) : output;
      assertThat(child.exitValue()).as(tail).isZero();
      RunSummary summary = RunSummary.parse(Files.readString(h.dir.resolve("termination-log")));
      assertThat(summary.result()).as(summary.toJson()).isEqualTo("Succeeded");
      assertThat(summary.rows()).isEqualTo(EVENTS);
      assertThat(h.rows()).isEqualTo(EVENTS);
    }
  }
}
