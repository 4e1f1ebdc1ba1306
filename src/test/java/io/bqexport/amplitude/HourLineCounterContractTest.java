package io.bqexport.amplitude;

import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.ExportWindow;
import io.bqexport.testing.amplitude.AmplitudeEventGenerator;
import io.bqexport.testing.amplitude.AmplitudeExportStandIn;
import io.bqexport.testing.amplitude.ExportArchiveWriter;
import io.bqexport.testing.amplitude.GeneratedEvents;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The integrity re-check's counting read: the real client against the stand-in, and the benchmark hook on a file. */
class HourLineCounterContractTest {
  private static final Instant HOUR = Instant.parse("2026-11-28T17:00:00Z");
  private static final Instant NEXT = HOUR.plus(Duration.ofHours(1));

  private final GeneratedEvents events = new GeneratedEvents(new AmplitudeEventGenerator(5, 187520))
      .eventsPerFile(300);
  private AmplitudeExportStandIn standIn;
  private AmplitudeExportClient client;

  @BeforeEach
  void start() {
    events.hour(HOUR, 1000).hour(NEXT, 77);
    standIn = AmplitudeExportStandIn.start(events);
    client = new AmplitudeExportClient(AmplitudeClientSettings.of(AmplitudeRegion.US, standIn.baseUri(),
        standIn.credentials()).withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(30)));
  }

  @AfterEach
  void stop() {
    client.close();
    standIn.close();
  }

  @Test
  void countsEveryLineOfTheHourAcrossItsFiles() {
    assertThat(HourLineCounter.count(client, HOUR)).isEqualTo(new HourLineCounter.Count(1000, false));
    assertThat(HourLineCounter.count(client, NEXT)).isEqualTo(new HourLineCounter.Count(77, false));
  }

  @Test
  void anHourWithoutDataIsA404WithNoLines() {
    assertThat(HourLineCounter.count(client, NEXT.plus(Duration.ofHours(1))))
        .isEqualTo(new HourLineCounter.Count(0, true));
  }

  @Test
  void onlyTheFilesOfTheHourCount() {
    try (ExportLineStream lines = client.open(new ExportWindow(HOUR, NEXT.plus(Duration.ofHours(1))))) {
      assertThat(HourLineCounter.count(lines, NEXT)).isEqualTo(77);
    }
  }

  @Test
  void theBenchmarkHookCountsAnArchiveOnDisk(@TempDir Path dir) throws Exception {
    Path zip = dir.resolve("export.zip");
    new ExportArchiveWriter(ExportArchiveWriter.EntryMethod.DEFLATED, ExportArchiveWriter.EntryObserver.NONE)
        .writeZip(events, HOUR, NEXT, zip);

    try (InputStream archive = Files.newInputStream(zip)) {
      assertThat(HourLineCounter.countArchive(archive, HOUR)).isEqualTo(1000);
    }
  }
}
