package io.bqexport.operator.export;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.BigQueryExportStatus;
import io.bqexport.operator.ChildApplier;
import io.bqexport.operator.OperatorSettings;
import io.bqexport.operator.status.EventRecorder;
import io.bqexport.operator.status.Problem;
import io.bqexport.operator.status.StatusEvents;
import io.bqexport.operator.status.StatusWriter;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.cache.ReducedStateItemStore;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reconciles a BigQueryExport as a short pipeline: validate the spec; observe Secrets, children and finished runs;
 * act (validate credentials when due, apply the ConfigMap and CronJob, start a run-now Job); then assemble the
 * status, record Events and requeue for the next freshness check.
 */
public final class ExportReconciler implements Reconciler<BigQueryExport> {
  static final String SECRET_INDEX = "bqexport.io/referenced-secrets";
  /** Exports by the value of their children's export label (a long name is hashed to fit 63 characters). */
  static final String LABEL_INDEX = "bqexport.io/export-label";
  static final Duration APPLY_RETRY = Duration.ofMinutes(1);

  private final ExportSpecValidator validator;
  private final ExportStatusAssembler statusAssembler = new ExportStatusAssembler();
  private final ExportSecrets secrets;
  private final CredentialValidations validations;
  private final ChildApplier children;
  private final StatusEvents events;
  private final EventRecorder recorder;
  private final RunEvents runEvents;
  private final IntegrityEvents integrityEvents;
  private final ExportMetrics metrics;
  private final String exporterImage;
  private final Clock clock;
  private final TransferDelivery transfers;
  private final TransferFinalizer transferFinalizer;
  private final TransferEvents transferEvents;
  private final Duration transferPoll;
  private final Duration applyRetry;
  private final FinishedRuns finishedRuns;
  private final RunNowStarter runNow;

  public ExportReconciler(KubernetesClient client, CredentialValidations validations, EventRecorder recorder,
      ExportMetrics metrics, String exporterImage, boolean allowEndpointOverrides, boolean allowWorkloadIdentity,
      Clock clock, TransferDelivery transfers, Duration transferPoll) {
    this(client, validations, recorder, metrics, exporterImage, allowEndpointOverrides, allowWorkloadIdentity, clock,
        transfers, transferPoll, APPLY_RETRY);
  }

  /** @param applyRetry the wait before writing a child again after the API server refused it (tests shorten it) */
  public ExportReconciler(KubernetesClient client, CredentialValidations validations, EventRecorder recorder,
      ExportMetrics metrics, String exporterImage, boolean allowEndpointOverrides, boolean allowWorkloadIdentity,
      Clock clock, TransferDelivery transfers, Duration transferPoll, Duration applyRetry) {
    this.validator = new ExportSpecValidator(allowEndpointOverrides, allowWorkloadIdentity);
    this.secrets = new ExportSecrets(client);
    this.validations = validations;
    this.children = new ChildApplier(client, recorder);
    this.recorder = recorder;
    this.events = new StatusEvents(recorder);
    this.runEvents = new RunEvents(recorder);
    this.integrityEvents = new IntegrityEvents(recorder);
    this.metrics = metrics;
    this.exporterImage = exporterImage;
    this.clock = clock;
    this.transfers = transfers;
    this.transferFinalizer = new TransferFinalizer(transfers, secrets, recorder);
    this.transferEvents = new TransferEvents(recorder);
    this.transferPoll = transferPoll;
    this.applyRetry = applyRetry;
    this.finishedRuns = new FinishedRuns(client);
    this.runNow = new RunNowStarter(client);
  }

