package io.bqexport.operator.backfill;

import io.bqexport.api.v1alpha1.BigQueryBackfill;
import io.bqexport.api.v1alpha1.BigQueryBackfillStatus;
import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.api.v1alpha1.SpecDurations;
import io.bqexport.operator.ChildApplier;
import io.bqexport.operator.OperatorSettings;
import io.bqexport.operator.export.AmbientCredentials;
import io.bqexport.operator.export.ExportSecrets;
import io.bqexport.operator.export.ExportStore;
import io.bqexport.operator.status.ConditionType;
import io.bqexport.operator.status.EventRecorder;
import io.bqexport.operator.status.Problem;
import io.bqexport.operator.status.StatusWriter;
import io.bqexport.transfer.TransferClients;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
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
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Reconciles a BigQueryBackfill as a short pipeline: validate the spec and the range against the export it inherits
 * from; act (create the Indexed Job once the export's credentials are valid, and keep its suspend and parallelism in
 * line with the spec; for an export with delivery TransferService, {@link TransferBackfill} starts transfer runs
 * instead); observe the Job and its pods, or the runs; assemble the status and record Events.
 */
public final class BackfillReconciler implements Reconciler<BigQueryBackfill> {
  static final String EXPORT_INDEX = "bqexport.io/export-ref";
  /** What a backfill reads of its export: everything except status.runs, lastRun and lastSuccessfulRun. */
  /** Backfills by the value of their children's backfill label (a long name is hashed to fit 63 characters). */
  static final String LABEL_INDEX = "bqexport.io/backfill-label";
  /** As an export's: the wait before writing a child again after it could not be written. */
  static final Duration APPLY_RETRY = Duration.ofMinutes(1);

  private final BackfillSpecValidator validator = new BackfillSpecValidator();
  private final BackfillStatusAssembler statusAssembler = new BackfillStatusAssembler();
  private final KubernetesClient client;
  private final ChildApplier children;
  private final EventRecorder recorder;
  private final BackfillEvents events;
  private final String exporterImage;
  private final Clock clock;
  private final TransferBackfill transferBackfill;

  /**
   * @param transfers opens Transfer Service clients, for backfills of exports with delivery TransferService
   * @param ambient the operator's own Google identity, for such exports that use Workload Identity
   */
  public BackfillReconciler(KubernetesClient client, EventRecorder recorder, String exporterImage, Clock clock,
      TransferClients transfers, AmbientCredentials ambient) {
    this.client = client;
    this.transferBackfill = new TransferBackfill(transfers, ambient, new ExportSecrets(client));
    this.children = new ChildApplier(client, recorder);
    this.events = new BackfillEvents(recorder);
    this.recorder = recorder;
    this.exporterImage = exporterImage;
    this.clock = clock;
  }

  @Override
  public UpdateControl<BigQueryBackfill> reconcile(BigQueryBackfill backfill, Context<BigQueryBackfill> context) {
    if (context.isPrimaryResourceDeleted()) {
      recorder.forget(backfill); // the Event counts kept for it; its Job and Pods go by ownerReference
      return UpdateControl.noUpdate();
    }
    BigQueryBackfillStatus previous = backfill.getStatus();
    // The export alone may be taken by getSecondaryResource: its informer maps the backfill to it by name, so to at
    // most one; Jobs are mapped by label, of which a tenant may make more than one (ownJob).
    Decision decision = decide(backfill, context.getSecondaryResources(Job.class),
        () -> context.getSecondaryResource(BigQueryExport.class), () -> readExport(backfill),
        () -> context.getSecondaryResources(Pod.class));
    BigQueryBackfillStatus next = decision.next();
    if (!Objects.equals(previous, next)) {
      StatusWriter.Outcome outcome = StatusWriter.write(backfill, next, context, recorder);
      if (outcome != StatusWriter.Outcome.WRITTEN) {
        return UpdateControl.<BigQueryBackfill>noUpdate().rescheduleAfter(outcome == StatusWriter.Outcome.STALE
            ? StatusWriter.STALE_RETRY : StatusWriter.REJECTED_RETRY);
      }
      events.record(backfill, previous, next);
    }
    UpdateControl<BigQueryBackfill> control = UpdateControl.noUpdate();
    return decision.recheckAfter().map(control::rescheduleAfter).orElse(control);
  }

