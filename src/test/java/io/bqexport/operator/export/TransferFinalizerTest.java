package io.bqexport.operator.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.BigQueryExportSpec;
import io.bqexport.api.v1alpha1.BigQueryExportStatus;
import io.bqexport.api.v1alpha1.DestinationSpec;
import io.bqexport.api.v1alpha1.GoogleCredentialsSpec;
import io.bqexport.api.v1alpha1.TransferConfigStatus;
import io.bqexport.api.v1alpha1.TransferStatus;
import io.bqexport.api.v1alpha1.WorkloadIdentitySpec;
import io.bqexport.operator.status.EventRecorder;
import io.bqexport.testing.ExportFixtures;
import io.bqexport.testing.KubernetesStandIn;
import io.bqexport.testing.transfer.TransferServices;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The transfer-configs finalizer without an operator, on the Kubernetes API stand-in with the Transfer Service
 * stand-in: held before any config exists, released once the configs are deleted, at once (with a Warning naming
 * what is left) when no usable credentials remain, and after a transient failure only once it has lasted
 * {@link TransferFinalizer#GIVE_UP_AFTER} since the deletion was asked for.
 */
class TransferFinalizerTest {
  private static final String NS = TransferServices.NAMESPACE;
  private static final String NAME = "product-events";
  private static final Instant NOW = Instant.parse("2026-11-28T10:10:00Z");
  private static final String PARENT = "projects/" + TransferServices.PROJECT + "/locations/us";

  private final TransferServices services = new TransferServices(NOW);
  private final KubernetesStandIn kubernetes = new KubernetesStandIn().namespace(NS);
  private final KubernetesClient client = kubernetes.client();
  private final ExportSecrets secrets = new ExportSecrets(kubernetes.newOperatorClient());
  private final TransferDelivery delivery = new TransferDelivery(services.transfer.clients(), () -> {
    throw new IOException("no metadata server here");
  });
  private final TransferFinalizer finalizer = new TransferFinalizer(delivery, secrets,
      new EventRecorder(client, services.clock));

  @AfterEach
  void stop() {
    kubernetes.close();
    services.close();
  }

  @Test
  void theFinalizerIsHeldOnceBeforeAnyConfigIsMade() {
    BigQueryExport export = client.resource(services.export(NAME, NOW, false)).create();

    BigQueryExport held = finalizer.hold(export, client);

    assertThat(held.getMetadata().getFinalizers()).containsExactly(TransferFinalizer.NAME);
    assertThat(stored().getMetadata().getFinalizers()).containsExactly(TransferFinalizer.NAME);
    long writes = writes();
    assertThat(finalizer.hold(held, client)).as("already held: the same object, no write").isSameAs(held);
    assertThat(writes()).isEqualTo(writes);
  }

  @Test
  void deletingTheExportDeletesItsConfigsRecordsItAndLetsGo() {
    BigQueryExport export = deleted(withConfigs(created(false)));
    List<String> names = configNames();
    assertThat(names).hasSize(1);

    Optional<BigQueryExport> released = finalizer.release(export, labelled(), client, NOW);

    assertThat(released).hasValueSatisfying(e -> assertThat(e.getMetadata().getFinalizers()).isNullOrEmpty());
    assertThat(stored()).as("its last finalizer gone, the API server deletes it").isNull();
    assertThat(configNames()).isEmpty();
    assertThat(events(TransferFinalizer.DELETED)).singleElement().satisfies(e -> {
      assertThat(e.getType()).isEqualTo("Normal");
      assertThat(e.getMessage()).isEqualTo("Deleted the transfer configs " + names + ".");
    });
    assertThat(events(TransferFinalizer.ORPHANED)).isEmpty();
  }

  @Test
  void withNoConfigLeftTheEventSaysSoNamingWhereItLooked() {
    BigQueryExport export = deleted(created(false));

    assertThat(finalizer.release(export, labelled(), client, NOW)).isPresent();

    assertThat(events(TransferFinalizer.DELETED)).singleElement().satisfies(e -> assertThat(e.getMessage())
        .isEqualTo("No transfer config of this export was left in " + PARENT + "."));
  }

  @Test
  void withoutItsKeySecretTheFinalizerLetsGoAtOnceNamingTheConfigsLeft() {
    BigQueryExport export = deleted(withConfigs(created(false)));
    String name = configNames().get(0);
    client.secrets().inNamespace(NS).withName(ExportFixtures.GOOGLE_SECRET).delete();

    assertThat(finalizer.release(export, labelled(), client, NOW)).isPresent();

    assertThat(stored()).isNull();
    assertThat(configNames()).containsExactly(name);
    assertThat(events(TransferFinalizer.DELETED)).isEmpty();
    assertThat(events(TransferFinalizer.ORPHANED)).singleElement().satisfies(e -> {
      assertThat(e.getType()).isEqualTo("Warning");
      assertThat(e.getMessage()).startsWith("The transfer configs of this export could not be deleted: the"
          + " credentials are unusable (").contains(ExportFixtures.GOOGLE_SECRET).endsWith("). They keep loading"
          + " into BigQuery: delete [" + name + "] in the BigQuery console (Data transfers) or with"
          + " `bq rm --transfer_config NAME`.");
    });
  }

  @Test
  void withoutAStatusTheWarningNamesTheConfigsByTheirDisplayName() {
    BigQueryExport export = deleted(created(false));
    client.secrets().inNamespace(NS).withName(ExportFixtures.GOOGLE_SECRET).delete();

    assertThat(finalizer.release(export, labelled(), client, NOW)).isPresent();

    assertThat(events(TransferFinalizer.ORPHANED)).singleElement().satisfies(e -> assertThat(e.getMessage())
        .contains(". If any exist (configs named \"bqexport analytics/product-events ...\"), they keep loading"
            + " into BigQuery: delete them in the BigQuery console"));
  }

  @Test
  void aPermissionRemovedLetsGoAtOnceWithTheServicesReason() {
    BigQueryExport export = deleted(withConfigs(created(false)));
    services.transfer.grant(services.key.clientEmail(), "bigquery.transfers.get");

    assertThat(finalizer.release(export, labelled(), client, NOW)).isPresent();

    assertThat(stored()).isNull();
    assertThat(configNames()).hasSize(1);
    assertThat(events(TransferFinalizer.ORPHANED)).singleElement().satisfies(e -> assertThat(e.getMessage())
        .contains("could not be deleted: could not delete the transfer config", "bigquery.transfers.update",
            TransferServices.PROJECT, "bq rm --transfer_config"));
  }

  @Test
  void aTransientFailureKeepsTheFinalizerUntilItHasLastedThirtyMinutesSinceTheDeletion() {
    BigQueryExport export = deleted(withConfigs(created(false)));
    Instant requested = Instant.parse(export.getMetadata().getDeletionTimestamp());
    services.transfer.exhaustQuota(TransferServices.PROJECT, true);

    assertThat(finalizer.release(export, labelled(), client, requested)).isEmpty();
    assertThat(finalizer.release(export, labelled(), client, requested.plus(TransferFinalizer.GIVE_UP_AFTER)
        .minusMillis(1))).isEmpty();
    assertThat(stored().getMetadata().getFinalizers()).containsExactly(TransferFinalizer.NAME);
    assertThat(events(TransferFinalizer.ORPHANED)).isEmpty();

    assertThat(finalizer.release(export, labelled(), client, requested.plus(TransferFinalizer.GIVE_UP_AFTER)))
        .isPresent();
    assertThat(stored()).isNull();
    assertThat(configNames()).hasSize(1);
    assertThat(events(TransferFinalizer.ORPHANED)).singleElement().satisfies(e -> assertThat(e.getMessage())
        .contains("quota exceeded"));
  }

  @Test
  void switchedBackToDirectATransientFailureIsRetriedWithoutEnd() {
    BigQueryExport export = withConfigs(finalizer.hold(created(false), client));
    services.transfer.exhaustQuota(TransferServices.PROJECT, true);

    assertThat(finalizer.release(export, labelled(), client, NOW.plus(Duration.ofDays(3)))).isEmpty();
    assertThat(stored().getMetadata().getFinalizers()).containsExactly(TransferFinalizer.NAME);

    services.transfer.exhaustQuota(TransferServices.PROJECT, false);
    assertThat(finalizer.release(export, labelled(), client, NOW.plus(Duration.ofDays(3)))).hasValueSatisfying(
        e -> assertThat(e.getMetadata().getFinalizers()).isNullOrEmpty());
    assertThat(stored()).as("not being deleted: only the finalizer goes").isNotNull();
    assertThat(configNames()).isEmpty();
  }

  @Test
  void withoutATokenForWorkloadIdentityTheFinalizerLetsGoNamingWhy() {
    BigQueryExport export = deleted(created(true));

    assertThat(finalizer.release(export, labelled(), client, NOW)).isPresent();

    assertThat(events(TransferFinalizer.ORPHANED)).singleElement().satisfies(e -> assertThat(e.getMessage())
        .startsWith("The transfer configs of this export could not be deleted: no token could be had with the"
            + " credentials (IOException). "));
  }

  @Test
  void aConfigLeftWhereTheKeyNoLongerReachesGetsAWarningOfItsOwn() {
    services.bigquery.createDataset("acme-moved", TransferServices.DATASET);
    BigQueryExport export = created(false);
    BigQueryExport moved = inProject(export, "acme-moved");
    String old = delivery.reconcile(moved, secrets.observe(moved, labelled()), NOW).configs().get(0).config()
        .getName();
    export = deleted(withConfigs(export));
    String current = export.getStatus().transfer().configs().get(0).name();
    export.setStatus(status(List.of(new TransferConfigStatus("events", old, "x"), export.getStatus().transfer()
        .configs().get(0))));
    services.transfer.revokeInProject(services.key.clientEmail(), "acme-moved");

    assertThat(finalizer.release(export, labelled(), client, NOW)).isPresent();

    assertThat(events(TransferFinalizer.ORPHANED)).singleElement().satisfies(e -> {
      assertThat(e.getType()).isEqualTo("Warning");
      assertThat(e.getMessage()).startsWith("Transfer config " + old + " of an earlier spec.destination could not be"
          + " deleted: ").contains("bigquery.transfers.get").endsWith("`bq rm --transfer_config " + old + "`.");
    });
    assertThat(events(TransferFinalizer.DELETED)).as("the orphaned one is not among the deleted").singleElement()
        .satisfies(e -> assertThat(e.getMessage()).isEqualTo("Deleted the transfer configs [" + current + "]."));
    assertThat(configNames()).containsExactly(old);
  }

  /** The export in the API server, with the key Secret; with Workload Identity for the destination when asked. */
  private BigQueryExport created(boolean workloadIdentity) {
    client.resource(ExportFixtures.googleKeySecret(NS, services.key.json())).create();
    BigQueryExport export = services.export(NAME, NOW, false);
    if (workloadIdentity) {
      DestinationSpec d = export.getSpec().destination();
      export.setSpec(withDestination(export.getSpec(), new DestinationSpec(d.projectId(), d.dataset(),
          d.location(), null, null, d.endpoint(), new GoogleCredentialsSpec(null, new WorkloadIdentitySpec()))));
    }
    return client.resource(export).create();
  }

  /** Makes the export's configs and records them in its status, as a reconcile would. */
  private BigQueryExport withConfigs(BigQueryExport export) {
    TransferObservation seen = delivery.reconcile(export, secrets.observe(export, labelled()), NOW);
    assertThat(seen.problem()).as("%s", seen.problem()).isNull();
    export.setStatus(status(seen.status().configs()));
    return export;
  }

  /** `kubectl delete`: the API server sets deletionTimestamp and keeps the export for the finalizer. */
  private BigQueryExport deleted(BigQueryExport export) {
    BigQueryExport held = finalizer.hold(export, client);
    client.resource(held).delete();
    BigQueryExport marked = stored();
    assertThat(marked.getMetadata().getDeletionTimestamp()).isNotNull();
    marked.setStatus(export.getStatus());
    return marked;
  }

  private static BigQueryExport inProject(BigQueryExport export, String project) {
    BigQueryExport copy = new BigQueryExport();
    copy.setMetadata(export.getMetadata());
    DestinationSpec d = export.getSpec().destination();
    copy.setSpec(withDestination(export.getSpec(), new DestinationSpec(project, d.dataset(), d.location(),
        d.credentialsSecretRef(), null, d.endpoint())));
    return copy;
  }

  private static BigQueryExportSpec withDestination(BigQueryExportSpec s, DestinationSpec destination) {
    return new BigQueryExportSpec(s.source(), destination, s.data(), s.schedule(), s.availabilityDelay(),
        s.startFrom(), s.suspend(), s.historyLimit(), s.maxHoursPerRun(), s.freshnessThreshold(),
        s.validationInterval(), s.pod(), s.integrity(), s.delivery(), s.transfer());
  }

  private static BigQueryExportStatus status(List<TransferConfigStatus> configs) {
    return new BigQueryExportStatus(1L, List.of(), null, null, null, null, null, null, null, null, null, null,
        new TransferStatus(configs));
  }

  private BigQueryExport stored() {
    return client.resources(BigQueryExport.class).inNamespace(NS).withName(NAME).get();
  }

  /** The labelled Secrets as the operator's metadata informer holds them. */
  private List<Secret> labelled() {
    return client.secrets().inNamespace(NS).withLabel(ExportSecrets.CREDENTIALS_LABEL, "true").list().getItems();
  }

  private List<String> configNames() {
    return services.transfer.service().configs().stream().map(c -> c.getName()).toList();
  }

  private List<Event> events(String reason) {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason())).toList();
  }

  private long writes() {
    return kubernetes.requests().stream().filter(r -> !r.method().equals("GET")).count();
  }
}
