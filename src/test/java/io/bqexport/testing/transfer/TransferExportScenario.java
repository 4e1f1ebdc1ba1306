package io.bqexport.testing.transfer;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.BigQueryExportSpec;
import io.bqexport.api.v1alpha1.Condition;
import io.bqexport.testing.ExportConditions;
import io.bqexport.testing.ExportFixtures;
import io.bqexport.testing.KubernetesStandIn;
import io.bqexport.testing.MutableClock;
import io.bqexport.testing.OperatorUnderTest;
import io.bqexport.testing.ServiceAccountKeys;
import io.bqexport.testing.amplitude.GeneratedEvents;
import io.bqexport.testing.bigquery.BigQueryEmulator;
import io.bqexport.testing.storage.AmplitudeStorageExport;
import io.bqexport.testing.storage.CloudStorageStandIn;
import io.bqexport.transfer.TransferClient;
import io.bqexport.transfer.TransferClientSettings;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Transfer Service delivery on loopback: {@link TransferServices} (the BigQuery emulator, the Cloud Storage and
 * Transfer Service stand-ins), the Kubernetes API stand-in and the real operator, whose DataTransferServiceClient
 * reaches the Transfer Service stand-in over its in-process channel and polls runs every second.
 */
public final class TransferExportScenario implements AutoCloseable {
  public static final String NAMESPACE = TransferServices.NAMESPACE;
  public static final String PROJECT = TransferServices.PROJECT;
  public static final String DATASET = TransferServices.DATASET;
  public static final String BUCKET = TransferServices.BUCKET;
  public static final String APP_ID = TransferServices.APP_ID;
  public static final String ORG_ID = TransferServices.ORG_ID;
  public static final String[] PERMISSIONS = TransferServices.PERMISSIONS;

  public final MutableClock clock;
  public final KubernetesStandIn kubernetes;
  public final BigQueryEmulator bigquery;
  public final CloudStorageStandIn gcs;
  public final AmplitudeStorageExport storage;
  public final GeneratedEvents events;
  public final TransferServiceStandIn transfer;
  public final ServiceAccountKeys.Key key;
  private final TransferServices services;
  private final OperatorUnderTest operator;

  public TransferExportScenario(Instant now) {
    services = new TransferServices(now);
    clock = services.clock;
    bigquery = services.bigquery;
    gcs = services.gcs;
    storage = services.storage;
    events = services.events;
    transfer = services.transfer;
    key = services.key;
    kubernetes = new KubernetesStandIn().namespace(NAMESPACE);
    kubernetes.client().resource(ExportFixtures.googleKeySecret(NAMESPACE, key.json())).create();
    operator = new OperatorUnderTest(kubernetes, clock, credentials -> TransferClient.create(
        TransferClientSettings.over(transfer.channelProvider(), credentials)), Duration.ofSeconds(1));
  }

  /** A storage-source export delivered by the Transfer Service, with merged IDs when {@code mergeIds}. */
  public BigQueryExport export(String name, Instant startFrom, boolean mergeIds) {
    return services.export(name, startFrom, mergeIds);
  }

  public BigQueryExportSpec spec(Instant startFrom, boolean mergeIds, String schedule, String topic) {
    return services.spec(startFrom, mergeIds, schedule, topic);
  }

  public BigQueryExport create(BigQueryExport export) {
    return kubernetes.client().resource(export).create();
  }

  public BigQueryExport get(String name) {
    return kubernetes.client().resources(BigQueryExport.class).inNamespace(NAMESPACE).withName(name).get();
  }

  /** `kubectl patch --type merge` of the whole spec. */
  public void patchSpec(String name, BigQueryExportSpec spec) {
    patch(name, Map.of("spec", spec));
  }

  /** `kubectl annotate --overwrite`. */
  public void annotate(String name, String key, String value) {
    patch(name, Map.of("metadata", Map.of("annotations", Map.of(key, value))));
  }

  private void patch(String name, Object patch) {
    kubernetes.client().resources(BigQueryExport.class).inNamespace(NAMESPACE).withName(name)
        .patch(PatchContext.of(PatchType.JSON_MERGE), kubernetes.client().getKubernetesSerialization().asJson(patch));
  }

  public Condition await(String name, String type, Predicate<Condition> until) {
    return new ExportConditions(kubernetes.client(), NAMESPACE).await(name, type, until);
  }

  public Condition awaitReason(String name, String type, String reason) {
    return new ExportConditions(kubernetes.client(), NAMESPACE).awaitReason(name, type, reason);
  }

  public long rows(String table) {
    return services.rows(table);
  }

  @Override
  public void close() {
    operator.close();
    services.close();
    kubernetes.close();
  }
}
