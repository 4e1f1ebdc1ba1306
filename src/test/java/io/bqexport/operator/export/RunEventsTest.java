package io.bqexport.operator.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.QuarantinedHourStatus;
import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.api.v1alpha1.RunRecord;
import io.bqexport.operator.status.EventRecorder;
import io.bqexport.testing.ExportFixtures;
import io.bqexport.testing.KubernetesStandIn;
import io.fabric8.kubernetes.api.model.Event;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The run Events as the API server stores them: the first failure after a success (not each failure again), the
 * recovery, and hours entering the quarantine (not again while they stay).
 */
class RunEventsTest {
  private static final String NS = "analytics";

  private final KubernetesStandIn kubernetes = new KubernetesStandIn().namespace(NS);
  private final RunEvents runEvents = new RunEvents(new EventRecorder(kubernetes.client(),
      Clock.fixed(Instant.parse("2026-11-28T12:00:00Z"), ZoneOffset.UTC)));
  private final BigQueryExport export = ExportFixtures.export(NS, "product-events", null);

  RunEventsTest() {
    export.getMetadata().setUid("uid-product-events");
  }

  @AfterEach
  void stop() {
    kubernetes.close();
  }

  @Test
  void theFirstFailureAfterASuccessIsAWarningNamingTheJobReasonAndMessage() {
    runEvents.record(export, List.of(succeeded("run-1")), List.of(failed("run-2", "AmplitudeAuthFailed"),
        succeeded("run-1")));

    assertThat(events()).singleElement().satisfies(e -> {
      assertThat(e.getType()).isEqualTo("Warning");
      assertThat(e.getReason()).isEqualTo("RunFailed");
      assertThat(e.getMessage()).isEqualTo("Run run-2 failed (AmplitudeAuthFailed): Amplitude refused the key");
      assertThat(e.getInvolvedObject().getName()).isEqualTo("product-events");
    });
  }

  @Test
  void aFailureWithoutAReasonLeavesOutTheParentheses() {
    runEvents.record(export, null, List.of(failed("run-1", null)));

    assertThat(events()).extracting(Event::getMessage).containsExactly("Run run-1 failed: Amplitude refused the key");
  }

  @Test
  void furtherFailuresAndTheSameRecordAgainAddNoEvent() {
    runEvents.record(export, List.of(succeeded("run-1")), List.of(failed("run-2", "OOMKilled")));
    runEvents.record(export, List.of(failed("run-2", "OOMKilled")), List.of(failed("run-2", "OOMKilled")));
    runEvents.record(export, List.of(failed("run-2", "OOMKilled")), List.of(failed("run-3", "OOMKilled"),
        failed("run-2", "OOMKilled")));

    assertThat(events()).singleElement().satisfies(e -> {
      assertThat(e.getMessage()).startsWith("Run run-2 failed");
      assertThat(e.getCount()).as("not bumped by the later failures").isEqualTo(1);
    });
  }

  @Test
  void aSuccessAfterAFailureIsARecoveryWithItsFigures() {
    runEvents.record(export, List.of(failed("run-2", "OOMKilled")), List.of(succeeded("run-3"),
        failed("run-2", "OOMKilled")));

    assertThat(events()).singleElement().satisfies(e -> {
      assertThat(e.getType()).isEqualTo("Normal");
      assertThat(e.getReason()).isEqualTo("RunRecovered");
      assertThat(e.getMessage()).isEqualTo("Run run-3 succeeded after failures: 4 hour(s), 120 row(s).");
    });
  }

  @Test
  void successesAfterSuccessesAndNoFinishedRunAddNothing() {
    runEvents.record(export, List.of(succeeded("run-1")), List.of(succeeded("run-2"), succeeded("run-1")));
    runEvents.record(export, null, List.of(succeeded("run-1")));
    runEvents.record(export, List.of(succeeded("run-1")), null);
    runEvents.record(export, List.of(failed("run-1", "OOMKilled")), List.of(running("run-2")));

    assertThat(events()).isEmpty();
  }

