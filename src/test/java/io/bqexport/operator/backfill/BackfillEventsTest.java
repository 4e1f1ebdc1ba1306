package io.bqexport.operator.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.api.v1alpha1.BackfillMode;
import io.bqexport.api.v1alpha1.BackfillProgress;
import io.bqexport.api.v1alpha1.BigQueryBackfill;
import io.bqexport.api.v1alpha1.BigQueryBackfillSpec;
import io.bqexport.api.v1alpha1.BigQueryBackfillStatus;
import io.bqexport.api.v1alpha1.Condition;
import io.bqexport.api.v1alpha1.ExportRef;
import io.bqexport.api.v1alpha1.FailedChunk;
import io.bqexport.operator.status.ConditionType;
import io.bqexport.operator.status.EventRecorder;
import io.bqexport.testing.KubernetesStandIn;
import io.bqexport.testing.MutableClock;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Events a backfill's status changes produce, as written to the Kubernetes stand-in by the real EventRecorder:
 * reason, type and message of each, and that a transition already told is not told again.
 */
class BackfillEventsTest {
  private static final String NS = "analytics";
  private final KubernetesStandIn kubernetes = new KubernetesStandIn().namespace(NS);
  private final BackfillEvents events = new BackfillEvents(new EventRecorder(kubernetes.client(),
      new MutableClock(Instant.parse("2026-11-28T10:00:00Z"))));
  private final BigQueryBackfill backfill = created();

  @AfterEach
  void stop() {
    kubernetes.close();
  }

  private BigQueryBackfill created() {
    BigQueryBackfill b = new BigQueryBackfill();
    b.setMetadata(new ObjectMetaBuilder().withNamespace(NS).withName("history").build());
    b.setSpec(new BigQueryBackfillSpec(new ExportRef("product-events"), "2026-11-20T00:00:00Z",
        "2026-11-23T00:00:00Z", BackfillMode.FillGaps, 24, 2, false));
    return kubernetes.client().resource(b).create();
  }

  private static Condition condition(String type, boolean value, String reason, String message) {
    return new Condition(type, value ? "True" : "False", reason, message, "2026-11-28T10:00:00Z", 1L);
  }

  private static BigQueryBackfillStatus full(String phase, BackfillProgress progress, List<FailedChunk> failed,
      List<String> transferConfigs, Condition... conditions) {
    return new BigQueryBackfillStatus(1L, phase, List.of(conditions), progress, failed, null, "history-backfill",
        null, null, transferConfigs);
  }

  private static BigQueryBackfillStatus status(String phase, Condition... conditions) {
    return full(phase, null, null, null, conditions);
  }