  @Override
  public UpdateControl<BigQueryExport> reconcile(BigQueryExport export, Context<BigQueryExport> context) {
    if (context.isPrimaryResourceDeleted()) {
      forget(export);
      return UpdateControl.noUpdate();
    }
    Instant now = clock.instant();
    List<Problem> problems = validator.validate(export.getSpec(), now);
    boolean transferService = problems.isEmpty() && export.getSpec().transferService();
    if (releasesTransferConfigs(export, problems.isEmpty(), transferService)) {
      Optional<BigQueryExport> released = transferFinalizer.release(export, labelledSecrets(context),
          context.getClient(), now);
      if (released.isEmpty()) {
        return UpdateControl.<BigQueryExport>noUpdate().rescheduleAfter(TransferFinalizer.RETRY);
      }
      export = released.get();
    }
    if (export.isMarkedForDeletion()) {
      return UpdateControl.noUpdate();
    }
    if (transferService) {
      export = transferFinalizer.hold(export, context.getClient());
    }
    ExportStatusAssembler.Observation seen = !problems.isEmpty() ? invalidSpec(export, context, problems)
        : transferService ? observeTransfer(export, context, now) : observeAndAct(export, context, now);

    BigQueryExportStatus previous = export.getStatus();
    BigQueryExportStatus next = statusAssembler.assemble(export, seen, now);
    metrics.record(export, next, seen.runs(), now);
    if (!Objects.equals(previous, next)) {
      StatusWriter.Outcome outcome = StatusWriter.write(export, next, context, recorder);
      if (outcome != StatusWriter.Outcome.WRITTEN) {
        return UpdateControl.<BigQueryExport>noUpdate().rescheduleAfter(outcome == StatusWriter.Outcome.STALE
            ? StatusWriter.STALE_RETRY : StatusWriter.REJECTED_RETRY);
      }
      events.recordTransitions(export, previous == null ? null : previous.conditions(), next.conditions());
      if (seen.transfer() != null) {
        transferEvents.recordFailedRuns(export, previous == null ? null : previous.runs(), next.runs());
      } else {
        runEvents.record(export, previous == null ? null : previous.runs(), next.runs());
      }
      runEvents.recordQuarantine(export, previous == null ? null : previous.quarantinedHours(),
          next.quarantinedHours());
      integrityEvents.record(export, IntegrityProgress.newlyReported(previous == null ? null : previous.runs(),
          seen.runs(), next.runs()), seen.runs());
    }
    // The finished runs the status took in leave the cache; one it did not (a Secret missing) is observed again.
    finishedRuns.markRecorded(export.getMetadata().getNamespace(), seen.recorded());
    if (seen.transfer() != null) {
      transferEvents.recordChanges(export, seen.transfer().changes(),
          previous == null || !Objects.equals(previous.observedGeneration(), export.getMetadata().getGeneration()));
    }
    UpdateControl<BigQueryExport> control = UpdateControl.noUpdate();
    if (seen.applyProblem() != null) {
      return control.rescheduleAfter(applyRetry);
    }
    return problems.isEmpty() ? control.rescheduleAfter(ExportRequeue.validSpec(export, seen.credentials(),
        seen.transfer() == null ? null : transferPoll, now))
        : ExportRequeue.invalidSpec(export.getSpec(), now).map(control::rescheduleAfter).orElse(control);
  }

  /** Deleted, or switched back to Direct delivery (with a valid spec): the transfer configs go first. */
  static boolean releasesTransferConfigs(BigQueryExport export, boolean validSpec, boolean transferService) {
    return export.hasFinalizer(TransferFinalizer.NAME) && (export.isMarkedForDeletion()
        || (validSpec && !transferService));
  }

  /** An invalid spec stops the runs of the last valid one: the CronJob is suspended, nothing else is touched. */
  private ExportStatusAssembler.Observation invalidSpec(BigQueryExport export, Context<BigQueryExport> context,
      List<Problem> problems) {
    Optional<CronJob> cronJob = ownCronJob(export, context);
    try {
      return ExportStatusAssembler.Observation.invalidSpec(problems, cronJob.map(c -> children.suspend(export, c)),
          null);
    } catch (ChildApplier.ApplyException e) {
      return ExportStatusAssembler.Observation.invalidSpec(problems, cronJob, Problem.of(e.reason(), e.getMessage()));
    }
  }