  /** What one reconcile decided: the status to write, and when to look again if nothing else changes. */
  record Decision(BigQueryBackfillStatus next, Optional<Duration> recheckAfter) {}

  /**
   * All of a reconcile but writing the status and its Events: validate, act (pin the configuration and create the
   * Job, keep its suspend and parallelism in line, or step the transfer runs) and observe.
   *
   * @param labelledJobs the Jobs the informer maps to the backfill by label; only its own counts ({@link #ownJob})
   * @param exports the referenced export from the informer (only looked up for a valid spec)
   * @param current the referenced export read from the API server: only asked for right before the backfill would
   *     start on the informer's copy
   * @param pods the Job's pods from the informer
   */
  Decision decide(BigQueryBackfill backfill, Collection<Job> labelledJobs, Supplier<Optional<BigQueryExport>> exports,
      Supplier<Optional<BigQueryExport>> current, Supplier<Set<Pod>> pods) {
    Optional<Job> job = ownJob(backfill, labelledJobs);
    Instant now = clock.instant();
    BigQueryBackfillStatus previous = backfill.getStatus();
    String startedRange = previous == null ? null : previous.startedRange();
    boolean finished = previous != null && BackfillStatusAssembler.isFinished(previous.phase());
    List<Problem> problems = new ArrayList<>(validator.validate(backfill.getSpec()));
    Optional<BigQueryExport> export = problems.isEmpty()
        ? exportToStartFrom(exports.get(), job.isEmpty() && startedRange == null && !finished, current)
        : Optional.empty();
    if (problems.isEmpty()) {
      problems.addAll(checkAgainstExportAndStart(backfill, export, startedRange, job, now));
    }

    BackfillStatusAssembler.Waiting waiting = null;
    String jobName = previous == null ? null : previous.job();
    boolean viaTransfer = export.isPresent() && export.get().getSpec().transferService() && job.isEmpty();
    List<String> transferConfigs = null;
    Optional<Duration> transferRecheck = Optional.empty();
    Optional<BackfillChunks> chunks = Optional.empty();
    if (viaTransfer) {
      TransferBackfill.Outcome outcome = transferBackfill.step(backfill, export.get(), problems.isEmpty(),
          credentialsValid(export.get()), now);
      problems.addAll(outcome.problems());
      waiting = outcome.waiting();
      transferConfigs = outcome.configs();
      chunks = outcome.progress();
      transferRecheck = outcome.recheckAfter();
      if (!transferConfigs.isEmpty() && startedRange == null) {
        startedRange = range(backfill);
      }
    } else if (problems.isEmpty() && !finished) {
      if (job.isEmpty()) {
        if (credentialsValid(export.get())) {
          try {
            // The configuration is pinned first (and never written again once the Job exists), so the Job never
            // sees another one than it started with. Once the backfill started, a Job missing from the informer
            // (its labels stripped, or deleted) is no reason to write it again: the pinned one is kept as it is.
            ConfigMap pinned = BackfillConfigMap.desired(backfill, export.get(), now);
            if (startedRange == null) {
              children.apply(backfill, pinned, Optional.empty());
            } else {
              children.createOnce(backfill, pinned);
            }
            job = Optional.of(children.createOnce(backfill, BackfillJob.desired(backfill, export.get(),
                exporterImage)));
            jobName = job.get().getMetadata().getName();
            startedRange = range(backfill);
          } catch (ChildApplier.ApplyException e) {
            problems.add(Problem.of(e.reason(), e.getMessage()));
          }
        } else {
          waiting = BackfillStatusAssembler.Waiting.forCredentials(export.get().getMetadata().getName());
        }
      } else if (!jobFinished(job.get())) {
        job = Optional.of(followSpec(backfill, job.get()));
      }
    }
    if (job.isPresent()) {
      chunks = Optional.of(BackfillChunks.observe(job.get(), pods.get(), plan(backfill, job.get()),
          backfill.getSpec().mode()));
      jobName = job.get().getMetadata().getName();
    }
    BigQueryBackfillStatus next = statusAssembler.assemble(backfill, new BackfillStatusAssembler.Observation(
        problems, waiting, chunks, startedRange, jobName, transferConfigs), now);
    // The Transfer Service sends no events: its runs are looked at again after the recheck it asked for.
    return new Decision(next, transferRecheck.or(() -> retryAt(problems, export, backfill, now)));
  }

