package io.bqexport.exporter;

import static io.bqexport.exporter.ExporterHarness.hour;
import static io.bqexport.exporter.ExporterHarness.number;
import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.ExportWindow;
import io.bqexport.bigquery.CommitStep;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Seeded interleavings of three exporters (random windows, FillGaps or Replace, random crash points) over hours whose
 * files hold events without a usable server_upload_time, or with one in the next hour: each must end in its file's
 * hour exactly once, whatever windows carried it. {@code -Dbqexport.unroutedInterleavings=N} runs more seeds.
 */
class UnroutedEventsInterleavingTest {

  private static final int HOURS = 8;
  private static final int PER_HOUR = 4;
  private static final LinesSource SOURCE = new LinesSource();
  private static ExporterHarness h;

  @BeforeAll
  static void start() {
    for (int hr = 0; hr < HOURS; hr++) {
      String day = "2026-11-28 " + (hr < 10 ? "0" : "") + hr;
      String nextHour = "2026-11-28 " + (hr + 1 < 10 ? "0" : "") + (hr + 1);
      SOURCE.hour(hour(hr), List.of(
          "{\"uuid\":\"h" + hr + "-a\",\"event_type\":\"Play\",\"server_upload_time\":\"" + day + ":30:00\"}",
          "{\"uuid\":\"h" + hr + "-b\",\"event_type\":\"Play\"}",
          "{\"uuid\":\"h" + hr + "-c\",\"event_type\":\"Play\",\"server_upload_time\":\"99999-01-01 00:00:00\"}",
          "{\"uuid\":\"h" + hr + "-d\",\"event_type\":\"Play\",\"server_upload_time\":\"" + nextHour + ":00:01\"}"));
    }
    h = new ExporterHarness(SOURCE);
    h.startFrom = hour(0);
    h.maxHoursPerRun = 3;
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  @Test
  void seededInterleavingsKeepEachUnroutedEventInItsFileHourOnce() throws Exception {
    int iterations = Integer.getInteger("bqexport.unroutedInterleavings", 12);
    for (int seed = 1; seed <= iterations; seed++) {
      iteration(seed);
    }
  }

  private void iteration(long seed) throws Exception {
    Random random = new Random(seed);
    String dataset = "unrouted_" + seed + "_" + System.nanoTime();
    h.bigquery.createDataset(ExporterHarness.PROJECT, dataset);
    h.dataset = dataset;
    List<CompletableFuture<Void>> exporters = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      int start = random.nextInt(HOURS);
      ExportWindow window = random.nextInt(4) == 0 ? null
          : new ExportWindow(hour(start), hour(start + 1 + random.nextInt(HOURS - start)));
      ExportMode mode = window != null && random.nextInt(3) == 0 ? ExportMode.Replace : ExportMode.FillGaps;
      CommitStep crashAt = random.nextBoolean() ? null
          : CommitStep.values()[random.nextInt(CommitStep.values().length)];
      exporters.add(CompletableFuture.runAsync(() -> {
        try {
          h.run(hour(30), window, mode, (step, w) -> {
            if (step == crashAt) {
              throw new ExporterHarness.SimulatedCrash(step);
            }
          });
        } catch (ExporterHarness.SimulatedCrash crashed) {
          // the pod died there
        }
      }));
    }
    CompletableFuture.allOf(exporters.toArray(CompletableFuture[]::new)).get(3, TimeUnit.MINUTES);
    RunSummary healing = h.run(hour(30), new ExportWindow(hour(0), hour(HOURS)), ExportMode.FillGaps);
    assertThat(healing.succeeded()).as("seed %d: %s", seed, healing.toJson()).isTrue();

    Map<String, Long> table = new HashMap<>();
    Set<String> uuids = new HashSet<>();
    for (Map<String, Object> r : h.query("SELECT bqexport_hour AS hour, uuid FROM `" + ExporterHarness.PROJECT + "."
        + dataset + ".events`")) {
      Instant hourOfRow = (Instant) r.get("hour");
      String uuid = (String) r.get("uuid");
      assertThat(uuids.add(uuid)).as("seed %d: %s once", seed, uuid).isTrue();
      assertThat(uuid).as("seed %d: a row of %s from its own file", seed, hourOfRow)
          .startsWith("h" + hourOfRow.atZone(ZoneOffset.UTC).getHour() + "-");
      table.merge(hourOfRow.toString(), 1L, Long::sum);
    }
    Map<String, Long> ledger = new HashMap<>();
    for (Map<String, Object> r : h.query("SELECT hour, row_count FROM `" + ExporterHarness.PROJECT + "." + dataset
        + "._bqexport_ledger`")) {
      assertThat(ledger.put(r.get("hour").toString(), number(r.get("row_count")))).as("seed %d: ledger rows of %s",
          seed, r.get("hour")).isNull();
    }
    Map<String, Long> expected = new HashMap<>();
    for (int hr = 0; hr < HOURS; hr++) {
      expected.put(hour(hr).toString(), (long) PER_HOUR);
    }
    assertThat(table).as("seed %d: table rows per hour", seed).isEqualTo(expected);
    assertThat(ledger).as("seed %d: ledger row_count per hour", seed).isEqualTo(expected);
  }
}
