package io.bqexport.bigquery;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.bigquery.DatasetId;
import io.bqexport.testing.bigquery.BigQueryEmulator;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The quarantine table's rows as Quarantine writes and reads them, against the emulator. */
class QuarantineTableTest {

  private static final String PROJECT = "acme-analytics";
  private static final String SOURCE = "amplitude:default/product-events";
  private static final Instant HOUR = Instant.parse("2026-11-28T05:00:00Z");
  private BigQueryEmulator emulator;
  private Quarantine quarantine;

  @BeforeEach
  void start() {
    emulator = BigQueryEmulator.start();
    emulator.createDataset(PROJECT, "amplitude");
    DatasetId dataset = DatasetId.of(PROJECT, "amplitude");
    new TableManager(emulator.client(PROJECT), dataset).ensureTables("events");
    quarantine = new Quarantine(emulator.client(PROJECT), dataset, JobLabels.NONE);
  }

  @AfterEach
  void stop() {
    emulator.close();
  }

  /** Fails the hour {@link Quarantine#THRESHOLD} times the same way, so that it is quarantined. */
  private void failRepeatedly(String message) {
    for (int run = 0; run < Quarantine.THRESHOLD; run++) {
      quarantine.recordFailure("events", SOURCE, List.of(HOUR), "LoadRejected", message,
          HOUR.plus(Duration.ofHours(run + 1)));
    }
  }

  @Test
  void aQuarantinedHourKeepsItsReasonLastMessageCountAndFirstFailure() {
    failRepeatedly("No such field: x");

    assertThat(quarantine.hours("events", SOURCE)).containsExactly(new QuarantinedHour(HOUR, "LoadRejected",
        "No such field: x", Quarantine.THRESHOLD, HOUR.plus(Duration.ofHours(1))));
  }

  @Test
  void aFailureWithoutMessageIsReadBackWithoutOne() {
    failRepeatedly(null);

    assertThat(quarantine.hours("events", SOURCE)).singleElement()
        .satisfies(h -> assertThat(h.message()).isNull());
  }

  @Test
  void aMessageOf500CharactersIsKeptWholeALongerOneIsCut() {
    String exactly500 = "m".repeat(500);
    failRepeatedly(exactly500);
    assertThat(quarantine.hours("events", SOURCE)).singleElement()
        .satisfies(h -> assertThat(h.message()).isEqualTo(exactly500));

    quarantine.recordFailure("events", SOURCE, List.of(HOUR), "LoadRejected", "n".repeat(501),
        HOUR.plus(Duration.ofHours(9)));
    assertThat(quarantine.hours("events", SOURCE)).singleElement()
        .satisfies(h -> assertThat(h.message()).isEqualTo("n".repeat(500) + "..."));
  }
}