  /**
   * The informer's copy of the export, or, when the backfill would start from it, the export as the API server has
   * it. The copy can lag the API server (a slow watch) by a generation the user wrote before creating the backfill;
   * still validated, it would have the backfill pin the destination the user had replaced. The API server has every
   * write made before this reconcile: the backfill starts from what it holds, or waits for its validation. Asked only
   * then: a copy not yet validated makes the backfill wait anyway, and its update brings the next reconcile.
   */
  private static Optional<BigQueryExport> exportToStartFrom(Optional<BigQueryExport> cached, boolean notStarted,
      Supplier<Optional<BigQueryExport>> current) {
    return notStarted && cached.isPresent() && credentialsValid(cached.get()) ? current.get() : cached;
  }

  /**
   * The backfill's Job: the one of its name it controls. Labels prove nothing (anyone who may create Jobs in the
   * namespace can copy them), so a labelled Job of another name is ignored, and one of this name the backfill does not
   * control is never taken over: creating the Job meets it and reports a NameConflict naming it. Nor is
   * getSecondaryResource used: it throws when two Jobs map to the backfill, failing every reconcile.
   */
  static Optional<Job> ownJob(BigQueryBackfill backfill, Collection<Job> labelledJobs) {
    return ChildApplier.controlledChild(backfill, BackfillJob.name(backfill), labelledJobs);
  }

  /** The export exists, the range is exportable, and neither range nor plan changed since the Job was created. */
  private static List<Problem> checkAgainstExportAndStart(BigQueryBackfill backfill, Optional<BigQueryExport> export,
      String startedRange, Optional<Job> job, Instant now) {
    List<Problem> problems = new ArrayList<>();
    if (startedRange != null && !startedRange.equals(range(backfill))) {
      problems.add(Problem.of(Reasons.RANGE_CHANGED, "spec.start/spec.end changed to " + range(backfill)
          + " after the backfill started with " + startedRange + "; the range is immutable. Restore it, or create a"
          + " new BigQueryBackfill for the other range"));
    }
    String planKey = job.map(j -> j.getMetadata().getAnnotations())
        .map(a -> a.get(BackfillJob.PLAN_ANNOTATION)).orElse(null);
    if (problems.isEmpty() && planKey != null && !planKey.equals(BackfillJob.planKey(backfill))) {
      problems.add(Problem.of(Reasons.PLAN_CHANGED, "spec.chunkHours or spec.mode changed after the backfill started"
          + " (the Job runs " + planKey + "); they cannot change while it runs. Restore them, or delete this"
          + " backfill (committed chunks stay) and create a new one"));
    }
    if (export.isEmpty()) {
      problems.add(Problem.of(Reasons.EXPORT_NOT_FOUND, "BigQueryExport " + backfill.getSpec().exportRef().name()
          + " (spec.exportRef.name) does not exist in namespace " + backfill.getMetadata().getNamespace()
          + "; create it first, or fix the name"));
    } else if (startedRange == null) {
      rangeNotYetAvailable(backfill, export.get(), now).ifPresent(problems::add);
    }
    return problems;
  }

