package io.bqexport.operator.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.Condition;
import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.bigquery.CredentialProbe;
import io.bqexport.operator.status.ConditionType;
import io.bqexport.operator.status.EventRecorder;
import io.bqexport.testing.ExportFixtures;
import io.bqexport.testing.ExportSpecs;
import io.bqexport.testing.KubernetesStandIn;
import io.bqexport.testing.MutableClock;
import io.bqexport.testing.RunHistoryFixtures;
import io.bqexport.testing.ServiceAccountKeys;
import io.bqexport.transfer.TransferClients;
import io.bqexport.transfer.TransferFailure;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.BaseConfigurationService;
import io.javaoperatorsdk.operator.api.config.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.api.reconciler.RetryInfo;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.dependent.managed.ManagedWorkflowAndDependentResourceContext;
import io.javaoperatorsdk.operator.processing.Controller;
import io.javaoperatorsdk.operator.processing.event.EventSourceRetriever;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The reconciler's paths that need no credential probe (an invalid spec, unreadable Secrets, deletion), called
 * directly with a Context that reads the export's children from the Kubernetes stand-in as the informers would hold
 * them: no JOSDK operator, so these run under {@code make mutation}. The probe paths are ExportReconcilerConditionsTest's.
 */
class ExportReconcilerPathsTest {
  private static final String NS = "analytics";
  private static final Instant NOW = Instant.parse("2026-11-28T12:55:00Z");
  private static final TransferClients NO_TRANSFER_SERVICE = credentials -> {
    throw new TransferFailure(TransferFailure.Reason.CALL_FAILED, "no Transfer Service in this test");
  };

  private final KubernetesStandIn kubernetes = new KubernetesStandIn().namespace(NS);
  private final KubernetesClient client = kubernetes.newOperatorClient();
  private final MutableClock clock = new MutableClock(NOW);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final CredentialValidations validations = new CredentialValidations(new CredentialProbe(clock), clock);
  private final ExportReconciler reconciler = new ExportReconciler(client, validations,
      new EventRecorder(client, clock), new ExportMetrics(registry), "registry.test/bqexport:1", true, true, clock,
      new TransferDelivery(NO_TRANSFER_SERVICE, () -> {
        throw new java.io.IOException("no ambient credentials in tests");
      }), Duration.ofMinutes(2));

  /**
   * Built, not started (no reconcile loop): only its event source for exports runs, whose cache the status write
   * hands its result to, as under the operator.
   */
  private final Controller<BigQueryExport> controller = new Controller<>(reconciler,
      new BaseConfigurationService().getConfigurationFor(reconciler), client);

  ExportReconcilerPathsTest() {
    controller.getEventSourceManager().getControllerEventSource().start();
  }

  @AfterEach
  void stop() {
    controller.getEventSourceManager().getControllerEventSource().stop();
    validations.close();
    kubernetes.close();
  }

  @Test
  void withoutItsSecretsTheChildrenAreWrittenSuspendedAndNoRunNowStarts() {
    BigQueryExport export = create(ExportFixtures.export(NS, "product-events", null));
    export.getMetadata().setAnnotations(Map.of(RunNow.ANNOTATION, "1"));

    UpdateControl<BigQueryExport> control = reconciler.reconcile(export, context(export, false));

    BigQueryExport stored = stored();
    assertThat(condition(stored, ConditionType.CREDENTIALS_VALID).reason()).isEqualTo(Reasons.SECRET_NOT_FOUND);
    assertThat(condition(stored, ConditionType.READY).status()).isEqualTo("False");
    CronJob cronJob = client.batch().v1().cronjobs().inNamespace(NS).withName(ExportCronJob.name(export)).get();
    assertThat(cronJob.getSpec().getSuspend()).as("nothing validated: suspended").isTrue();
    assertThat(client.configMaps().inNamespace(NS).withName(ExporterConfigMap.name(export)).get()).isNotNull();
    assertThat(client.batch().v1().jobs().inNamespace(NS).list().getItems()).as("no run-now Job").isEmpty();
    assertThat(events()).extracting(Event::getReason).contains(Reasons.SECRET_NOT_FOUND);
    assertThat(control.getScheduleDelay()).as("at 13:00 the 11:00 hour is due").contains(
        Duration.ofMinutes(5).plusSeconds(1).toMillis());
    assertThat(registry.find("bqexport_export_lag_seconds").tag("export", "product-events").gauge()).isNotNull();

    int writes = statusWrites();
    UpdateControl<BigQueryExport> again = reconciler.reconcile(stored, context(stored, false));
    assertThat(statusWrites()).as("the same status is not written again").isEqualTo(writes);
    assertThat(again.getScheduleDelay()).contains(Duration.ofMinutes(5).plusSeconds(1).toMillis());
  }

