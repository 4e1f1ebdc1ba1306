package io.bqexport.testing.amplitude;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.bqexport.ExportWindow;
import io.bqexport.amplitude.AmplitudeClientSettings;
import io.bqexport.amplitude.AmplitudeExportClient;
import io.bqexport.amplitude.AmplitudeRegion;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stand-in's late data, through the real client over a socket: an hour that grows after it was served, on a
 * request count or on command, and an hour that answers 404 before its data (see {@link LateArrivals} for
 * Amplitude's documented behaviour).
 */
class LateArrivalsContractTest {
  private static final Instant HOUR = Instant.parse("2026-11-28T17:00:00Z");
  private static final Instant NEXT = HOUR.plus(Duration.ofHours(1));

  private final GeneratedEvents events = new GeneratedEvents(new AmplitudeEventGenerator(3, 187520))
      .eventsPerFile(150);
  private AmplitudeExportStandIn standIn;
  private AmplitudeExportClient client;

  @BeforeEach
  void start() {
    events.hour(HOUR, 200);
    standIn = AmplitudeExportStandIn.start(events);
    client = new AmplitudeExportClient(AmplitudeClientSettings.of(AmplitudeRegion.US, standIn.baseUri(),
        standIn.credentials()).withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(30)));
  }

  @AfterEach
  void stop() {
    client.close();
    standIn.close();
  }

  private List<String> uuids(Instant hour) throws Exception {
    ObjectMapper json = new ObjectMapper();
    List<String> uuids = new ArrayList<>();
    client.forEachLine(ExportWindow.ofHour(hour), line -> {
      try {
        uuids.add(json.readTree(line.text()).get("uuid").asText());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    return uuids;
  }

  @Test
  void anHourGainsLateEventsAfterItWasServedTheGivenNumberOfTimes() throws Exception {
    standIn.lateEvents(HOUR, 30, 2);

    List<String> first = uuids(HOUR);
    List<String> second = uuids(HOUR);
    List<String> third = uuids(HOUR);

    assertThat(first).hasSize(200).isEqualTo(second);
    assertThat(third).hasSize(230).startsWith(first.toArray(String[]::new)).doesNotHaveDuplicates();
    assertThat(standIn.expectedCount(HOUR, NEXT)).isEqualTo(230);
    assertThat(uuids(HOUR)).as("the hour grows once").isEqualTo(third);
  }

  @Test
  void lateEventsCanBeAppendedOnCommand() throws Exception {
    List<String> before = uuids(HOUR);

    standIn.appendLateEvents(HOUR, 5);

    assertThat(uuids(HOUR)).hasSize(205).startsWith(before.toArray(String[]::new));
  }

  @Test
  void anHourAnswers404FirstAndItsDataLater() throws Exception {
    events.hour(NEXT, 40);
    standIn.notFoundFirst(HOUR, 1);

    List<String> notYet = uuids(HOUR);
    List<String> later = uuids(HOUR);

    assertThat(notYet).isEmpty();
    assertThat(later).hasSize(200);
    assertThat(standIn.exportRequests()).extracting(RecordedRequest::status).containsExactly(404, 200);
  }

  @Test
  void aWiderRangeLeavesOutTheHourThatIsNotThereYet() {
    events.hour(NEXT, 40);
    standIn.notFoundFirst(HOUR, 1);

    List<String> files = new ArrayList<>();
    long lines = client.forEachLine(new ExportWindow(HOUR, NEXT.plus(Duration.ofHours(1))),
        line -> files.add(line.file()));

    assertThat(lines).isEqualTo(40);
    assertThat(files).allMatch(f -> f.contains("_2026-11-28_18#"));
  }

  @Test
  void lateEventsNeedAnHourThatCanGrow(@TempDir Path empty) {
    try (AmplitudeExportStandIn fromDisk = AmplitudeExportStandIn.start(new DirectoryEvents(empty))) {
      assertThatThrownBy(() -> fromDisk.lateEvents(HOUR, 1, 0)).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("GeneratedEvents");
    }
  }
}