  static Optional<Problem> rangeNotYetAvailable(BigQueryBackfill backfill, BigQueryExport export, Instant now) {
    Duration delay = SpecDurations.parse("spec.availabilityDelay", export.getSpec().availabilityDelay());
    Instant latestEnd = now.minus(delay).truncatedTo(ChronoUnit.HOURS);
    if (Instant.parse(backfill.getSpec().end()).isAfter(latestEnd)) {
      return Optional.of(Problem.of(Reasons.RANGE_NOT_AVAILABLE, "spec.end " + backfill.getSpec().end() + " is later"
          + " than now minus the export's availabilityDelay (" + export.getSpec().availabilityDelay() + "): Amplitude"
          + " has not made those hours exportable yet. Set spec.end to " + latestEnd + " or earlier; the export"
          + " itself covers later hours"));
    }
    return Optional.empty();
  }

  /** The chunks follow the plan the Job was created with (its annotation), whatever the spec says now. */
  private static io.bqexport.exporter.ChunkPlan plan(BigQueryBackfill backfill, Job job) {
    var annotations = job.getMetadata().getAnnotations();
    String key = annotations == null ? null : annotations.get(BackfillJob.PLAN_ANNOTATION);
    return key == null ? BackfillJob.plan(backfill) : io.bqexport.exporter.ChunkPlan.parse(key.split(" ")[0]);
  }

  /** Suspend and parallelism are the only fields of a Job that may change; a merge patch touches only them. */
  private Job followSpec(BigQueryBackfill backfill, Job job) {
    boolean suspend = backfill.getSpec().suspend();
    int parallelism = Math.min(backfill.getSpec().parallelism(), job.getSpec().getCompletions());
    if (Objects.equals(job.getSpec().getSuspend(), suspend) && Objects.equals(job.getSpec().getParallelism(),
        parallelism)) {
      return job;
    }
    return client.batch().v1().jobs().inNamespace(job.getMetadata().getNamespace())
        .withName(job.getMetadata().getName()).patch(PatchContext.of(PatchType.JSON_MERGE),
            client.getKubernetesSerialization().asJson(Map.of("spec",
                Map.of("suspend", suspend, "parallelism", parallelism))));
  }

  private static boolean jobFinished(Job job) {
    return job.getStatus() != null && job.getStatus().getConditions() != null && job.getStatus().getConditions()
        .stream().anyMatch(c -> ("Complete".equals(c.getType()) || "Failed".equals(c.getType()))
            && "True".equals(c.getStatus()));
  }

  /**
   * CredentialsValid=True for the export's current generation: one left over from an older generation says nothing
   * about the spec the backfill would pin now (a new destination, another Secret, an endpoint the operator refuses).
   */
  private static boolean credentialsValid(BigQueryExport export) {
    Long generation = export.getMetadata().getGeneration();
    return export.getStatus() != null && export.getStatus().conditions() != null
        && Objects.equals(export.getStatus().observedGeneration(), generation)
        && export.getStatus().conditions().stream()
            .anyMatch(c -> c.type().equals(ConditionType.CREDENTIALS_VALID) && c.isTrue()
                && Objects.equals(c.observedGeneration(), generation));
  }

  /** The referenced export as the API server has it now, or empty if it is gone. */
  private Optional<BigQueryExport> readExport(BigQueryBackfill backfill) {
    return Optional.ofNullable(client.resources(BigQueryExport.class).inNamespace(backfill.getMetadata()
        .getNamespace()).withName(backfill.getSpec().exportRef().name()).get());
  }

  static String range(BigQueryBackfill backfill) {
    return backfill.getSpec().start() + "/" + backfill.getSpec().end();
  }