  private ExportStatusAssembler.Observation observeAndAct(BigQueryExport export, Context<BigQueryExport> context,
      Instant now) {
    ExportSecrets.Observation observedSecrets = secrets.observe(export, labelledSecrets(context));
    Optional<CronJob> cronJob = ownCronJob(export, context);
    List<RunHistory.Run> runs = finishedRuns.observe(export, cronJob, context.getSecondaryResources(Job.class),
        context.getSecondaryResources(Pod.class));
    CredentialValidations.Outcome credentials = observedSecrets.ok()
        ? validations.current(export, observedSecrets, AuthFailedRuns.sinceValidation(export.getStatus(), runs))
        : null;
    CredentialGate gate = new CredentialGate(credentials);

    String runNowHandled = null;
    Problem applyProblem = null;
    try {
      if (!gate.keepsChildren(cronJob.isPresent())) {
        children.apply(export, ExporterConfigMap.desired(export, now), ChildApplier.controlledChild(export,
            ExporterConfigMap.name(export), context.getSecondaryResources(ConfigMap.class)));
        cronJob = Optional.of(children.apply(export, ExportCronJob.desired(export, exporterImage,
            gate.suspendsCronJob(export.getSpec().suspend())), cronJob));
        runNowHandled = gate.startsRunNow() ? runNow.start(export, cronJob.get()).orElse(null) : null;
      }
    } catch (ChildApplier.ApplyException e) {
      applyProblem = Problem.of(e.reason(), e.getMessage());
    }
    return new ExportStatusAssembler.Observation(List.of(), observedSecrets, credentials, cronJob, runs,
        runNowHandled, applyProblem);
  }

  /**
   * TransferService mode: the credentials are validated as for Direct delivery (the test upload also creates the
   * tables the transfers append to), then the Transfer Service configs are made to match. No CronJob runs: one left
   * from Direct delivery is suspended (the ConfigMap is unused and harmless).
   */
  private ExportStatusAssembler.Observation observeTransfer(BigQueryExport export, Context<BigQueryExport> context,
      Instant now) {
    ExportSecrets.Observation observedSecrets = secrets.observe(export, labelledSecrets(context));
    CredentialValidations.Outcome credentials = observedSecrets.ok()
        ? validations.current(export, observedSecrets, false) : null;
    boolean valid = new CredentialGate(credentials).validForTransfers();
    Optional<CronJob> cronJob = ownCronJob(export, context);
    Problem applyProblem = null;
    try {
      cronJob = cronJob.map(c -> Boolean.TRUE.equals(c.getSpec().getSuspend()) ? c : children.suspend(export, c));
    } catch (ChildApplier.ApplyException e) {
      applyProblem = Problem.of(e.reason(), e.getMessage());
    }
    TransferObservation transfer = valid ? transfers.reconcile(export, observedSecrets, now)
        : TransferObservation.notYet();
    return new ExportStatusAssembler.Observation(List.of(), observedSecrets, credentials, cronJob, List.of(),
        transfer.runNowHandled(), applyProblem, transfer);
  }

  /**
   * The CronJob by its name and controller, not {@code getSecondaryResource}: a tenant's second CronJob with the
   * export's labels would make that throw at every reconcile ({@link ChildApplier#controlledChild}).
   */
  private static Optional<CronJob> ownCronJob(BigQueryExport export, Context<BigQueryExport> context) {
    return ChildApplier.controlledChild(export, ExportCronJob.name(export),
        context.getSecondaryResources(CronJob.class));
  }

  private static Set<Secret> labelledSecrets(Context<BigQueryExport> context) {
    return context.getSecondaryResources(Secret.class);
  }

  /** Everything kept in memory about a deleted export goes with it: probe state, Secret facts, Event counts, metrics. */
  private void forget(BigQueryExport export) {
    validations.forget(export);
    transfers.forget(export);
    secrets.forget(export);
    recorder.forget(export);
    integrityEvents.forget(export);
    metrics.forget(export.getMetadata().getNamespace(), export.getMetadata().getName());
  }