  private List<Event> written() {
    return kubernetes.client().v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> e.getInvolvedObject().getUid().equals(backfill.getMetadata().getUid()))
        .sorted(java.util.Comparator.comparing(Event::getReason)).toList();
  }

  private static List<String> described(List<Event> events) {
    return events.stream().map(e -> e.getType() + " " + e.getReason() + " x" + e.getCount() + ": " + e.getMessage())
        .toList();
  }

  @Test
  void startingAJobTellsItsNameAndProgressWithRows() {
    events.record(backfill, null, full("Running", new BackfillProgress(72L, 24L, 0L, 1200L, "33%"), null, null));

    assertThat(described(written())).containsExactly("Normal Started x1: Started Job history-backfill (33%, 1200 rows)");
  }

  @Test
  void startingTransferRunsNamesTheConfigsAndNoRowsNorJob() {
    BigQueryBackfillStatus pending = full("Pending", null, null, List.of());
    events.record(backfill, pending, full("Running", new BackfillProgress(72L, 0L, 0L, null, "0%"), null,
        List.of("projects/p/transferConfigs/a", "projects/p/transferConfigs/b")));

    assertThat(described(written())).containsExactly(
        "Normal Started x1: Started transfer runs in projects/p/transferConfigs/a, projects/p/transferConfigs/b (0%)");
  }

  @Test
  void suspendingAndResumingAreToldWithoutProgressWhenThereIsNone() {
    BigQueryBackfillStatus running = status("Running");
    BigQueryBackfillStatus suspended = status("Suspended");
    events.record(backfill, running, suspended);
    events.record(backfill, suspended, running);

    assertThat(described(written())).containsExactly(
        "Normal Resumed x1: Resumed Job history-backfill",
        "Normal Suspended x1: Suspended Job history-backfill");
  }

  @Test
  void anUnchangedPhaseTellsNothingAndPendingIsNeverTold() {
    events.record(backfill, status("Running"), full("Running", new BackfillProgress(72L, 48L, 0L, 10L, "66%"),
        null, null));
    events.record(backfill, null, status("Pending"));

    assertThat(written()).isEmpty();
  }

  @Test
  void theEndIsToldWithTheConditionsMessage() {
    events.record(backfill, status("Running"), status("Succeeded",
        condition(ConditionType.FAILED, false, "Succeeded", "not failed"),
        condition(ConditionType.READY, true, "Succeeded", "72 of 72 hours exported")));

    assertThat(described(written())).containsExactly("Normal Succeeded x1: 72 of 72 hours exported");
  }

  @Test
  void aFailureIsAWarningWithTheFailedConditionsMessageAndNoStalledEvent() {
    events.record(backfill, status("Running"), status("Failed",
        condition(ConditionType.READY, false, "JobFailed", "ready says"),
        condition(ConditionType.FAILED, true, "JobFailed", "1 chunk(s) failed"),
        condition(ConditionType.STALLED, true, "JobFailed", "stalled says")));

    assertThat(described(written())).containsExactly("Warning Failed x1: 1 chunk(s) failed");
  }

  @Test
  void aFinishedPhaseWithoutItsConditionHasAnEmptyMessage() {
    events.record(backfill, status("Running"), status("Succeeded"));

    assertThat(written()).singleElement().satisfies(e -> assertThat(e.getMessage()).isEmpty());
  }

  @Test
  void eachFailedChunkIsToldOnceAndAChunkToldBeforeIsNotToldAgain() {
    FailedChunk first = new FailedChunk(0, "2026-11-20T00:00:00Z/2026-11-21T00:00:00Z", "ChunkFailed", "boom");
    FailedChunk second = new FailedChunk(2, "2026-11-22T00:00:00Z/2026-11-23T00:00:00Z", "BadRows", "bad row");
    BigQueryBackfillStatus one = full("Running", null, List.of(first), null);
    events.record(backfill, full("Running", null, null, null), one);
    events.record(backfill, one, full("Running", null, List.of(first, second), null));

    assertThat(described(written())).containsExactly("Warning ChunkFailed x2: Chunk 2 (2026-11-22T00:00:00Z/"
        + "2026-11-23T00:00:00Z) failed: BadRows: bad row");
    // the count 2 is one Event per chunk under one reason: the first message was "Chunk 0 ... boom"
    events.record(backfill, full("Running", null, List.of(first, second), null),
        full("Running", null, List.of(first, second), null));
    assertThat(written()).singleElement().satisfies(e -> assertThat(e.getCount()).isEqualTo(2));
  }

  @Test
  void aFailedHourOfATransferBackfillIsAnHourFailedWarning() {
    FailedChunk hour = new FailedChunk(30, "2026-11-21T06:00:00Z/2026-11-21T07:00:00Z", "TransferRunFailed",
        "not json");
    events.record(backfill, null, full("Running", null, List.of(hour), List.of("projects/p/transferConfigs/a")));

    assertThat(described(written())).contains("Warning HourFailed x1: Hour 30 (2026-11-21T06:00:00Z/"
        + "2026-11-21T07:00:00Z) failed: TransferRunFailed: not json");
  }

  @Test
  void stalledIsToldWhenItBecomesTrueOrChangesReasonOnly() {
    Condition notStalled = condition(ConditionType.STALLED, false, "ExportNotFound", "");
    Condition missing = condition(ConditionType.STALLED, true, "ExportNotFound", "BigQueryExport x does not exist");
    Condition refused = condition(ConditionType.STALLED, true, "ApplyFailed", "webhook said no");

    events.record(backfill, status("Pending", notStalled), status("Pending", notStalled));
    assertThat(written()).isEmpty();
    events.record(backfill, status("Pending", notStalled), status("Pending", missing));
    assertThat(described(written())).as("False before, same reason").containsExactly(
        "Warning ExportNotFound x1: BigQueryExport x does not exist");
    events.record(backfill, status("Pending", missing), status("Pending", missing));
    assertThat(described(written())).as("still stalled for the same reason").containsExactly(
        "Warning ExportNotFound x1: BigQueryExport x does not exist");
    events.record(backfill, status("Pending", missing), status("Pending", refused));

    assertThat(described(written())).containsExactly("Warning ApplyFailed x1: webhook said no",
        "Warning ExportNotFound x1: BigQueryExport x does not exist");
  }

  @Test
  void stalledOnTheFirstStatusAndWithoutAPreviousConditionIsTold() {
    Condition missing = condition(ConditionType.STALLED, true, "ExportNotFound", "gone");
    events.record(backfill, null, status("Pending", missing));
    events.record(backfill, status("Pending"), status("Pending", missing));

    assertThat(described(written())).containsExactly("Warning ExportNotFound x2: gone");
  }
}