  /**
   * A range that is not exportable yet becomes exportable by itself: look again when it does. A child that could not
   * be written is tried again every minute, as an export's: the object in the way may go without an event that maps
   * to the backfill (a Job of its name without its labels).
   */
  private static Optional<Duration> retryAt(List<Problem> problems, Optional<BigQueryExport> export,
      BigQueryBackfill backfill, Instant now) {
    if (problems.stream().anyMatch(p -> p.reason().equals(Reasons.NAME_CONFLICT)
        || p.reason().equals(Reasons.APPLY_FAILED))) {
      return Optional.of(APPLY_RETRY);
    }
    if (export.isEmpty() || problems.stream().noneMatch(p -> p.reason().equals(Reasons.RANGE_NOT_AVAILABLE))) {
      return Optional.empty();
    }
    Duration delay = SpecDurations.parse("spec.availabilityDelay", export.get().getSpec().availabilityDelay());
    Instant availableAt = Instant.parse(backfill.getSpec().end()).plus(delay);
    Duration wait = Duration.between(now, availableAt).plusSeconds(1);
    return Optional.of(wait.isNegative() ? Duration.ofSeconds(1) : wait.compareTo(Duration.ofMinutes(10)) > 0
        ? Duration.ofMinutes(10) : wait);
  }

  /** The referenced export, and the backfill's own Job and Pods (by label, apart from the export's children). */
  @Override
  public List<EventSource<?, BigQueryBackfill>> prepareEventSources(EventSourceContext<BigQueryBackfill> context) {
    context.getPrimaryCache().addIndexer(EXPORT_INDEX, backfill -> backfill.getSpec() == null
        || backfill.getSpec().exportRef() == null ? List.of()
        : List.of(backfill.getMetadata().getNamespace() + "/" + backfill.getSpec().exportRef().name()));
    context.getPrimaryCache().addIndexer(LABEL_INDEX, backfill -> List.of(backfill.getMetadata().getNamespace() + "/"
        + io.bqexport.operator.export.ChildNames.labelValue(backfill.getMetadata().getName())));
    var exports = InformerEventSourceConfiguration.from(BigQueryExport.class, BigQueryBackfill.class)
        .withName("referenced-exports")
        .withNamespacesInheritedFromController()
        .withInformerListLimit(OperatorSettings.LIST_PAGE)
        // All but the run history, packed: the export's own informer holds the history; a second copy cost
        // ~15 KiB per export, and the rest held as Java maps several KiB more.
        .withItemStore(ExportStore.withoutRunHistory(context.getClient().getKubernetesSerialization()))
        .withSecondaryToPrimaryMapper(export -> context.getPrimaryCache()
            .byIndex(EXPORT_INDEX, export.getMetadata().getNamespace() + "/" + export.getMetadata().getName())
            .stream().map(ResourceID::fromResource).collect(Collectors.toSet()))
        .withPrimaryToSecondaryMapper((BigQueryBackfill backfill) -> backfill.getSpec() == null
            || backfill.getSpec().exportRef() == null ? Set.of()
            : Set.of(new ResourceID(backfill.getSpec().exportRef().name(), backfill.getMetadata().getNamespace())))
        .build();
    return List.of(new InformerEventSource<>(exports, context), children(Job.class, context),
        children(Pod.class, context));
  }

  private static <R extends HasMetadata> EventSource<?, BigQueryBackfill> children(Class<R> type,
      EventSourceContext<BigQueryBackfill> context) {
    return new InformerEventSource<>(InformerEventSourceConfiguration.from(type, BigQueryBackfill.class)
        .withName("backfill-" + type.getSimpleName().toLowerCase())
        .withNamespacesInheritedFromController()
        .withLabelSelector(BackfillLabels.SELECTOR)
        .withSecondaryToPrimaryMapper(child -> {
          var labels = child.getMetadata().getLabels();
          String backfill = labels == null ? null : labels.get(BackfillLabels.BACKFILL);
          return backfill == null ? Set.of() : context.getPrimaryCache()
              .byIndex(LABEL_INDEX, child.getMetadata().getNamespace() + "/" + backfill).stream()
              .map(ResourceID::fromResource).collect(java.util.stream.Collectors.toSet());
        })
        .build(), context);
  }
}