  /**
   * A run that finishes while a Secret is missing: the status keeps its previous runs then, so the Job must stay
   * unlabelled (cached) until a status holds its record, or its figures are lost for good.
   */
  @Test
  void aRunThatFinishesWhileASecretIsMissingIsRecordedOnceTheSecretIsBack() {
    BigQueryExport export = create(ExportFixtures.export(NS, "product-events", null));
    reconciler.reconcile(export, context(export, false));
    CronJob cronJob = client.batch().v1().cronjobs().inNamespace(NS).withName(ExportCronJob.name(export)).get();
    Instant hour = Instant.parse("2026-11-28T08:00:00Z");
    RunHistoryFixtures.FinishedRun run = RunHistoryFixtures.succeeded(stored(), cronJob, hour, 100);
    kubernetes.preload(List.of(run.job(), run.pod()));

    BigQueryExport withoutSecrets = stored();
    reconciler.reconcile(withoutSecrets, context(withoutSecrets, false));

    assertThat(condition(stored(), ConditionType.CREDENTIALS_VALID).reason()).isEqualTo(Reasons.SECRET_NOT_FOUND);
    assertThat(stored().getStatus().runs()).as("the status keeps its previous runs").isNull();
    assertThat(FinishedRuns.recorded(job(run))).as("not in the status, so not labelled recorded").isFalse();

    client.resource(ExportFixtures.amplitudeSecret(NS)).create();
    client.resource(ExportFixtures.googleKeySecret(NS, ServiceAccountKeys.unregistered("http://127.0.0.1:9/token",
        "analytics-prod", "bq-writer").json())).create(); // its probe fails locally; runs are recorded regardless
    BigQueryExport restored = stored();
    reconciler.reconcile(restored, context(restored, false));

    BigQueryExport recorded = stored();
    assertThat(recorded.getStatus().runs()).singleElement().satisfies(r -> {
      assertThat(r.job()).isEqualTo(run.job().getMetadata().getName());
      assertThat(r.rows()).isEqualTo(100L);
    });
    assertThat(recorded.getStatus().exportedThrough()).isEqualTo(hour.plusSeconds(3600).toString());
    assertThat(FinishedRuns.recorded(job(run))).as("recorded in the status, so labelled").isTrue();
  }

  @Test
  void anInvalidSpecSuspendsTheCronJobAndIsLookedAtAgainOnlyWhenItCanBecomeValid() {
    BigQueryExport export = create(ExportFixtures.export(NS, "product-events", null));
    reconciler.reconcile(export, context(export, false));
    export = stored();
    client.batch().v1().cronjobs().inNamespace(NS).withName(ExportCronJob.name(export))
        .edit(c -> { c.getSpec().setSuspend(false); return c; });

    export.setSpec(ExportSpecs.withSchedule(export.getSpec(), "every hour"));
    UpdateControl<BigQueryExport> control = reconciler.reconcile(export, context(export, false));

    BigQueryExport stored = stored();
    assertThat(condition(stored, ConditionType.READY).reason()).isEqualTo(Reasons.INVALID_SCHEDULE);
    assertThat(client.batch().v1().cronjobs().inNamespace(NS).withName(ExportCronJob.name(export)).get().getSpec()
        .getSuspend()).isTrue();
    assertThat(events()).extracting(Event::getReason).contains(Reasons.INVALID_SCHEDULE);
    assertThat(control.getScheduleDelay()).as("only an edit makes it valid").isEmpty();

    stored.setSpec(ExportSpecs.withStartFrom(stored.getSpec(), "2026-11-28T16:00:00Z"));
    assertThat(reconciler.reconcile(stored, context(stored, false)).getScheduleDelay())
        .as("valid an hour before startFrom, looked at within 10 minutes").contains(Duration.ofMinutes(10).toMillis());
  }

  @Test
  void aDeletedExportIsForgottenAndOneBeingDeletedIsLeftAlone() {
    BigQueryExport export = create(ExportFixtures.export(NS, "product-events", null));
    reconciler.reconcile(export, context(export, false));
    assertThat(registry.find("bqexport_export_lag_seconds").gauges()).hasSize(1);

    UpdateControl<BigQueryExport> deleted = reconciler.reconcile(stored(), context(stored(), true));
    assertThat(deleted.getScheduleDelay()).isEmpty();
    assertThat(registry.find("bqexport_export_lag_seconds").gauges()).as("its metrics go with it").isEmpty();

    BigQueryExport other = create(ExportFixtures.export(NS, "other-events", null));
    other.getMetadata().setDeletionTimestamp("2026-11-28T12:00:00Z");
    UpdateControl<BigQueryExport> leaving = reconciler.reconcile(other, context(other, false));
    assertThat(leaving.getScheduleDelay()).isEmpty();
    assertThat(client.resources(BigQueryExport.class).inNamespace(NS).withName("other-events").get().getStatus())
        .as("nothing written for an export being deleted").isNull();
  }

