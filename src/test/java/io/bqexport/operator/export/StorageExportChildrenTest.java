package io.bqexport.operator.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.BigQueryExportSpec;
import io.bqexport.api.v1alpha1.DataSpec;
import io.bqexport.api.v1alpha1.DestinationSpec;
import io.bqexport.api.v1alpha1.EventFilterSpec;
import io.bqexport.api.v1alpha1.EventsSpec;
import io.bqexport.api.v1alpha1.FilterRuleSpec;
import io.bqexport.api.v1alpha1.GcsLocation;
import io.bqexport.api.v1alpha1.GoogleCredentialsSpec;
import io.bqexport.api.v1alpha1.JobPodSpec;
import io.bqexport.api.v1alpha1.MergeIdsSpec;
import io.bqexport.api.v1alpha1.SecretKeyRef;
import io.bqexport.api.v1alpha1.SourceSpec;
import io.bqexport.api.v1alpha1.StorageSourceSpec;
import io.bqexport.api.v1alpha1.WorkloadIdentitySpec;
import io.bqexport.exporter.ExporterConfig;
import io.bqexport.exporter.ExporterConfigReader;
import io.bqexport.operator.backfill.BackfillJob;
import io.bqexport.testing.ExportFixtures;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the storage source, merged IDs, filters and Workload Identity put into the exporter's ConfigMap and pod:
 * the config names files only where a Secret is mounted, and the pod mounts exactly the Secrets in use.
 */
class StorageExportChildrenTest {
  private static final Instant NOW = Instant.parse("2026-11-28T12:34:00Z");
  private static final GoogleCredentialsSpec WORKLOAD_IDENTITY = new GoogleCredentialsSpec(null,
      new WorkloadIdentitySpec());

  @Test
  void theConfigCarriesTheStorageBlockMergeIdsAndTheFilter() throws Exception {
    BigQueryExport export = storageExport(new GoogleCredentialsSpec(new SecretKeyRef("gcs-reader", "reader.json"),
        null), new DestinationSpec(null, "amplitude", null, new SecretKeyRef("bq-writer", null), null, null), null);
    ExporterConfig config = roundTrip(export);

    assertThat(config.source()).isNull();
    assertThat(config.storage()).isEqualTo(new ExporterConfig.Storage("acme-export", "amplitude", "187520",
        "189524", false, null, "/etc/bqexport/storage/reader.json", null, 0));
    assertThat(config.destination().credentialsFile()).isEqualTo("/etc/bqexport/google/service-account.json");
    assertThat(config.destination().workloadIdentityOrDefault()).isFalse();
    assertThat(config.data().mergeIds()).isEqualTo(new ExporterConfig.MergeIds(true, "user_merges"));
    assertThat(config.data().events().filter()).isEqualTo(new ExporterConfig.EventFilter(
        List.of(new ExporterConfig.FilterRule("Purchase", null)),
        List.of(new ExporterConfig.FilterRule(null, "[Amplitude] "))));
  }

  @Test
  void workloadIdentityNamesNoFileAnywhere() throws Exception {
    BigQueryExport export = storageExport(WORKLOAD_IDENTITY,
        new DestinationSpec("acme-analytics", "amplitude", null, null, null, null, WORKLOAD_IDENTITY), "exporter");
    String json = ExporterConfigMap.desired(export, NOW).getData().get(ExporterConfigMap.CONFIG_KEY);
    ExporterConfig config = ExporterConfigReader.parse(json); // the exporter accepts it as written

    assertThat(config.storage().workloadIdentity()).isTrue();
    assertThat(config.storage().credentialsFile()).isNull();
    assertThat(config.destination().workloadIdentity()).isTrue();
    assertThat(config.destination().credentialsFile()).isNull();
    assertThat(json).doesNotContain("/etc/bqexport/");
  }

  @Test
  void theAmplitudeSourceConfigIsUnchangedAndCarriesNoStorageOrMergeIds() throws Exception {
    ExporterConfig config = roundTrip(ExportFixtures.export("analytics", "product-events", null));
    assertThat(config.storage()).isNull();
    assertThat(config.source().apiKeyFile()).isEqualTo("/etc/bqexport/amplitude/api-key");
    assertThat(config.data().mergeIds()).isNull();
    assertThat(config.data().events().filter()).isNull();
  }

