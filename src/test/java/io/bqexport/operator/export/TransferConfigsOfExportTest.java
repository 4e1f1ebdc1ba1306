package io.bqexport.operator.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.exporter.ExporterConfig;
import io.bqexport.storage.StorageObjectKind;
import io.bqexport.testing.ProjectFiles;
import io.bqexport.transfer.TransferConfigSpec;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The storage sample's exporter config (what the operator writes for Direct delivery) carries everything the
 * Transfer Service configs are derived from: the operator's TransferService mode builds them from the same records.
 */
class TransferConfigsOfExportTest {

  @Test
  void theStorageSampleBecomesAnEventsAndAMergedIdConfig() throws Exception {
    String yaml = Files.readString(ProjectFiles.resolve("samples/export-storage.yaml"));
    String document = Arrays.stream(yaml.split("(?m)^---$")).filter(d -> d.contains("kind: BigQueryExport"))
        .findFirst().orElseThrow();
    BigQueryExport export = new KubernetesSerialization().unmarshal(document, BigQueryExport.class);
    export.getMetadata().setNamespace("analytics");
    ExporterConfig config = ExporterConfigMap.config(export, Instant.parse("2026-11-28T20:00:00Z"));
    ExporterConfig.Destination destination = config.destination();

    List<TransferConfigSpec> specs = TransferConfigSpec.builder()
        .export(config.export().namespace(), config.export().name())
        .storage(config.storage())
        .destination(destination)
        .data(config.data())
        .schedule(export.getSpec().schedule())
        .availabilityDelay(Duration.parse(config.availabilityDelay()))
        .build();

    assertThat(specs).extracting(TransferConfigSpec::kind)
        .containsExactly(StorageObjectKind.EVENTS, StorageObjectKind.MERGE_IDS);
    assertThat(specs.get(0).params().get("data_path_template")).isEqualTo(
        "gs://acme-amplitude-export/amplitude/187520/187520_{run_time-3h|\"%Y-%m-%d_%-H\"}#*.json.gz");
    assertThat(specs.get(1).params().get("data_path_template")).isEqualTo(
        "gs://acme-amplitude-export/amplitude/-189524/-189524_{run_time-3h|\"%Y-%m-%d_%-H\"}.json.gz");
    assertThat(specs.get(1).params().get("destination_table_name_template")).isEqualTo("merge_ids");
    assertThat(specs.get(0).parent()).isEqualTo("projects/acme-analytics/locations/us");
    assertThat(specs.get(0).displayName()).isEqualTo("bqexport analytics/product-events-gcs events");
  }
}