  @Test
  void theEventSourcesIndexExportsSoASecretOrChildFindsItsExport() {
    BigQueryExport export = create(ExportFixtures.export(NS, "product-events", null));
    var exports = controller.getEventSourceManager().getControllerEventSource();
    org.awaitility.Awaitility.await().atMost(Duration.ofMinutes(2))
        .until(() -> exports.get(io.javaoperatorsdk.operator.processing.event.ResourceID.fromResource(export))
            .isPresent());

    assertThat(exports.byIndex(ExportReconciler.SECRET_INDEX, NS + "/" + ExportFixtures.GOOGLE_SECRET))
        .extracting(e -> e.getMetadata().getName()).containsExactly("product-events");
    assertThat(exports.byIndex(ExportReconciler.LABEL_INDEX, ExportReconciler.labelIndexKey(export)))
        .extracting(e -> e.getMetadata().getName()).containsExactly("product-events");
    assertThat(controller.getEventSourceManager().getEventSourcesStream().map(es -> es.name()).toList())
        .contains("referenced-secrets", "export-configmap", "export-cronjob", "export-job", "export-pod");
  }

  private BigQueryExport create(BigQueryExport export) {
    return client.resource(export).create();
  }

  private BigQueryExport stored() {
    return client.resources(BigQueryExport.class).inNamespace(NS).withName("product-events").get();
  }

  private Job job(RunHistoryFixtures.FinishedRun run) {
    return client.batch().v1().jobs().inNamespace(NS).withName(run.job().getMetadata().getName()).get();
  }

  private static Condition condition(BigQueryExport export, String type) {
    return export.getStatus().conditions().stream().filter(c -> c.type().equals(type)).findFirst().orElseThrow();
  }

  private List<Event> events() {
    return client.v1().events().inNamespace(NS).list().getItems();
  }

  private int statusWrites() {
    return (int) kubernetes.requests().stream().filter(r -> r.path().contains("/status")
        && !"GET".equals(r.method())).count();
  }

  /** As JOSDK hands it to the reconciler: the export's labelled children and opted-in Secrets from the informers. */
  private Context<BigQueryExport> context(BigQueryExport export, boolean deleted) {
    return new Context<>() {
      @Override
      @SuppressWarnings("unchecked")
      public <R> Set<R> getSecondaryResources(Class<R> type) {
        List<? extends HasMetadata> items;
        if (type == Secret.class) {
          items = client.secrets().inNamespace(NS).withLabel(ExportSecrets.CREDENTIALS_LABEL, "true").list()
              .getItems();
        } else {
          String selector = type == Job.class ? ExportLabels.UNRECORDED_JOBS : ExportLabels.SELECTOR;
          Class<? extends HasMetadata> kind = (Class<? extends HasMetadata>) type;
          items = client.resources(kind).inNamespace(NS).withLabelSelector(selector).list().getItems().stream()
              .filter(c -> ChildNames.labelValue(export.getMetadata().getName())
                  .equals(c.getMetadata().getLabels().get(ExportLabels.EXPORT))).toList();
        }
        return (Set<R>) items.stream().collect(Collectors.toSet());
      }

      @Override
      public <R> Optional<R> getSecondaryResource(Class<R> type, String eventSourceName) {
        return getSecondaryResources(type).stream().findFirst();
      }

      @Override
      public KubernetesClient getClient() {
        return client;
      }

      @Override
      public BigQueryExport getPrimaryResource() {
        return export;
      }

      @Override
      public boolean isPrimaryResourceDeleted() {
        return deleted;
      }

      @Override
      public boolean isPrimaryResourceFinalStateUnknown() {
        return false;
      }

      @Override
      public boolean isNextReconciliationImminent() {
        return false;
      }

      @Override
      public Optional<RetryInfo> getRetryInfo() {
        return Optional.empty();
      }

      @Override
      public ControllerConfiguration<BigQueryExport> getControllerConfiguration() {
        throw new UnsupportedOperationException("not read by the reconciler");
      }

      @Override
      public ManagedWorkflowAndDependentResourceContext managedWorkflowAndDependentResourceContext() {
        throw new UnsupportedOperationException("not read by the reconciler");
      }

      @Override
      public EventSourceRetriever<BigQueryExport> eventSourceRetriever() {
        return controller.getEventSourceManager(); // the status write hands its result to the controller's cache
      }

      @Override
      public ExecutorService getWorkflowExecutorService() {
        throw new UnsupportedOperationException("not read by the reconciler");
      }

      @Override
      public IndexedResourceCache<BigQueryExport> getPrimaryCache() {
        throw new UnsupportedOperationException("not read by the reconciler");
      }
    };
  }
}