  @Test
  void aRunningRecordInBetweenIsSkipped() {
    // The status showed run-2 Running before; the latest finished run before is still the failed run-1.
    runEvents.record(export, List.of(running("run-2"), failed("run-1", "OOMKilled")),
        List.of(succeeded("run-2"), failed("run-1", "OOMKilled")));

    assertThat(events()).extracting(Event::getReason).containsExactly("RunRecovered");
  }

  @Test
  void theSameJobWithAnotherResultIsANewOutcome() {
    // A Job first recorded as succeeded by a pod, then failed by its retry (the same Job name, a new result).
    runEvents.record(export, List.of(succeeded("run-1")), List.of(failed("run-1", "OOMKilled")));

    assertThat(events()).extracting(Event::getReason).containsExactly("RunFailed");
  }

  @Test
  void hoursEnteringTheQuarantineAreOneWarningListingAtMostFive() {
    List<QuarantinedHourStatus> seven = IntStream.range(0, 7).mapToObj(i -> quarantined(i)).toList();

    runEvents.recordQuarantine(export, List.of(quarantined(0)), seven);

    assertThat(events()).singleElement().satisfies(e -> {
      assertThat(e.getType()).isEqualTo("Warning");
      assertThat(e.getReason()).isEqualTo(Reasons.HOURS_QUARANTINED);
      assertThat(e.getMessage()).isEqualTo("6 hour(s) quarantined after failing the same way in 3 consecutive runs,"
          + " skipped so later hours go on: [2026-11-27T01:00:00Z (BadRows since 2026-11-28T01:00:00Z),"
          + " 2026-11-27T02:00:00Z (BadRows since 2026-11-28T02:00:00Z), 2026-11-27T03:00:00Z (BadRows since"
          + " 2026-11-28T03:00:00Z), 2026-11-27T04:00:00Z (BadRows since 2026-11-28T04:00:00Z), 2026-11-27T05:00:00Z"
          + " (BadRows since 2026-11-28T05:00:00Z)]. Fix the cause, then retry them with the bqexport.io/run-now"
          + " annotation or a backfill.");
    });
  }

  @Test
  void hoursStayingInTheQuarantineOrLeavingItAddNothing() {
    runEvents.recordQuarantine(export, List.of(quarantined(0), quarantined(1)), List.of(quarantined(1)));
    runEvents.recordQuarantine(export, List.of(quarantined(1)), List.of());
    runEvents.recordQuarantine(export, List.of(quarantined(1)), null);

    assertThat(events()).isEmpty();

    runEvents.recordQuarantine(export, null, List.of(quarantined(3)));
    assertThat(events()).extracting(Event::getMessage).singleElement().asString()
        .startsWith("1 hour(s) quarantined").contains("2026-11-27T03:00:00Z (BadRows");
  }

  private List<Event> events() {
    return kubernetes.client().v1().events().inNamespace(NS).list().getItems();
  }

  private static QuarantinedHourStatus quarantined(int hour) {
    return new QuarantinedHourStatus(String.format("2026-11-27T%02d:00:00Z", hour), "BadRows",
        String.format("2026-11-28T%02d:00:00Z", hour), 3L);
  }

  private static RunRecord succeeded(String job) {
    return new RunRecord(job, job + "-pod", "Scheduled", "2026-11-28T10:00:00Z", "2026-11-28T10:05:00Z",
        "Succeeded", 4L, 120L, null, null, null, null, null);
  }

  private static RunRecord failed(String job, String reason) {
    return new RunRecord(job, job + "-pod", "Scheduled", "2026-11-28T10:00:00Z", "2026-11-28T10:05:00Z",
        "Failed", 0L, 0L, null, null, null, reason, "Amplitude refused the key");
  }

  private static RunRecord running(String job) {
    return new RunRecord(job, job + "-pod", "Scheduled", "2026-11-28T10:00:00Z", null, "Running", null, null, null,
        null, null, null, null);
  }
}
