package io.bqexport.operator.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.api.v1alpha1.RunRecord;
import io.bqexport.exporter.RunSummary;
import io.bqexport.operator.status.EventRecorder;
import io.bqexport.testing.ExportFixtures;
import io.bqexport.testing.KubernetesStandIn;
import io.fabric8.kubernetes.api.model.Event;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One HourRepaired Event per replaced hour, told once per run while its Job is observed. */
class IntegrityEventsTest {
  private static final String NS = "analytics";

  private final KubernetesStandIn kubernetes = new KubernetesStandIn().namespace(NS);
  private final IntegrityEvents integrityEvents = new IntegrityEvents(new EventRecorder(kubernetes.client(),
      Clock.fixed(Instant.parse("2026-11-28T12:00:00Z"), ZoneOffset.UTC)));
  private final BigQueryExport export = ExportFixtures.export(NS, "product-events", null);
  private final RunHistory.Run repairing = run("run-1", new RunSummary.Repaired("2026-11-27T03:00:00Z", 1200, 1250,
      "2026-11-28T11:00:00Z"), new RunSummary.Repaired("2026-11-27T04:00:00Z", 2000, 1997, "2026-11-28T11:01:00Z"));

  IntegrityEventsTest() {
    export.getMetadata().setUid("uid-product-events");
  }

  @AfterEach
  void stop() {
    kubernetes.close();
  }

  @Test
  void eachRepairedHourIsANormalEventOfItsOwnWithTheCountsAndTheirChange() {
    integrityEvents.record(export, List.of(repairing), List.of(repairing));

    assertThat(events()).extracting(Event::getType, Event::getReason, Event::getMessage).containsExactly(
        org.assertj.core.groups.Tuple.tuple("Normal", Reasons.HOUR_REPAIRED, "Hour 2026-11-27T03:00:00Z had 1,200"
            + " events at Amplitude when it was committed, 1,250 now (+50): replaced by run run-1 at"
            + " 2026-11-28T11:00:00Z."),
        org.assertj.core.groups.Tuple.tuple("Normal", Reasons.HOUR_REPAIRED, "Hour 2026-11-27T04:00:00Z had 2,000"
            + " events at Amplitude when it was committed, 1,997 now (-3): replaced by run run-1 at"
            + " 2026-11-28T11:01:00Z."));
  }

  @Test
  void anUnchangedCountIsShownAsPlusZero() {
    RunSummary.Repaired same = new RunSummary.Repaired("2026-11-27T05:00:00Z", 7, 7, "2026-11-28T11:02:00Z");
    assertThat(IntegrityEvents.message(same, run("run-2", same))).contains("7 now (+0)");
  }

  @Test
  void aRunIsToldOnceWhileItIsObservedEvenIfTheStatusCallsItNewAgain() {
    integrityEvents.record(export, List.of(repairing), List.of(repairing));
    integrityEvents.record(export, List.of(repairing), List.of(repairing));
    integrityEvents.record(export, List.of(repairing), List.of());

    assertThat(events()).hasSize(2).allSatisfy(e -> assertThat(e.getCount()).isEqualTo(1));
  }

  @Test
  void aRunNoLongerObservedIsForgottenSoItsReturnIsToldAgain() {
    RunHistory.Run other = run("run-3", new RunSummary.Repaired("2026-11-27T06:00:00Z", 1, 2, "2026-11-28T11:03:00Z"));
    integrityEvents.record(export, List.of(repairing), List.of(repairing));
    integrityEvents.record(export, List.of(other), List.of(other));
    integrityEvents.record(export, List.of(repairing), List.of(repairing, other));
    integrityEvents.record(export, List.of(other), List.of(repairing, other));

    assertThat(events()).extracting(Event::getCount).containsExactly(2, 2, 1);
  }

  @Test
  void forgettingADeletedExportForgetsWhatWasTold() {
    integrityEvents.record(export, List.of(repairing), List.of(repairing));
    integrityEvents.forget(export);
    integrityEvents.record(export, List.of(repairing), List.of(repairing));

    assertThat(events()).extracting(Event::getCount).containsExactly(2, 2);
  }

  @Test
  void aRunWithoutRepairsOrWithoutASummaryAddsNothing() {
    RunHistory.Run none = run("run-4");
    RunHistory.Run noSummary = new RunHistory.Run(none.record(), Optional.empty());
    integrityEvents.record(export, List.of(none, noSummary), List.of(none));

    assertThat(events()).isEmpty();
  }

  private List<Event> events() {
    return kubernetes.client().v1().events().inNamespace(NS).list().getItems().stream()
        .sorted(Comparator.comparing(Event::getMessage)).toList();
  }

  private static RunHistory.Run run(String job, RunSummary.Repaired... repaired) {
    RunRecord record = new RunRecord(job, job + "-pod", "Scheduled", "2026-11-28T10:00:00Z", "2026-11-28T11:05:00Z",
        "Succeeded", 1L, 10L, null, (long) repaired.length, (long) repaired.length, null, null);
    return new RunHistory.Run(record, Optional.of(new RunSummary(RunSummary.SUCCEEDED, null, null, 0, "FillGaps",
        null, List.of(), 1, 10, 100, null, 0, List.of(), "2026-11-28T10:00:00Z", "2026-11-28T11:05:00Z", 0, 0, 0,
        List.of(), repaired.length, List.of(repaired), null, 0, 0)));
  }
}
