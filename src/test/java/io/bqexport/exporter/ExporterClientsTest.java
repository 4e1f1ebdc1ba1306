package io.bqexport.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.storage.Storage;
import io.bqexport.testing.ServiceAccountKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The clients ExporterClients builds, without any request: who they act for. */
class ExporterClientsTest {

  @TempDir
  Path dir;

  /** A storage source read with a key file whose own project is key-project. */
  private ExporterConfig storageConfig(String destinationProject) throws Exception {
    return storageConfig(destinationProject, null);
  }

  private ExporterConfig storageConfig(String destinationProject, ExporterConfig.Data data) throws Exception {
    Path key = dir.resolve("reader.json");
    Files.write(key, ServiceAccountKeys.unregistered("http://127.0.0.1:9/token", "key-project", "reader").bytes());
    return new ExporterConfig(
        new ExporterConfig.ExportRef("default", "product-events"),
        null,
        new ExporterConfig.Storage("bucket", "amplitude", "187520", "189524", null, "http://127.0.0.1:9",
            key.toString(), null, 0),
        new ExporterConfig.Destination(destinationProject, "amplitude", "US", key.toString(), null, false, null),
        data, "2026-11-28T00:00:00Z", "PT2H", 24, null, null, null);
  }

  /**
   * Cloud Storage requests are made for the destination's project when it is set, else for the key's: never none,
   * or the client would probe the environment (the metadata server) for a default.
   */
  @Test
  void storageRequestsAreMadeForTheDestinationsProjectElseTheKeys() throws Exception {
    try (Storage storage = ExporterClients.storage(storageConfig("acme-analytics"), GoogleCredentialsSource.DEFAULT)) {
      assertThat(storage.getOptions().getProjectId()).isEqualTo("acme-analytics");
    }
    for (String unset : Arrays.asList(null, "", "  ")) {
      try (Storage storage = ExporterClients.storage(storageConfig(unset), GoogleCredentialsSource.DEFAULT)) {
        assertThat(storage.getOptions().getProjectId()).as("destination project %s", unset).isEqualTo("key-project");
      }
    }
  }

  /**
   * Merged IDs are read only when data.mergeIds.enabled is true (unset: off): the source is the only switch, ExportRun exports merged IDs
   * exactly when it is given their source.
   */
  @Test
  void aMergedIdSourceIsMadeOnlyWhenMergedIdsAreEnabled() throws Exception {
    ExporterConfig.Events events = new ExporterConfig.Events(true, null);
    try (Storage storage = ExporterClients.storage(storageConfig("p"), GoogleCredentialsSource.DEFAULT)) {
      assertThat(ExporterClients.storageSources(storageConfig("p",
          new ExporterConfig.Data(events, new ExporterConfig.MergeIds(true, null))), storage).mergeIds()).isNotNull();
      assertThat(ExporterClients.storageSources(storageConfig("p",
          new ExporterConfig.Data(events, new ExporterConfig.MergeIds(null, null))), storage).mergeIds()).isNull();
      assertThat(ExporterClients.storageSources(storageConfig("p",
          new ExporterConfig.Data(events, new ExporterConfig.MergeIds(false, null))), storage).mergeIds()).isNull();
      assertThat(ExporterClients.storageSources(storageConfig("p",
          new ExporterConfig.Data(events, null)), storage).mergeIds()).isNull();
      assertThat(ExporterClients.storageSources(storageConfig("p", null), storage).mergeIds()).isNull();
      assertThat(ExporterClients.storageSources(storageConfig("p", null), storage).events()).isNotNull();
    }
  }
}
