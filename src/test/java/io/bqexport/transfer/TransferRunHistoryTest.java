package io.bqexport.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.bigquery.datatransfer.v1.TransferRun;
import com.google.cloud.bigquery.datatransfer.v1.TransferState;
import com.google.protobuf.Timestamp;
import com.google.rpc.Status;
import io.bqexport.api.v1alpha1.RunRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TransferRunHistoryTest {
  private static final TransferSchedule SCHEDULE = TransferSchedule.fromCron("5 * * * *", Duration.ofHours(2));

  private static TransferRun run(String id, String runTime, TransferState state) {
    Instant time = Instant.parse(runTime);
    TransferRun.Builder run = TransferRun.newBuilder().setName("projects/p/locations/us/transferConfigs/c/runs/" + id)
        .setRunTime(Timestamp.newBuilder().setSeconds(time.getEpochSecond())).setState(state)
        .setStartTime(Timestamp.newBuilder().setSeconds(time.getEpochSecond() + 10));
    if (state == TransferState.FAILED) {
      run.setErrorStatus(Status.newBuilder().setCode(3).setMessage("Not found: Table p:amplitude.events\nmore"));
    }
    if (state != TransferState.RUNNING) {
      run.setEndTime(Timestamp.newBuilder().setSeconds(time.getEpochSecond() + 70));
    }
    return run.build();
  }

  private static final List<TransferRun> RUNS = List.of(
      run("a", "2026-11-28T13:05:00Z", TransferState.SUCCEEDED),
      run("c", "2026-11-28T15:05:00Z", TransferState.RUNNING),
      run("b", "2026-11-28T14:05:00Z", TransferState.FAILED));

  @Test
  void recordsAreNewestFirstAndNameTheLoadedHour() {
    List<RunRecord> records = TransferRunHistory.records(RUNS, SCHEDULE, 24);

    assertThat(records).extracting(RunRecord::job).containsExactly("c", "b", "a");
    assertThat(records).extracting(RunRecord::result).containsExactly("Running", "Failed", "Succeeded");
    assertThat(records.get(2).committed()).isEqualTo("2026-11-28T10:00:00Z/2026-11-28T11:00:00Z");
    assertThat(records.get(2).completionTime()).isEqualTo("2026-11-28T13:06:10Z");
    assertThat(records.get(1).reason()).isEqualTo("TransferRunFailed");
    assertThat(records.get(1).message()).isEqualTo("Not found: Table p:amplitude.events");
    assertThat(records.get(0).completionTime()).isNull();
    assertThat(TransferRunHistory.records(RUNS, SCHEDULE, 1)).hasSize(1);
  }

  @Test
  void loadedThroughComesFromTheLatestSuccessfulRun() {
    Instant startFrom = Instant.parse("2026-11-28T10:00:00Z");
    assertThat(TransferRunHistory.loadedThrough(RUNS, SCHEDULE, startFrom))
        .contains(Instant.parse("2026-11-28T11:00:00Z"));
    assertThat(TransferRunHistory.loadedThrough(RUNS.subList(1, 3), SCHEDULE, startFrom)).isEmpty();
  }

  @Test
  void anHourNoRunLoadedHoldsLoadedThroughBack() {
    // startFrom 08:00, but the config's first slot (10:05) loads 07:00 and 13:05 loads 10:00: 08:00 and 09:00 were
    // never loaded (the service runs only the slots after the config exists), so nothing counts as loaded yet.
    List<TransferRun> runs = List.of(run("a", "2026-11-28T10:05:00Z", TransferState.SUCCEEDED),
        run("b", "2026-11-28T13:05:00Z", TransferState.SUCCEEDED));
    assertThat(TransferRunHistory.loadedThrough(runs, SCHEDULE, Instant.parse("2026-11-28T08:00:00Z"))).isEmpty();
    // A backfill loads 08:00 and 09:00 (slots 11:05, 12:05): through the end of 10:00.
    List<TransferRun> filled = List.of(runs.get(0), runs.get(1),
        run("c", "2026-11-28T11:05:00Z", TransferState.SUCCEEDED),
        run("d", "2026-11-28T12:05:00Z", TransferState.SUCCEEDED));
    assertThat(TransferRunHistory.loadedThrough(filled, SCHEDULE, Instant.parse("2026-11-28T08:00:00Z")))
        .contains(Instant.parse("2026-11-28T11:00:00Z"));
    // A slot that never ran in the middle (12:05, hour 09:00) stops it there.
    assertThat(TransferRunHistory.loadedThrough(filled.subList(0, 3), SCHEDULE,
        Instant.parse("2026-11-28T08:00:00Z"))).contains(Instant.parse("2026-11-28T09:00:00Z"));
  }
}
