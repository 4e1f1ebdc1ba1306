package io.bqexport.operator.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.bigquery.datatransfer.v1.TransferConfig;
import com.google.cloud.bigquery.datatransfer.v1.TransferRun;
import com.google.cloud.bigquery.datatransfer.v1.TransferState;
import com.google.protobuf.Timestamp;
import io.bqexport.api.v1alpha1.RunRecord;
import io.bqexport.transfer.TransferSchedule;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What status makes of transfer runs: records, how far every table is loaded, and the hours left failed. */
class TransferObservationTest {
  private static final TransferSchedule SCHEDULE = TransferSchedule.fromCron("5 * * * *", Duration.ofHours(2));
  private static final String EVENTS = "projects/p/locations/us/transferConfigs/e";
  private static final String MERGES = "projects/p/locations/us/transferConfigs/m";

  @Test
  void everyTableMustHaveLoadedAnHourForItToCount() {
    TransferObservation seen = observation(
        List.of(run(EVENTS, "e1", "10:05", TransferState.SUCCEEDED), run(EVENTS, "e2", "11:05",
            TransferState.SUCCEEDED)),
        List.of(run(MERGES, "m1", "10:05", TransferState.SUCCEEDED)));
    Instant startFrom = Instant.parse("2026-11-28T07:00:00Z");
    assertThat(seen.loadedThrough(startFrom)).contains(Instant.parse("2026-11-28T08:00:00Z"));
    assertThat(observation(List.of(run(EVENTS, "e1", "10:05", TransferState.SUCCEEDED)), List.of())
        .loadedThrough(startFrom)).as("merged IDs not loaded yet").isEmpty();
  }

  @Test
  void aFailedHourCountsUntilARunOfTheSameTableLoadsIt() {
    TransferRun failed = run(EVENTS, "e1", "10:05", TransferState.FAILED);
    TransferObservation seen = observation(List.of(failed, run(EVENTS, "e2", "11:05", TransferState.SUCCEEDED)),
        List.of(run(MERGES, "m1", "10:05", TransferState.SUCCEEDED)));
    assertThat(seen.failedHours()).singleElement().satisfies(f -> {
      assertThat(f.table()).isEqualTo("events");
      assertThat(f.hour()).isEqualTo(Instant.parse("2026-11-28T07:00:00Z"));
      assertThat(f.run()).isEqualTo("e1");
      assertThat(f.message()).isEqualTo("boom");
    });
    assertThat(observation(List.of(failed, run(EVENTS, "e3", "10:05", TransferState.SUCCEEDED)), List.of())
        .failedHours()).as("loaded again by a later run").isEmpty();
  }

  @Test
  void recordsAreNewestFirstAcrossTablesNameTheTableAndKeepTheLimit() {
    TransferObservation seen = observation(
        List.of(run(EVENTS, "e1", "10:05", TransferState.FAILED), run(EVENTS, "e2", "12:05",
            TransferState.RUNNING)),
        List.of(run(MERGES, "m1", "11:05", TransferState.SUCCEEDED)));
    assertThat(seen.records(2)).extracting(RunRecord::job).containsExactly("events/e2", "merge_ids_raw/m1");
    assertThat(seen.records(5).get(2).message()).isEqualTo("loading events hour 2026-11-28T07:00:00Z: boom");
    assertThat(seen.running()).isTrue();
    assertThat(seen.status().configs()).extracting(c -> c.table()).containsExactly("events", "merge_ids_raw");
  }

  @Test
  void runsOfTheSameTimeAreOrderedByJobAndOnlyPendingOrRunningOnesAreWorthPollingSooner() {
    TransferObservation seen = new TransferObservation(SCHEDULE, List.of(
        new TransferObservation.ConfigRuns("merge_ids_raw", config(MERGES),
            List.of(run(MERGES, "m1", "10:05", TransferState.SUCCEEDED))),
        new TransferObservation.ConfigRuns("events", config(EVENTS),
            List.of(run(EVENTS, "e1", "10:05", TransferState.FAILED)))), List.of(), null, false, null);
    assertThat(seen.records(5)).extracting(RunRecord::job).containsExactly("events/e1", "merge_ids_raw/m1");
    assertThat(seen.running()).as("finished runs only").isFalse();
    assertThat(observation(List.of(run(EVENTS, "e2", "11:05", TransferState.PENDING)), List.of()).running())
        .isTrue();
    assertThat(observation(List.of(), List.of(run(MERGES, "m2", "11:05", TransferState.RUNNING))).running())
        .isTrue();
  }

  @Test
  void beforeTheServiceIsAskedOrAfterItFailedNothingIsKnownButTheProblem() {
    assertThat(TransferObservation.notYet()).isEqualTo(new TransferObservation(null, List.of(), List.of(), null,
        false, null));
    io.bqexport.operator.status.Problem problem = io.bqexport.operator.status.Problem.of("TransferQuotaExceeded",
        "quota");
    TransferObservation failed = TransferObservation.failed(problem, true);
    assertThat(failed).isEqualTo(new TransferObservation(null, List.of(), List.of(), problem, true, null));
    assertThat(failed.status()).as("no config known").isNull();
    assertThat(failed.records(5)).isEmpty();
  }

  private static TransferObservation observation(List<TransferRun> events, List<TransferRun> merges) {
    List<TransferObservation.ConfigRuns> configs = List.of(
        new TransferObservation.ConfigRuns("events", config(EVENTS), events),
        new TransferObservation.ConfigRuns("merge_ids_raw", config(MERGES), merges));
    return new TransferObservation(SCHEDULE, configs, List.of(), null, false, null);
  }

  private static TransferConfig config(String name) {
    return TransferConfig.newBuilder().setName(name).setDisplayName("bqexport ns/x").build();
  }

  /** A run of {@code config} at run time 2026-11-28T{@code time}; a failed one says "boom". */
  static TransferRun run(String config, String id, String time, TransferState state) {
    Instant runTime = Instant.parse("2026-11-28T" + time + ":00Z");
    TransferRun.Builder run = TransferRun.newBuilder().setName(config + "/runs/" + id)
        .setRunTime(Timestamp.newBuilder().setSeconds(runTime.getEpochSecond())).setState(state);
    if (state == TransferState.FAILED) {
      run.setErrorStatus(com.google.rpc.Status.newBuilder().setMessage("boom"));
    }
    return run.build();
  }
}
