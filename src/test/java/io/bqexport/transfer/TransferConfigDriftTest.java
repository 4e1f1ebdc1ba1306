package io.bqexport.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.bigquery.datatransfer.v1.TransferConfig;
import com.google.cloud.bigquery.datatransfer.v1.TransferState;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import io.bqexport.exporter.ExporterConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TransferConfigDriftTest {
  private static final TransferConfigSpec SPEC = TransferConfigSpec.builder().export("analytics", "product-events")
      .storage(new ExporterConfig.Storage("amp-export", "", "187520", "189524", false, null, null, true, 3))
      .destination(new ExporterConfig.Destination("acme-analytics", "amplitude", "US", null, null, false, true))
      .schedule("5 * * * *").availabilityDelay(Duration.ofHours(2)).build().get(0);

  /** What the service returns for the config it created: the desired fields plus the ones it sets. */
  private static TransferConfig.Builder asServed() {
    return SPEC.toTransferConfig().toBuilder()
        .setName("projects/acme-analytics/locations/us/transferConfigs/abc")
        .setState(TransferState.SUCCEEDED).setDatasetRegion("us").setUserId(42)
        .setUpdateTime(Timestamp.newBuilder().setSeconds(1_700_000_000L))
        .setNextRunTime(Timestamp.newBuilder().setSeconds(1_700_003_600L));
  }

  @Test
  void serverSetFieldsAreNotDrift() {
    assertThat(TransferConfigDrift.compare(SPEC, asServed().build()).none()).isTrue();
  }

  @Test
  void paramsEchoedAsBooleansOrNumbersAreNotDrift() {
    TransferConfig served = asServed().setParams(asServed().getParams().toBuilder()
        .putFields("ignore_unknown_values", Value.newBuilder().setBoolValue(true).build())
        .putFields("max_bad_records", Value.newBuilder().setNumberValue(3).build())).build();
    assertThat(TransferConfigDrift.compare(SPEC, served).none()).isTrue();
  }

  @Test
  void editsMadeOutsideBqexportAreMaskedForUpdate() {
    TransferConfig edited = asServed().setSchedule("every 24 hours").setDisabled(true)
        .setParams(asServed().getParams().toBuilder().putFields("delete_source_files",
            Value.newBuilder().setStringValue("true").build()))
        .setNotificationPubsubTopic("projects/x/topics/y").build();

    TransferConfigDrift.Drift drift = TransferConfigDrift.compare(SPEC, edited);

    assertThat(drift.mask().getPathsList())
        .containsExactly("schedule", "params", "notification_pubsub_topic", "disabled");
    assertThat(drift.recreate()).isFalse();
    assertThat(drift.differences()).anySatisfy(line -> assertThat(line)
        .isEqualTo("schedule: every 24 hours (wanted every 1 hours from 00:05 to 23:05)"));
  }

  @Test
  void anotherDataSourceNeedsRecreation() {
    TransferConfigDrift.Drift drift = TransferConfigDrift.compare(SPEC,
        asServed().setDataSourceId("amazon_s3").build());
    assertThat(drift.recreate()).isTrue();
    assertThat(drift.none()).isFalse();
  }
}
