package io.bqexport.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bqexport.exporter.ExporterConfig;
import io.bqexport.storage.StorageObjectKind;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TransferConfigSpecTest {
  private static final ExporterConfig.Storage STORAGE = new ExporterConfig.Storage("amp-export", "/exports/prod/",
      "187520", "189524", false, null, null, true, 5);
  private static final ExporterConfig.Destination DESTINATION =
      new ExporterConfig.Destination("acme-analytics", "amplitude", "EU", null, null, false, true);

  private static TransferConfigSpec.Builder builder() {
    return TransferConfigSpec.builder().export("analytics", "product-events").storage(STORAGE)
        .destination(DESTINATION).schedule("5 * * * *").availabilityDelay(Duration.ofHours(2));
  }

  @Test
  void eventsConfigLoadsTheDueHourOfAmplitudesLayout() {
    List<TransferConfigSpec> specs = builder().build();

    assertThat(specs).hasSize(1);
    TransferConfigSpec events = specs.get(0);
    assertThat(events.kind()).isEqualTo(StorageObjectKind.EVENTS);
    assertThat(events.parent()).isEqualTo("projects/acme-analytics/locations/eu");
    assertThat(events.displayName()).isEqualTo("bqexport analytics/product-events events");
    assertThat(events.destinationDatasetId()).isEqualTo("amplitude");
    assertThat(events.schedule()).isEqualTo("every 1 hours from 00:05 to 23:05");
    assertThat(events.notificationPubsubTopic()).isNull();
    assertThat(events.params()).isEqualTo(Map.of(
        "data_path_template", "gs://amp-export/exports/prod/187520/187520_{run_time-3h|\"%Y-%m-%d_%-H\"}#*.json.gz",
        "destination_table_name_template", "events",
        "file_format", "JSON",
        "write_disposition", "APPEND",
        "ignore_unknown_values", "true",
        "max_bad_records", "5"));
    assertThat(events.toTransferConfig().getDataSourceId()).isEqualTo("google_cloud_storage");
    assertThat(events.toTransferConfig().getParams().getFieldsOrThrow("file_format").getStringValue())
        .isEqualTo("JSON");
  }

  @Test
  void mergedIdsGetTheirOwnConfigWithOneFilePerHour() {
    List<TransferConfigSpec> specs = builder().data(new ExporterConfig.Data(
            new ExporterConfig.Events(true, "events"), new ExporterConfig.MergeIds(true, "merges")))
        .notificationTopic("projects/acme-analytics/topics/bqexport-runs").build();

    assertThat(specs).extracting(TransferConfigSpec::kind)
        .containsExactly(StorageObjectKind.EVENTS, StorageObjectKind.MERGE_IDS);
    TransferConfigSpec merges = specs.get(1);
    assertThat(merges.displayName()).isEqualTo("bqexport analytics/product-events merged IDs");
    assertThat(merges.params()).containsEntry("data_path_template",
            "gs://amp-export/exports/prod/-189524/-189524_{run_time-3h|\"%Y-%m-%d_%-H\"}.json.gz")
        .containsEntry("destination_table_name_template", "merges");
    assertThat(merges.notificationPubsubTopic()).isEqualTo("projects/acme-analytics/topics/bqexport-runs");
    assertThat(merges.toTransferConfig().getNotificationPubsubTopic()).isEqualTo(merges.notificationPubsubTopic());
  }

  @Test
  void legacyOrganisationsKeepMergedIdsUnderTheAppId() {
    ExporterConfig.Storage legacy = new ExporterConfig.Storage("amp-export", "", "187520", null, true, null, null,
        true, null);
    List<TransferConfigSpec> specs = builder().storage(legacy).data(new ExporterConfig.Data(
        new ExporterConfig.Events(false, null), new ExporterConfig.MergeIds(true, null))).build();

    assertThat(specs).singleElement().satisfies(spec -> assertThat(spec.params())
        .containsEntry("data_path_template", "gs://amp-export/187520/187520_{run_time-3h|\"%Y-%m-%d_%-H\"}.json.gz")
        .containsEntry("destination_table_name_template", "merge_ids")
        .containsEntry("max_bad_records", "0"));
  }

  @Test
  void theLoadedHourFollowsTheAvailabilityDelay() {
    assertThat(TransferSchedule.fromCron("0 * * * *", Duration.ZERO).hourParameter())
        .isEqualTo("{run_time-1h|\"%Y-%m-%d_%-H\"}");
    assertThat(TransferSchedule.fromCron("@hourly", Duration.ofMinutes(90)).hourParameter())
        .isEqualTo("{run_time-150m|\"%Y-%m-%d_%-H\"}");
    assertThat(TransferSchedule.fromCron("59 * * * *", Duration.ofSeconds(30)).transferSchedule())
        .isEqualTo("every 1 hours from 00:59 to 23:59");
  }

  @ParameterizedTest
  @ValueSource(strings = {"5 3 * * *", "*/15 * * * *", "5 */2 * * *", "60 * * * *", "@daily", "", "5 * * * 1"})
  void otherSchedulesAreRefusedNamingTheField(String cron) {
    assertThatThrownBy(() -> builder().schedule(cron).build())
        .isInstanceOfSatisfying(TransferSpecException.class, e -> {
          assertThat(e.field()).isEqualTo("spec.schedule");
          assertThat(e.getMessage()).contains("hourly schedule 'M * * * *'").contains("delivery: Direct");
        });
  }

  @Test
  void aTimeZonePrefixIsRefusedSayingTheScheduleRunsInUtc() {
    assertThatThrownBy(() -> builder().schedule("CRON_TZ=Asia/Kolkata 5 * * * *").build())
        .isInstanceOfSatisfying(TransferSpecException.class, e -> {
          assertThat(e.field()).isEqualTo("spec.schedule");
          assertThat(e.getMessage()).contains("in UTC", "drop the 'CRON_TZ=Asia/Kolkata' prefix");
        });
  }

  @Test
  void missingOrMalformedFieldsAreNamed() {
    assertThatThrownBy(() -> builder().destination(new ExporterConfig.Destination(null, "amplitude", "US", null,
        null, false, true)).build()).hasMessageStartingWith("spec.destination.projectId:");
    assertThatThrownBy(() -> builder().storage(new ExporterConfig.Storage("Bad Bucket", "", "187520", null, false,
        null, null, true, null)).build()).hasMessageStartingWith("spec.source.storage.gcs.bucket:");
    assertThatThrownBy(() -> builder().storage(new ExporterConfig.Storage("amp-export", "", "app", null, false,
        null, null, true, null)).build()).hasMessageStartingWith("spec.source.storage:").hasMessageContaining("appId");
    assertThatThrownBy(() -> builder().notificationTopic("bqexport-runs").build())
        .hasMessageStartingWith("spec.transfer.notificationPubsubTopic:");
    assertThatThrownBy(() -> builder().storage(new ExporterConfig.Storage("amp-export", "", "187520", null, false,
            null, null, true, null))
        .data(new ExporterConfig.Data(new ExporterConfig.Events(true, null), new ExporterConfig.MergeIds(true, null)))
        .build()).hasMessageStartingWith("spec.source.storage.orgId:");
    assertThatThrownBy(() -> builder().data(new ExporterConfig.Data(new ExporterConfig.Events(false, null))).build())
        .hasMessageStartingWith("spec.data:");
  }
}
