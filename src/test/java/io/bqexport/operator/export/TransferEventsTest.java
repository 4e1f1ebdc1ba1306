package io.bqexport.operator.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.api.v1alpha1.RunRecord;
import io.bqexport.operator.status.EventRecorder;
import io.bqexport.testing.ExportFixtures;
import io.bqexport.testing.KubernetesStandIn;
import io.bqexport.testing.MutableClock;
import io.bqexport.transfer.TransferConfigSync.Change;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Events a user reads about Transfer Service delivery, recorded on the Kubernetes API stand-in. */
class TransferEventsTest {
  private static final String NS = "analytics";
  private static final String CONFIG = "projects/acme-analytics/locations/us/transferConfigs/abc";

  private final KubernetesStandIn kubernetes = new KubernetesStandIn().namespace(NS);
  private final KubernetesClient client = kubernetes.client();
  private final TransferEvents events = new TransferEvents(new EventRecorder(client,
      new MutableClock(Instant.parse("2026-11-28T10:10:00Z"))));
  private final BigQueryExport export = export();

  @AfterEach
  void stop() {
    kubernetes.close();
  }

  @Test
  void createdDeletedAndOrphanedConfigsAreEachAnEventOfTheirOwn() {
    events.recordChanges(export, List.of(new Change(Change.Kind.CREATED, CONFIG + "1", List.of()),
        new Change(Change.Kind.CREATED, CONFIG + "2", List.of()),
        new Change(Change.Kind.DELETED, CONFIG + "3", List.of()),
        new Change(Change.Kind.ORPHANED, CONFIG + "4", List.of("permission denied", "in acme-old"))), false);

    assertThat(events()).extracting(Event::getType, Event::getReason, Event::getMessage).containsExactlyInAnyOrder(
        org.assertj.core.groups.Tuple.tuple("Normal", TransferEvents.CREATED, "Created transfer config " + CONFIG
            + "1."),
        org.assertj.core.groups.Tuple.tuple("Normal", TransferEvents.CREATED, "Created transfer config " + CONFIG
            + "2."),
        org.assertj.core.groups.Tuple.tuple("Normal", TransferEvents.DELETED, "Deleted transfer config " + CONFIG
            + "3, no longer in the spec."),
        org.assertj.core.groups.Tuple.tuple("Warning", TransferFinalizer.ORPHANED, "Transfer config " + CONFIG
            + "4 of an earlier spec.destination could not be deleted: permission denied; in acme-old. It keeps"
            + " loading into BigQuery: delete it in the BigQuery console (Data transfers) or with"
            + " `bq rm --transfer_config " + CONFIG + "4`."));
    assertThat(events()).allSatisfy(e -> assertThat(e.getInvolvedObject().getName()).isEqualTo("product-events"));
  }

  @Test
  void anUpdateAfterASpecChangeIsNormalAndOneRevertingAnEditOutsideBqexportAWarning() {
    events.recordChanges(export, List.of(new Change(Change.Kind.UPDATED, CONFIG,
        List.of("schedule: every 24 hours", "params.file_format: CSV"))), true);
    assertThat(events()).singleElement().satisfies(e -> {
      assertThat(e.getType()).isEqualTo("Normal");
      assertThat(e.getReason()).isEqualTo(TransferEvents.UPDATED);
      assertThat(e.getMessage()).isEqualTo("Updated transfer config " + CONFIG
          + ": schedule: every 24 hours; params.file_format: CSV.");
    });

    events.recordChanges(export, List.of(new Change(Change.Kind.RECREATED, CONFIG,
        List.of("data_source_id: scheduled_query"))), false);
    assertThat(events()).filteredOn(e -> e.getReason().equals(Reasons.MANUAL_CHANGE_REVERTED)).singleElement()
        .satisfies(e -> {
          assertThat(e.getType()).isEqualTo("Warning");
          assertThat(e.getMessage()).isEqualTo("Re-created transfer config " + CONFIG
              + ": data_source_id: scheduled_query. It was changed outside bqexport; change spec instead.");
        });
  }

  @Test
  void eachRunThatNewlyFailedOrWasCancelledIsOneWarningNamingItsMessage() {
    List<RunRecord> before = List.of(run("events/r1", "Failed", "old failure"), run("events/r2", "Running", null));
    List<RunRecord> after = List.of(run("events/r1", "Failed", "old failure"), run("events/r2", "Failed", "bad file"),
        run("merge_ids_raw/r3", "Cancelled", null), run("events/r4", "Succeeded", null),
        run("events/r5", "Running", null));

    events.recordFailedRuns(export, before, after);

    assertThat(events()).extracting(Event::getType, Event::getReason, Event::getMessage).containsExactlyInAnyOrder(
        org.assertj.core.groups.Tuple.tuple("Warning", Reasons.TRANSFER_RUN_FAILED,
            "Transfer run events/r2 failed: bad file"),
        org.assertj.core.groups.Tuple.tuple("Warning", Reasons.TRANSFER_RUN_FAILED,
            "Transfer run merge_ids_raw/r3 cancelled: no message"));
  }

  @Test
  void withoutAnEarlierHistoryEveryFailedRunIsNewAndWithoutRunsNothingIsRecorded() {
    events.recordFailedRuns(export, null, null);
    events.recordFailedRuns(export, List.of(run("events/r1", "Failed", "x")), null);
    assertThat(events()).isEmpty();

    events.recordFailedRuns(export, null, List.of(run("events/r1", "Failed", "x")));
    assertThat(events()).extracting(Event::getMessage).containsExactly("Transfer run events/r1 failed: x");
  }

  private static RunRecord run(String job, String result, String message) {
    return new RunRecord(job, null, "Scheduled", "2026-11-28T10:05:00Z", null, result, null, null, null, null,
        null, null, message);
  }

  private static BigQueryExport export() {
    BigQueryExport export = ExportFixtures.export(NS, "product-events", null);
    export.getMetadata().setUid("uid-product-events");
    return export;
  }

  private List<Event> events() {
    return client.v1().events().inNamespace(NS).list().getItems();
  }
}