  @Test
  void thePodMountsOnlyTheSecretsInUse() {
    BigQueryExport keyed = storageExport(new GoogleCredentialsSpec(new SecretKeyRef("gcs-reader", "reader.json"),
        null), new DestinationSpec(null, "amplitude", null, null, null, null,
        new GoogleCredentialsSpec(new SecretKeyRef("bq-writer", null), null)), null);
    PodSpec pod = pod(keyed);
    assertThat(secretVolumes(pod)).containsExactly(Map.entry("google", "bq-writer"),
        Map.entry("storage", "gcs-reader"));
    assertThat(pod.getVolumes()).filteredOn(v -> "storage".equals(v.getName())).singleElement()
        .satisfies(v -> assertThat(v.getSecret().getItems()).singleElement()
            .satisfies(item -> assertThat(item.getKey()).isEqualTo("reader.json")));
    assertThat(mountPaths(pod)).containsExactly("/etc/bqexport/config", "/etc/bqexport/google",
        "/etc/bqexport/storage", "/tmp");

    PodSpec amplitude = pod(ExportFixtures.export("analytics", "product-events", null));
    assertThat(secretVolumes(amplitude)).containsExactly(Map.entry("google", "bq-writer"),
        Map.entry("amplitude", "amplitude-prod"));
  }

  @Test
  void workloadIdentityMountsNoSecretRunsAsTheBoundServiceAccountAndStillMountsNoToken() {
    BigQueryExport export = storageExport(WORKLOAD_IDENTITY,
        new DestinationSpec("acme-analytics", "amplitude", null, null, null, null, WORKLOAD_IDENTITY), "exporter");
    for (PodSpec pod : List.of(pod(export), BackfillJob.desired(backfill(), export, "bqexport:test").getSpec()
        .getTemplate().getSpec())) {
      assertThat(secretVolumes(pod)).isEmpty();
      assertThat(mountPaths(pod)).containsExactly("/etc/bqexport/config", "/tmp");
      assertThat(pod.getServiceAccountName()).isEqualTo("exporter");
      // ADC on GKE asks the metadata server, which needs no Kubernetes token in the pod.
      assertThat(pod.getAutomountServiceAccountToken()).isFalse();
      assertThat(pod.getContainers().get(0).getEnv()).noneSatisfy(e -> assertThat(e.getName())
          .isEqualTo("GOOGLE_APPLICATION_CREDENTIALS"));
    }
  }

  private static io.bqexport.api.v1alpha1.BigQueryBackfill backfill() {
    var backfill = new io.bqexport.api.v1alpha1.BigQueryBackfill();
    backfill.setMetadata(new ObjectMetaBuilder().withNamespace("analytics").withName("history").build());
    backfill.setSpec(new io.bqexport.api.v1alpha1.BigQueryBackfillSpec(
        new io.bqexport.api.v1alpha1.ExportRef("product-events-gcs"), "2026-11-01T00:00:00Z",
        "2026-11-02T00:00:00Z", null, null, null, null));
    return backfill;
  }

  /** The ConfigMap's config as the exporter reads it, with its own validation. */
  private static ExporterConfig roundTrip(BigQueryExport export) {
    return ExporterConfigReader.parse(ExporterConfigMap.desired(export, NOW).getData()
        .get(ExporterConfigMap.CONFIG_KEY));
  }

  private static PodSpec pod(BigQueryExport export) {
    return ExportPodTemplate.build(export, "cm", "bqexport:test", Map.of(), List.of()).getSpec();
  }

  private static List<Map.Entry<String, String>> secretVolumes(PodSpec pod) {
    return pod.getVolumes().stream().filter(v -> v.getSecret() != null)
        .map(v -> Map.entry(v.getName(), v.getSecret().getSecretName())).toList();
  }

  private static List<String> mountPaths(PodSpec pod) {
    return pod.getContainers().get(0).getVolumeMounts().stream().map(VolumeMount::getMountPath).toList();
  }

  static BigQueryExport storageExport(GoogleCredentialsSpec storageCredentials, DestinationSpec destination,
      String serviceAccount) {
    BigQueryExport export = new BigQueryExport();
    export.setMetadata(new ObjectMetaBuilder().withNamespace("analytics").withName("product-events-gcs").build());
    export.setSpec(new BigQueryExportSpec(
        new SourceSpec(null, new StorageSourceSpec(new GcsLocation("acme-export", "amplitude"), "187520", "189524",
            null, null, storageCredentials, null)),
        destination,
        new DataSpec(new EventsSpec(null, null, new EventFilterSpec(List.of(new FilterRuleSpec("Purchase", null)),
            List.of(new FilterRuleSpec(null, "[Amplitude] ")))), new MergeIdsSpec(true, "user_merges")),
        null, null, "2026-11-01T00:00:00Z", null, null, null, null, null,
        new JobPodSpec(null, null, null, null, null, serviceAccount)));
    return export;
  }
}
