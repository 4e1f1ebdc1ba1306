package io.bqexport.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.bigquery.datatransfer.v1.TransferConfig;
import io.bqexport.exporter.ExporterConfig;
import io.bqexport.testing.MutableClock;
import io.bqexport.testing.bigquery.BigQueryEmulator;
import io.bqexport.testing.storage.CloudStorageStandIn;
import io.bqexport.testing.transfer.TransferServiceStandIn;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sync against the stand-in: create, no-op, drift corrected, unwanted configs deleted, others untouched. */
class TransferConfigSyncTest {
  private static final String PROJECT = "acme-analytics";
  private static final String PARENT = "projects/" + PROJECT + "/locations/us";
  private static final String OWNED = TransferConfigSpec.ownedPrefix("analytics", "product-events");

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T20:00:00Z"));
  private BigQueryEmulator bigQuery;
  private CloudStorageStandIn gcs;
  private TransferServiceStandIn transfers;
  private TransferClient client;

  @BeforeEach
  void start() {
    bigQuery = BigQueryEmulator.start(clock);
    gcs = CloudStorageStandIn.start(clock);
    transfers = TransferServiceStandIn.start(clock, gcs, bigQuery).acceptToken("t", "operator")
        .grant("operator", "bigquery.transfers.get", "bigquery.transfers.update");
    bigQuery.createDataset(PROJECT, "amplitude");
    client = transfers.client("t");
  }

  @AfterEach
  void stop() {
    client.close();
    transfers.close();
    gcs.close();
    bigQuery.close();
  }

  private static List<TransferConfigSpec> desired(String exportName, boolean mergeIds, String cron) {
    return TransferConfigSpec.builder().export("analytics", exportName)
        .storage(new ExporterConfig.Storage("amp-export", "amplitude", "187520", "189524", false, null, null, true,
            null))
        .destination(new ExporterConfig.Destination(PROJECT, "amplitude", "US", null, null, false, true))
        .data(new ExporterConfig.Data(new ExporterConfig.Events(true, "events"),
            new ExporterConfig.MergeIds(mergeIds, "merge_ids")))
        .schedule(cron).availabilityDelay(Duration.ofHours(2)).build();
  }

  @Test
  void createsThenLeavesMatchingConfigsAlone() {
    assertThat(TransferConfigSync.sync(client, PARENT, OWNED, desired("product-events", true, "5 * * * *")))
        .extracting(TransferConfigSync.Change::kind)
        .containsExactly(TransferConfigSync.Change.Kind.CREATED, TransferConfigSync.Change.Kind.CREATED);
    assertThat(TransferConfigSync.sync(client, PARENT, OWNED, desired("product-events", true, "5 * * * *")))
        .isEmpty();
    assertThat(client.list(PARENT)).hasSize(2);
  }

  @Test
  void aSpecChangeOrAConsoleEditIsUpdatedInPlace() {
    TransferConfigSync.sync(client, PARENT, OWNED, desired("product-events", false, "5 * * * *"));
    TransferConfig created = client.list(PARENT).get(0);
    transfers.service().editOutsideBqexport(created.toBuilder().setDisabled(true).build());

    List<TransferConfigSync.Change> changes =
        TransferConfigSync.sync(client, PARENT, OWNED, desired("product-events", false, "20 * * * *"));

    assertThat(changes).singleElement().satisfies(change -> {
      assertThat(change.kind()).isEqualTo(TransferConfigSync.Change.Kind.UPDATED);
      assertThat(change.name()).isEqualTo(created.getName());
    });
    TransferConfig updated = client.get(created.getName()).orElseThrow();
    assertThat(updated.getSchedule()).isEqualTo("every 1 hours from 00:20 to 23:20");
    assertThat(updated.getDisabled()).isFalse();
  }

  @Test
  void unwantedConfigsOfTheExportAreDeletedAndOthersKept() {
    TransferConfigSync.sync(client, PARENT, OWNED, desired("product-events", true, "5 * * * *"));
    String otherPrefix = TransferConfigSpec.ownedPrefix("analytics", "product-events-2");
    TransferConfigSync.sync(client, PARENT, otherPrefix, desired("product-events-2", false, "5 * * * *"));

    assertThat(TransferConfigSync.sync(client, PARENT, OWNED, desired("product-events", false, "5 * * * *")))
        .extracting(TransferConfigSync.Change::kind).containsExactly(TransferConfigSync.Change.Kind.DELETED);
    assertThat(TransferConfigSync.sync(client, PARENT, OWNED, List.of()))
        .extracting(TransferConfigSync.Change::kind).containsExactly(TransferConfigSync.Change.Kind.DELETED);
    assertThat(client.list(PARENT)).extracting(TransferConfig::getDisplayName)
        .containsExactly("bqexport analytics/product-events-2 events");
  }

  @Test
  void aHandMadeConfigNamedLikeTheExportsButNotOneOfItsKindsIsNeverTouched() {
    TransferConfigSpec events = desired("product-events", false, "5 * * * *").get(0);
    String handMade = OWNED + "events (copy made in the console)";
    client.create(new TransferConfigSpec(events.kind(), events.parent(), handMade, events.destinationDatasetId(),
        events.schedule(), events.params(), null));

    assertThat(TransferConfigSync.sync(client, PARENT, OWNED, desired("product-events", false, "5 * * * *")))
        .extracting(TransferConfigSync.Change::kind).containsExactly(TransferConfigSync.Change.Kind.CREATED);
    assertThat(TransferConfigSync.sync(client, PARENT, OWNED, List.of()))
        .extracting(TransferConfigSync.Change::kind).containsExactly(TransferConfigSync.Change.Kind.DELETED);
    assertThat(client.list(PARENT)).extracting(TransferConfig::getDisplayName).containsExactly(handMade);
  }

  @Test
  void aSecondConfigOfTheSameKindIsDeletedSoNoHourIsLoadedTwice() {
    // A create whose response was lost (deadline exceeded after the service created it), then retried; or two
    // operator processes for a moment: the service allows two configs of one display name, and both would load.
    TransferConfigSpec events = desired("product-events", false, "5 * * * *").get(0);
    String first = client.create(events).getName();
    String second = client.create(events).getName();
    String kept = first.compareTo(second) < 0 ? first : second;

    assertThat(TransferConfigSync.sync(client, PARENT, OWNED, List.of(events))).singleElement()
        .satisfies(change -> {
          assertThat(change.kind()).isEqualTo(TransferConfigSync.Change.Kind.DELETED);
          assertThat(change.name()).isNotEqualTo(kept);
        });
    assertThat(client.list(PARENT)).extracting(TransferConfig::getName).containsExactly(kept);
  }
}