  @Override
  public List<EventSource<?, BigQueryExport>> prepareEventSources(EventSourceContext<BigQueryExport> context) {
    context.getPrimaryCache().addIndexer(SECRET_INDEX, ExportReconciler::referencedSecrets);
    context.getPrimaryCache().addIndexer(LABEL_INDEX, e -> List.of(labelIndexKey(e)));
    // Secrets are watched so a fixed or rotated Secret is picked up within seconds; only metadata is cached, and
    // only Secrets that opt in are listed at all, so no other Secret's data ever reaches the operator.
    var secretsConfig = InformerEventSourceConfiguration.from(Secret.class, BigQueryExport.class)
        .withName("referenced-secrets")
        .withNamespacesInheritedFromController()
        .withLabelSelector(ExportSecrets.CREDENTIALS_SELECTOR)
        .withItemStore(new ReducedStateItemStore<>(ReducedStateItemStore.NAME_KEY_STATE, Secret.class,
            context.getClient().getKubernetesSerialization(), "metadata"))
        .withSecondaryToPrimaryMapper(secret -> context.getPrimaryCache()
            .byIndex(SECRET_INDEX, key(secret.getMetadata().getNamespace(), secret.getMetadata().getName()))
            .stream().map(ResourceID::fromResource).collect(Collectors.toSet()))
        // By the spec too: a Secret created before the export has no event that would map it to the export.
        .withPrimaryToSecondaryMapper(ExportReconciler::referencedSecretIds)
        .build();
    List<EventSource<?, BigQueryExport>> sources = new ArrayList<>();
    sources.add(new InformerEventSource<>(secretsConfig, context));
    sources.add(children(ConfigMap.class, context));
    sources.add(children(CronJob.class, context));
    sources.add(children(Job.class, context));
    sources.add(children(Pod.class, context));
    sources.add(validations.eventSource());
    return sources;
  }

  /**
   * Children of any kind, selected by label and mapped back by the export label (Jobs are owned by the CronJob).
   * Of Jobs and Pods only the unrecorded and unfinished ones ({@link FinishedRuns}).
   */
  private static <R extends HasMetadata> EventSource<?, BigQueryExport> children(Class<R> type,
      EventSourceContext<BigQueryExport> context) {
    return new InformerEventSource<>(InformerEventSourceConfiguration.from(type, BigQueryExport.class)
        .withName("export-" + type.getSimpleName().toLowerCase())
        .withNamespacesInheritedFromController()
        .withLabelSelector(type == Job.class ? ExportLabels.UNRECORDED_JOBS : ExportLabels.SELECTOR)
        .withFieldSelector(type == Pod.class ? FinishedRuns.UNFINISHED_PODS : null)
        .withItemStore(ExportChildStores.of(type, context.getClient().getKubernetesSerialization()))
        .withInformerListLimit(OperatorSettings.LIST_PAGE)
        .withSecondaryToPrimaryMapper(child -> labelIndexKey(child).map(key -> context.getPrimaryCache()
            .byIndex(LABEL_INDEX, key).stream().map(ResourceID::fromResource).collect(Collectors.toSet()))
            .orElse(Set.of()))
        .build(), context);
  }

  /** The export's key in {@link #LABEL_INDEX}. */
  static String labelIndexKey(BigQueryExport export) {
    return key(export.getMetadata().getNamespace(), ChildNames.labelValue(export.getMetadata().getName()));
  }

  /** The key in {@link #LABEL_INDEX} of the export a child is labelled with; empty for a child without the label. */
  static Optional<String> labelIndexKey(HasMetadata child) {
    var labels = child.getMetadata().getLabels();
    return Optional.ofNullable(labels == null ? null : labels.get(ExportLabels.EXPORT))
        .map(export -> key(child.getMetadata().getNamespace(), export));
  }

  static Set<ResourceID> referencedSecretIds(BigQueryExport export) {
    return referencedSecrets(export).stream().map(k -> new ResourceID(k.substring(k.indexOf('/') + 1),
        k.substring(0, k.indexOf('/')))).collect(Collectors.toSet());
  }

  static List<String> referencedSecrets(BigQueryExport export) {
    String namespace = export.getMetadata().getNamespace();
    var spec = export.getSpec();
    if (spec == null) {
      return List.of();
    }
    Stream<String> amplitude = spec.source() == null || spec.source().amplitude() == null
        || spec.source().amplitude().credentialsSecretRef() == null ? Stream.empty()
        : Stream.of(spec.source().amplitude().credentialsSecretRef().name());
    Stream<String> google = spec.destination() == null || spec.destination().keySecretRef() == null
        ? Stream.empty() : Stream.of(spec.destination().keySecretRef().name());
    Stream<String> storage = spec.source() == null || spec.source().storage() == null
        || spec.source().storage().credentials() == null || spec.source().storage().credentials().secretRef() == null
        ? Stream.empty() : Stream.of(spec.source().storage().credentials().secretRef().name());
    return Stream.of(amplitude, google, storage).flatMap(s -> s).distinct().map(name -> key(namespace, name))
        .toList();
  }

  private static String key(String namespace, String name) {
    return namespace + "/" + name;
  }
}
