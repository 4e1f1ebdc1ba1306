package io.bqexport.testing.amplitude;

import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.amplitude.AmplitudeClientSettings;
import io.bqexport.amplitude.AmplitudeExportClient;
import io.bqexport.amplitude.AmplitudeRegion;
import io.bqexport.amplitude.ExportLineStream;
import io.bqexport.ExportWindow;
import io.bqexport.amplitude.SourceLine;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The disk writers (zip and Amplitude layout) and serving a layout directory through the stand-in. */
class ExportArchiveWriterTest {
  private static final Instant START = Instant.parse("2026-11-28T22:00:00Z");
  private static final Instant END = START.plus(Duration.ofHours(3));

  @TempDir
  Path dir;

  private final GeneratedEvents events = new GeneratedEvents(new AmplitudeEventGenerator(3, 4242))
      .hour(START, 250).hour(START.plus(Duration.ofHours(2)), 90).eventsPerFile(100);

  @Test
  void writesAZipInAmplitudesLayoutThatTheClientReadsBack() throws IOException {
    Path zip = dir.resolve("export.zip");
    ExportArchiveWriter.Stats stats = new ExportArchiveWriter().writeZip(events, START, END, zip);

    assertThat(stats.files()).isEqualTo(4);
    assertThat(stats.events()).isEqualTo(340);
    assertThat(stats.bytes()).isEqualTo(Files.size(zip));
    try (ZipFile file = new ZipFile(zip.toFile())) {
      assertThat(file.stream().map(entry -> entry.getName())).containsExactly(
          "4242/4242_2026-11-28_22#0.json.gz", "4242/4242_2026-11-28_22#1.json.gz",
          "4242/4242_2026-11-28_22#2.json.gz", "4242/4242_2026-11-29_0#0.json.gz");
    }
    List<String> uuids = new ArrayList<>();
    try (InputStream in = Files.newInputStream(zip);
         ExportLineStream lines = ExportLineStream.of(new ExportWindow(START, END), in)) {
      for (SourceLine line = lines.next(); line != null; line = lines.next()) {
        uuids.add(line.text().replaceFirst(".*\"uuid\":\"([^\"]+)\".*", "$1"));
      }
    }
    List<String> expected = new ArrayList<>(events.values(START, "uuid"));
    expected.addAll(events.values(START.plus(Duration.ofHours(2)), "uuid"));
    assertThat(uuids).containsExactlyElementsOf(expected);
  }

  @Test
  void aLayoutDirectoryIsServedByTheStandInLikeGeneratedEvents() throws IOException {
    ExportArchiveWriter.writeLayout(events, START, END, dir);
    try (Stream<Path> files = Files.walk(dir)) {
      assertThat(files.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()))
          .contains("4242/4242_2026-11-29_0#0.json.gz").hasSize(4);
    }
    DirectoryEvents fromDisk = new DirectoryEvents(dir);

    assertThat(fromDisk.hours()).containsExactly(START, START.plus(Duration.ofHours(2)));
    assertThat(fromDisk.count(START)).isEqualTo(250);
    assertThat(fromDisk.values(START, "uuid")).isEqualTo(events.values(START, "uuid"));
    assertThat(fromDisk.values(START, "$insert_id")).isEqualTo(events.values(START, "$insert_id"));

    try (AmplitudeExportStandIn standIn = AmplitudeExportStandIn.start(fromDisk);
         AmplitudeExportClient client = new AmplitudeExportClient(
             AmplitudeClientSettings.of(AmplitudeRegion.EU, standIn.baseUri(), standIn.credentials()))) {
      List<SourceLine> lines = new ArrayList<>();
      client.forEachLine(new ExportWindow(START, END), lines::add);
      assertThat(lines).hasSize((int) standIn.expectedCount(START, END)).hasSize(340);
      assertThat(lines.get(339).file()).isEqualTo("4242/4242_2026-11-29_0#0.json.gz");
      assertThat(lines).extracting(line -> line.text().replaceFirst(".*\"uuid\":\"([^\"]+)\".*", "$1"))
          .containsExactlyElementsOf(standIn.expectedUuids(START, END));
    }
  }

  @Test
  void filesDirectlyInTheDirectoryCountToo() throws IOException {
    ExportFile first = events.files(START).get(0);
    try (var out = Files.newOutputStream(dir.resolve(first.name()))) {
      first.writeGzip(out);
    }
    Files.writeString(dir.resolve("README.txt"), "not an export file");

    DirectoryEvents fromDisk = new DirectoryEvents(dir);

    assertThat(fromDisk.hours()).containsExactly(START);
    assertThat(fromDisk.files(START)).singleElement().satisfies(file -> {
      assertThat(file.entryName()).isEqualTo("4242/4242_2026-11-28_22#0.json.gz");
      assertThat(file.events()).isEqualTo(100);
    });
  }

  @Test
  void theGeneratorCommandWritesAZip() throws Exception {
    Path zip = dir.resolve("bench/export.zip");

    GenerateExportArchive.main(new String[] {"--out=" + zip, "--events-per-hour=120", "--hours=2",
        "--events-per-file=50", "--threads=2"});

    try (ZipFile file = new ZipFile(zip.toFile())) {
      assertThat(file.size()).isEqualTo(6);
    }
  }
}
