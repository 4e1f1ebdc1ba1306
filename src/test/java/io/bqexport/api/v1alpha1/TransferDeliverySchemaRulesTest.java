package io.bqexport.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.bqexport.testing.Crds;
import io.bqexport.testing.ProjectFiles;
import io.bqexport.testing.SchemaValidation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * spec.delivery and spec.transfer as the API server evaluates them (defaults, OpenAPI, CEL): TransferService only
 * with the storage source, transfer settings only with TransferService, a Pub/Sub topic name.
 */
class TransferDeliverySchemaRulesTest {
  private final SchemaValidation exports = new SchemaValidation(Crds.named("bigqueryexports.bqexport.io"));

  @Test
  void theStorageSampleMayBeDeliveredByTheTransferService() {
    Map<String, Object> export = sample("export-storage.yaml");
    spec(export).put("delivery", "TransferService");
    spec(export).put("transfer", Map.of("notificationPubsubTopic", "projects/acme-analytics/topics/loads"));
    assertThat(exports.violations(export, null)).isEmpty();
  }

  @Test
  void theExportApiSourceCannotBe() {
    Map<String, Object> export = sample("export-minimal.yaml");
    spec(export).put("delivery", "TransferService");
    assertThat(exports.violations(export, null)).singleElement().asString()
        .contains("spec.delivery: TransferService needs spec.source.storage");
  }

  @Test
  void transferSettingsNeedTheTransferService() {
    Map<String, Object> export = sample("export-storage.yaml");
    spec(export).put("transfer", Map.of("notificationPubsubTopic", "projects/acme-analytics/topics/loads"));
    assertThat(exports.violations(export, null)).singleElement().asString()
        .contains("spec.transfer is used only with spec.delivery: TransferService");
  }

  @Test
  void anUnknownDeliveryOrATopicThatIsNoTopicNameIsRefused() {
    Map<String, Object> unknown = sample("export-storage.yaml");
    spec(unknown).put("delivery", "Pubsub");
    assertThat(exports.violations(unknown, null)).singleElement().asString().contains("delivery");
    Map<String, Object> topic = sample("export-storage.yaml");
    spec(topic).put("delivery", "TransferService");
    spec(topic).put("transfer", Map.of("notificationPubsubTopic", "loads"));
    assertThat(exports.violations(topic, null)).singleElement().asString().contains("notificationPubsubTopic");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> spec(Map<String, Object> export) {
    return (Map<String, Object>) export.get("spec");
  }

  /** The BigQueryExport of a sample file (the last document), as a mutable map. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> sample(String file) {
    try {
      String[] documents = Files.readString(ProjectFiles.resolve("samples/" + file)).split("(?m)^---$");
      return mutable(new YAMLMapper().readValue(documents[documents.length - 1], Map.class));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> mutable(Map<String, Object> map) {
    Map<String, Object> copy = new HashMap<>();
    map.forEach((k, v) -> copy.put(k, v instanceof Map<?, ?> m ? mutable((Map<String, Object>) m) : v));
    return copy;
  }
}
