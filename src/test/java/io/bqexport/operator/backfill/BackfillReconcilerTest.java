package io.bqexport.operator.backfill;

import static io.bqexport.testing.ExportSpecs.withDataset;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.bqexport.api.v1alpha1.AmplitudeSecretRef;
import io.bqexport.api.v1alpha1.AmplitudeSourceSpec;
import io.bqexport.api.v1alpha1.BackfillMode;
import io.bqexport.api.v1alpha1.BigQueryBackfill;
import io.bqexport.api.v1alpha1.BigQueryBackfillSpec;
import io.bqexport.api.v1alpha1.BigQueryBackfillStatus;
import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.BigQueryExportSpec;
import io.bqexport.api.v1alpha1.BigQueryExportStatus;
import io.bqexport.api.v1alpha1.Condition;
import io.bqexport.api.v1alpha1.DestinationSpec;
import io.bqexport.api.v1alpha1.ExportRef;
import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.api.v1alpha1.SecretKeyRef;
import io.bqexport.api.v1alpha1.SourceSpec;
import io.bqexport.operator.export.AmbientCredentials;
import io.bqexport.operator.export.ExportLabels;
import io.bqexport.exporter.RunSummary;
import io.bqexport.operator.export.ExportPodTemplate;
import io.bqexport.operator.status.ConditionType;
import io.bqexport.operator.status.EventRecorder;
import io.bqexport.exporter.ExporterConfigReader;
import io.bqexport.operator.export.ExporterConfigMap;
import io.bqexport.testing.ExportFixtures;
import io.bqexport.testing.ExportSpecs;
import io.bqexport.testing.KubernetesStandIn;
import io.bqexport.testing.MutableClock;
import io.bqexport.transfer.TransferClients;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyRule;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One reconcile's decisions for a backfill of a Direct export, without an operator: {@link BackfillReconciler#decide}
 * called with what the informers would hold, its writes (ConfigMap, Job, Job patch) going to the Kubernetes stand-in
 * through the real fabric8 client.
 */
class BackfillReconcilerTest {
  private static final String NS = "analytics";
  private static final String EXPORT = "product-events";
  private static final String IMAGE = "ghcr.io/acme/bqexport-exporter:test";
  private static final Instant NOW = Instant.parse("2026-11-28T10:10:00Z");
  private static final Instant START = Instant.parse("2026-11-20T00:00:00Z");
  private static final Instant END = Instant.parse("2026-11-23T00:00:00Z");
  private static final String RANGE = START + "/" + END;
  /** The day of NOW: a range from it with 1-hour chunks stays within the chunk limit. */
  private static final Instant TODAY = Instant.parse("2026-11-28T00:00:00Z");

  private final KubernetesStandIn kubernetes = new KubernetesStandIn().namespace(NS);
  private final MutableClock clock = new MutableClock(NOW);
  private final BackfillReconciler reconciler = new BackfillReconciler(kubernetes.client(),
      new EventRecorder(kubernetes.client(), clock), IMAGE, clock, TransferClients.grpc(null),
      AmbientCredentials.metadataServer());

  @AfterEach
  void stop() {
    kubernetes.close();
  }

  private BigQueryBackfill backfill(String name, Instant start, Instant end, int chunkHours, int parallelism,
      boolean suspend) {
    BigQueryBackfill b = new BigQueryBackfill();
    b.setMetadata(new ObjectMetaBuilder().withNamespace(NS).withName(name).build());
    b.setSpec(new BigQueryBackfillSpec(new ExportRef(EXPORT), start.toString(), end.toString(), BackfillMode.FillGaps,
        chunkHours, parallelism, suspend));
    return kubernetes.client().resource(b).create();
  }

  private BigQueryBackfill backfill() {
    return backfill("history", START, END, 24, 2, false);
  }

  private static BigQueryBackfill withStatus(BigQueryBackfill backfill, BigQueryBackfillStatus status) {
    backfill.setStatus(status);
    return backfill;
  }

  /** The export as the backfill's informer holds it, with CredentialsValid as given for the given generation. */
  private static BigQueryExport export(boolean credentialsValid, long conditionGeneration, long statusGeneration) {
    BigQueryExport export = new BigQueryExport();
    export.setMetadata(new ObjectMetaBuilder().withNamespace(NS).withName(EXPORT).withGeneration(2L).build());
    export.setSpec(new BigQueryExportSpec(
        new SourceSpec(new AmplitudeSourceSpec(null, null,
            new AmplitudeSecretRef(ExportFixtures.AMPLITUDE_SECRET, null, null), null)),
        new DestinationSpec("acme-analytics", "amplitude", null, new SecretKeyRef(ExportFixtures.GOOGLE_SECRET, null),
            null, null),
        null, null, "2h", "2026-11-01T00:00:00Z", null, null, null, null, null, null));
    export.setStatus(new BigQueryExportStatus(statusGeneration, List.of(new Condition(ConditionType.CREDENTIALS_VALID,
        credentialsValid ? "True" : "False", credentialsValid ? Reasons.VALIDATED : "DestinationDenied", "",
        "2026-11-28T10:00:00Z", conditionGeneration)), null, null, null, null, null, null, null, null, null, null));
    return export;
  }

  private static BigQueryExport validExport() {
    return export(true, 2L, 2L);
  }

  private static Supplier<Optional<BigQueryExport>> informerHas(BigQueryExport export) {
    return () -> Optional.ofNullable(export);
  }

  private static final Supplier<Set<Pod>> NO_PODS = Set::of;

  private BackfillReconciler.Decision decide(BigQueryBackfill backfill, Job job, BigQueryExport export) {
    return reconciler.decide(backfill, job == null ? List.of() : List.of(job), informerHas(export),
        apiServerHas(export), NO_PODS);
  }

  private static Supplier<Optional<BigQueryExport>> apiServerHas(BigQueryExport export) {
    return () -> Optional.ofNullable(export);
  }

  /** {@code variant} (created under another name) as a later version of {@code original}: its name and uid. */
  private static void sameBackfill(BigQueryBackfill variant, BigQueryBackfill original) {
    variant.getMetadata().setName(original.getMetadata().getName());
    variant.getMetadata().setUid(original.getMetadata().getUid());
  }

  private static Condition condition(BigQueryBackfillStatus status, String type) {
    return status.conditions().stream().filter(c -> c.type().equals(type)).findFirst().orElseThrow();
  }

  private Job job(String name) {
    return kubernetes.client().batch().v1().jobs().inNamespace(NS).withName(name).get();
  }

  private long patchesOfJobs() {
    return kubernetes.requests().stream().filter(r -> r.method().equals("PATCH") && r.path().contains("/jobs/"))
        .count();
  }

  @Test
  void withValidCredentialsTheConfigurationIsPinnedAndTheIndexedJobCreated() {
    BigQueryBackfill backfill = backfill("history", START, END, 24, 4, false);

    BackfillReconciler.Decision decision = decide(backfill, null, validExport());

    Job job = job("history-backfill");
    assertThat(job).as("the Job in the API server").isNotNull();
    var spec = job.getSpec();
    assertThat(List.of(spec.getCompletionMode(), spec.getCompletions(), spec.getParallelism(), spec.getSuspend(),
        spec.getBackoffLimitPerIndex(), spec.getMaxFailedIndexes(), spec.getBackoffLimit()))
        .as("3 chunks; parallelism 4 capped at 3; 2 retries per chunk, 6 in all")
        .containsExactly("Indexed", 3, 3, false, 2, 3, 6);
    assertThat(job.getMetadata().getAnnotations()).containsEntry(BackfillJob.PLAN_ANNOTATION, RANGE + "/24 FillGaps");
    Map<String, String> labels = Map.of(ExportLabels.MANAGED_BY, ExportLabels.MANAGED_BY_VALUE,
        BackfillLabels.BACKFILL, "history", "app.kubernetes.io/name", "bqexport-backfill");
    assertThat(job.getMetadata().getLabels()).containsAllEntriesOf(labels);
    assertThat(job.getMetadata().getOwnerReferences()).extracting(OwnerReference::getUid)
        .containsExactly(backfill.getMetadata().getUid());
    List<PodFailurePolicyRule> rules = spec.getPodFailurePolicy().getRules();
    assertThat(rules).hasSize(2);
    assertThat(rules.get(0).getAction()).isEqualTo("FailJob");
    assertThat(rules.get(0).getOnExitCodes().getContainerName()).isEqualTo(ExportPodTemplate.CONTAINER);
    assertThat(rules.get(0).getOnExitCodes().getValues()).containsExactly(2, 3);
    assertThat(rules.get(1).getAction()).isEqualTo("Ignore");
    assertThat(rules.get(1).getOnPodConditions()).singleElement()
        .satisfies(c -> assertThat(List.of(c.getType(), c.getStatus())).containsExactly("DisruptionTarget", "True"));
    var podTemplate = spec.getTemplate();
    assertThat(podTemplate.getMetadata().getLabels()).containsAllEntriesOf(labels);
    var container = podTemplate.getSpec().getContainers().get(0);
    assertThat(container.getImage()).isEqualTo(IMAGE);
    assertThat(container.getArgs()).containsSubsequence("--chunks", RANGE + "/24", "--mode", "FillGaps");
    assertThat(podTemplate.getSpec().getVolumes()).extracting(v -> v.getConfigMap() == null ? null
        : v.getConfigMap().getName()).contains("history-backfill-config");

    ConfigMap pinned = kubernetes.client().configMaps().inNamespace(NS).withName("history-backfill-config").get();
    assertThat(pinned).as("the pinned configuration").isNotNull();
    assertThat(pinned.getMetadata().getLabels()).containsAllEntriesOf(labels);
    assertThat(pinned.getData().values()).anySatisfy(v -> assertThat(v).contains("acme-analytics"));

    BigQueryBackfillStatus status = decision.next();
    assertThat(List.of(status.job(), status.startedRange(), status.phase()))
        .containsExactly("history-backfill", RANGE, "Running");
    assertThat(decision.recheckAfter()).isEmpty();
  }

  @Test
  void aSuspendedBackfillCreatesItsJobSuspended() {
    decide(backfill("paused", START, END, 72, 1, true), null, validExport());

    Job job = job("paused-backfill");
    assertThat(List.of(job.getSpec().getCompletions(), job.getSpec().getParallelism(), job.getSpec().getSuspend(),
        job.getSpec().getMaxFailedIndexes(), job.getSpec().getBackoffLimit())).containsExactly(1, 1, true, 1, 2);
  }

  @Test
  void withoutValidCredentialsForTheExportsCurrentGenerationNothingIsCreated() {
    BigQueryBackfill backfill = backfill();
    for (BigQueryExport export : List.of(export(false, 2L, 2L), export(true, 1L, 2L), export(true, 2L, 1L))) {
      BackfillReconciler.Decision decision = decide(backfill, null, export);

      Condition ready = condition(decision.next(), ConditionType.READY);
      assertThat(List.of(ready.reason(), ready.message())).containsExactly(Reasons.WAITING_FOR_EXPORT,
          "Waiting for BigQueryExport " + EXPORT + " to have valid credentials for its current spec (its"
              + " CredentialsValid condition); the backfill starts as soon as they are.");
      assertThat(decision.next().job()).isNull();
      assertThat(decision.next().startedRange()).isNull();
    }
    BigQueryExport noStatus = validExport();
    noStatus.setStatus(null);
    assertThat(condition(decide(backfill, null, noStatus).next(), ConditionType.READY).reason())
        .isEqualTo(Reasons.WAITING_FOR_EXPORT);
    assertThat(job("history-backfill")).isNull();
    assertThat(kubernetes.client().configMaps().inNamespace(NS).withName("history-backfill-config").get()).isNull();
  }

  /**
   * The informer's copy can lag the API server: still validated at generation 2 when the user has written generation
   * 3 (another dataset). The backfill starts from the export as the API server has it, never from the copy.
   */
  @Test
  void aBackfillStartsFromTheExportAsTheApiServerHasItNotFromTheInformersOlderCopy() {
    BigQueryBackfill backfill = backfill();
    BigQueryExport newer = export(true, 2L, 2L);
    newer.getMetadata().setGeneration(3L);
    newer.setSpec(ExportSpecs.withDataset(newer.getSpec(), "moved"));

    BackfillReconciler.Decision waiting = reconciler.decide(backfill, List.of(), informerHas(validExport()),
        apiServerHas(newer), NO_PODS);
    assertThat(condition(waiting.next(), ConditionType.READY).reason()).isEqualTo(Reasons.WAITING_FOR_EXPORT);
    assertThat(job("history-backfill")).as("nothing started on generation 3 unvalidated").isNull();
    assertThat(kubernetes.client().configMaps().inNamespace(NS).withName("history-backfill-config").get()).isNull();

    newer.setStatus(export(true, 3L, 3L).getStatus());
    BackfillReconciler.Decision started = reconciler.decide(backfill, List.of(), informerHas(validExport()),
        apiServerHas(newer), NO_PODS);
    assertThat(started.next().phase()).isEqualTo("Running");
    ConfigMap pinned = kubernetes.client().configMaps().inNamespace(NS).withName("history-backfill-config").get();
    assertThat(ExporterConfigReader.parse(pinned.getData().get(ExporterConfigMap.CONFIG_KEY)).destination()
        .dataset()).as("the dataset the user wrote").isEqualTo("moved");

    BigQueryBackfill gone = backfill("gone", START, END, 24, 2, false);
    assertThat(condition(reconciler.decide(gone, List.of(), informerHas(validExport()), apiServerHas(null), NO_PODS)
        .next(), ConditionType.STALLED).reason()).as("deleted since the informer's copy")
        .isEqualTo(Reasons.EXPORT_NOT_FOUND);
    assertThat(job("gone-backfill")).isNull();
  }

  @Test
  void aMissingExportIsNamedWithItsNamespaceAndNothingIsRetriedByTime() {
    BackfillReconciler.Decision decision = decide(backfill(), null, null);

    Condition stalled = condition(decision.next(), ConditionType.STALLED);
    assertThat(List.of(stalled.status(), stalled.reason(), stalled.message())).containsExactly("True",
        Reasons.EXPORT_NOT_FOUND, "BigQueryExport " + EXPORT + " (spec.exportRef.name) does not exist in namespace "
            + NS + "; create it first, or fix the name");
    assertThat(decision.recheckAfter()).isEmpty();
    assertThat(job("history-backfill")).isNull();
  }

  @Test
  void anInvalidSpecIsReportedWithoutLookingUpTheExport() {
    BigQueryBackfill backfill = backfill("bad", START, END, 0, 2, false);

    BackfillReconciler.Decision decision = reconciler.decide(backfill, List.of(),
        () -> fail("the export is not looked up for an invalid spec"),
        () -> fail("nor read from the API server"), NO_PODS);

    assertThat(condition(decision.next(), ConditionType.STALLED).reason()).isEqualTo(Reasons.INVALID_SPEC);
    assertThat(decision.recheckAfter()).isEmpty();
  }

  @Test
  void aRangeNotYetExportableIsLookedAtAgainWhenItIsExportableButAtMostTenMinutesLater() {
    // availabilityDelay 2h: at 10:10 the hours up to 08:00 are exportable; an end at 09:00 is from 11:00.
    Instant end = Instant.parse("2026-11-28T09:00:00Z");
    BackfillReconciler.Decision soon = decide(backfill("soon", TODAY, end, 1, 1, false), null, validExport());
    Condition stalled = condition(soon.next(), ConditionType.STALLED);
    assertThat(stalled.reason()).isEqualTo(Reasons.RANGE_NOT_AVAILABLE);
    assertThat(stalled.message()).isEqualTo("spec.end 2026-11-28T09:00:00Z is later than now minus the export's"
        + " availabilityDelay (2h): Amplitude has not made those hours exportable yet. Set spec.end to"
        + " 2026-11-28T08:00:00Z or earlier; the export itself covers later hours");
    assertThat(soon.recheckAfter()).as("50 min away: capped").contains(Duration.ofMinutes(10));
    assertThat(job("soon-backfill")).isNull();

    clock.set(Instant.parse("2026-11-28T10:55:00Z"));
    assertThat(decide(backfill("minutes", TODAY, end, 1, 1, false), null, validExport()).recheckAfter())
        .as("exportable at 11:00, plus a second").contains(Duration.ofMinutes(5).plusSeconds(1));

    clock.set(Instant.parse("2026-11-28T10:59:59Z"));
    assertThat(decide(backfill("second", TODAY, end, 1, 1, false), null, validExport()).recheckAfter())
        .contains(Duration.ofSeconds(2));

    clock.set(NOW);
    BackfillReconciler.Decision exportable = decide(backfill("now", TODAY, Instant.parse("2026-11-28T08:00:00Z"), 1,
        1, false), null, validExport());
    assertThat(exportable.next().job()).as("08:00 is exportable at 10:10").isEqualTo("now-backfill");
    assertThat(job("now-backfill").getSpec().getCompletions()).isEqualTo(8);
  }

  @Test
  void aRangeChangedAfterTheStartIsRefusedAndNoOtherJobIsCreated() {
    BigQueryBackfill backfill = withStatus(backfill(), new BigQueryBackfillStatus(1L, "Pending", List.of(), null,
        null, START + "/2026-11-22T00:00:00Z", null, null, null));

    BackfillReconciler.Decision decision = decide(backfill, null, validExport());

    Condition stalled = condition(decision.next(), ConditionType.STALLED);
    assertThat(List.of(stalled.reason(), stalled.message())).containsExactly(Reasons.RANGE_CHANGED, "spec.start/"
        + "spec.end changed to " + RANGE + " after the backfill started with " + START + "/2026-11-22T00:00:00Z; the"
        + " range is immutable. Restore it, or create a new BigQueryBackfill for the other range");
    assertThat(decision.next().startedRange()).isEqualTo(START + "/2026-11-22T00:00:00Z");
    assertThat(decision.recheckAfter()).as("only a range not yet exportable is looked at again by time").isEmpty();
    assertThat(job("history-backfill")).isNull();
  }

  @Test
  void aStartedBackfillIsNotRefusedForARangeThatWasNotExportableYetAtItsStart() {
    Instant lateEnd = Instant.parse("2026-11-28T09:00:00Z");
    BigQueryBackfill backfill = withStatus(backfill("started", TODAY, lateEnd, 1, 2, false),
        new BigQueryBackfillStatus(1L, "Pending", List.of(), null, null, TODAY + "/" + lateEnd, null, null, null));

    BackfillReconciler.Decision decision = decide(backfill, null, validExport());

    assertThat(decision.next().conditions()).noneSatisfy(c -> assertThat(c.reason())
        .isEqualTo(Reasons.RANGE_NOT_AVAILABLE));
    assertThat(job("started-backfill")).isNotNull();
  }

  @Test
  void aPlanChangedWhileTheJobRunsIsRefusedAndTheChunksFollowTheJobsPlan() {
    BigQueryBackfill original = backfill();
    decide(original, null, validExport());
    Job job = job("history-backfill");
    BigQueryBackfill changed = backfill("history2", START, END, 12, 2, false);
    sameBackfill(changed, original);
    changed.setStatus(new BigQueryBackfillStatus(1L, "Running", List.of(), null, null, RANGE, "history-backfill",
        null, null));

    BackfillReconciler.Decision decision = decide(changed, job, validExport());

    Condition stalled = condition(decision.next(), ConditionType.STALLED);
    assertThat(List.of(stalled.reason(), stalled.message())).containsExactly(Reasons.PLAN_CHANGED, "spec.chunkHours"
        + " or spec.mode changed after the backfill started (the Job runs " + RANGE + "/24 FillGaps); they cannot"
        + " change while it runs. Restore them, or delete this backfill (committed chunks stay) and create a new one");
    assertThat(decision.next().progress().hoursTotal()).isEqualTo(72);
    assertThat(decision.next().job()).isEqualTo("history-backfill");

    Job failedChunk = new JobBuilder(job).editOrNewStatus().withFailedIndexes("1").endStatus().build();
    assertThat(decide(changed, failedChunk, validExport()).next().failedChunks())
        .as("chunk 1 of the Job's 24-hour plan, not of the spec's 12-hour one").singleElement()
        .satisfies(c -> assertThat(c.window()).isEqualTo("2026-11-21T00:00:00Z/2026-11-22T00:00:00Z"));
  }

  @Test
  void theProgressOfARunningJobIsReadFromThePodsTheInformerHolds() {
    BigQueryBackfill backfill = backfill();
    decide(backfill, null, validExport());
    Job job = job("history-backfill");
    BigQueryBackfill started = withStatus(backfill, new BigQueryBackfillStatus(1L, "Running", List.of(), null, null,
        RANGE, "history-backfill", null, null));
    RunSummary summary = new RunSummary(RunSummary.SUCCEEDED, null, "done", 0, "FillGaps", null, List.of(), 24, 480,
        0, null, 0, List.of(), "a", "b");
    Pod chunk0 = new PodBuilder().withNewMetadata().withName("history-backfill-0-abcde")
        .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("batch/v1").withKind("Job")
            .withName("history-backfill")
            .withUid(job.getMetadata().getUid()).withController(true).build())
        .addToAnnotations("batch.kubernetes.io/job-completion-index", "0").endMetadata()
        .withNewStatus().withContainerStatuses(new ContainerStatusBuilder().withName(ExportPodTemplate.CONTAINER)
            .withNewState().withNewTerminated().withExitCode(0).withReason("Completed").withMessage(summary.toJson())
            .withFinishedAt("2026-11-28T10:05:00Z").endTerminated().endState().build()).endStatus().build();

    BackfillReconciler.Decision decision = reconciler.decide(started, List.of(job), informerHas(validExport()),
        () -> fail("a started backfill does not read its export again"), () -> Set.of(chunk0));

    assertThat(decision.next().progress().rows()).as("chunk 0's rows, from its Pod's summary").isEqualTo(480L);
  }

  @Test
  void suspendAndParallelismFollowTheSpecByOnePatchAndOnlyWhenTheyDiffer() {
    BigQueryBackfill backfill = backfill();
    decide(backfill, null, validExport());
    Job created = job("history-backfill");
    BigQueryBackfill started = withStatus(backfill, decide(backfill, created, validExport()).next());
    assertThat(patchesOfJobs()).as("the Job already matches the spec").isZero();

    BigQueryBackfill suspended = backfill("history-s", START, END, 24, 4, true);
    sameBackfill(suspended, backfill);
    suspended.setStatus(started.getStatus());
    decide(suspended, created, validExport());

    assertThat(patchesOfJobs()).isEqualTo(1);
    Job patched = job("history-backfill");
    assertThat(List.of(patched.getSpec().getSuspend(), patched.getSpec().getParallelism()))
        .as("parallelism 4 capped at the 3 chunks").containsExactly(true, 3);

    BigQueryBackfill oneAtATime = backfill("history-r", START, END, 24, 1, true);
    sameBackfill(oneAtATime, backfill);
    oneAtATime.setStatus(started.getStatus());
    decide(oneAtATime, patched, validExport());
    assertThat(job("history-backfill").getSpec().getParallelism()).isEqualTo(1);
    assertThat(patchesOfJobs()).isEqualTo(2);
  }

  @Test
  void aFinishedJobIsNotPatchedAnyMore() {
    BigQueryBackfill backfill = backfill();
    decide(backfill, null, validExport());
    for (String type : List.of("Complete", "Failed")) {
      Job finished = new JobBuilder(job("history-backfill")).editOrNewStatus().withCompletedIndexes("0-2")
          .addNewCondition().withType(type).withStatus("True").endCondition().endStatus().build();
      BigQueryBackfill suspended = backfill("history-" + type.toLowerCase(), START, END, 24, 2, true);
      sameBackfill(suspended, backfill);
      suspended.setStatus(new BigQueryBackfillStatus(1L, "Running", List.of(), null, null, RANGE, "history-backfill",
          null, null));

      decide(suspended, finished, validExport());
    }
    Job notFinished = new JobBuilder(job("history-backfill")).editOrNewStatus().addNewCondition()
        .withType("Complete").withStatus("False").endCondition().endStatus().build();
    BigQueryBackfill suspended = backfill("history-x", START, END, 24, 2, true);
    sameBackfill(suspended, backfill);
    assertThat(patchesOfJobs()).isZero();
    decide(suspended, notFinished, validExport());
    assertThat(patchesOfJobs()).as("a condition that is not True has not finished the Job").isEqualTo(1);
  }

  @Test
  void aFinishedBackfillWhoseJobIsGoneStartsNoOtherJob() {
    BigQueryBackfill done = withStatus(backfill(), new BigQueryBackfillStatus(1L, "Succeeded", List.of(), null, null,
        RANGE, "history-backfill", null, null));

    BackfillReconciler.Decision decision = decide(done, null, validExport());

    assertThat(decision.next().phase()).isEqualTo("Succeeded");
    assertThat(job("history-backfill")).isNull();
  }

  @Test
  void aJobNameTakenByAnotherObjectIsReportedAsAProblem() {
    kubernetes.client().batch().v1().jobs().inNamespace(NS).resource(new JobBuilder().withNewMetadata()
        .withName("history-backfill").withNamespace(NS).endMetadata().withNewSpec().withNewTemplate().withNewSpec()
        .addNewContainer().withName("other").withImage("busybox").endContainer().withRestartPolicy("Never")
        .endSpec().endTemplate().endSpec().build()).create();

    BackfillReconciler.Decision decision = decide(backfill(), null, validExport());

    Condition stalled = condition(decision.next(), ConditionType.STALLED);
    assertThat(stalled.isTrue()).isTrue();
    assertThat(stalled.message()).contains("history-backfill");
    assertThat(decision.next().startedRange()).as("nothing started").isNull();
  }

  @Test
  void aLabelledJobOfItsNameTheBackfillDoesNotControlIsNeverUsedNorPatched() {
    Job forged = kubernetes.client().resource(new JobBuilder().withNewMetadata().withName("history-backfill")
        .withNamespace(NS).withLabels(Map.of(ExportLabels.MANAGED_BY, ExportLabels.MANAGED_BY_VALUE,
            BackfillLabels.BACKFILL, "history")).endMetadata().withNewSpec().withCompletions(3).withSuspend(true)
        .withNewTemplate().withNewSpec().addNewContainer().withName("exporter").withImage("busybox").endContainer()
        .withRestartPolicy("Never").endSpec().endTemplate().endSpec().withNewStatus().withCompletedIndexes("0-2")
        .endStatus().build()).create();

    BackfillReconciler.Decision decision = decide(backfill(), forged, validExport());

    Condition stalled = condition(decision.next(), ConditionType.STALLED);
    assertThat(List.of(stalled.status(), stalled.reason())).containsExactly("True", Reasons.NAME_CONFLICT);
    assertThat(stalled.message()).startsWith("Job history-backfill already exists and is not controlled by"
        + " BigQueryBackfill history").contains("Rename or delete that Job");
    assertThat(decision.next().job()).isNull();
    assertThat(decision.next().progress().hoursDone()).as("not the forged Job's three chunks").isZero();
    assertThat(decision.recheckAfter()).as("looked at again after it may be deleted").contains(Duration.ofMinutes(1));
    assertThat(patchesOfJobs()).as("its suspend is not the backfill's to set").isZero();
  }

  @Test
  void ofTheLabelledJobsOnlyTheOneOfItsNameItControlsIsTheBackfillsJob() {
    BigQueryBackfill backfill = backfill();
    decide(backfill, null, validExport());
    Job own = job("history-backfill");
    Job otherName = new JobBuilder(own).editMetadata().withName("history-decoy").withUid("decoy-uid").endMetadata()
        .editOrNewStatus().withCompletedIndexes("0-2").endStatus().build(); // controlled by the backfill, even
    BigQueryBackfill started = withStatus(backfill, new BigQueryBackfillStatus(1L, "Running", List.of(), null, null,
        RANGE, "history-backfill", null, null));

    BackfillReconciler.Decision decision = reconciler.decide(started, List.of(otherName, own),
        informerHas(validExport()), () -> fail("a started backfill does not read its export again"), NO_PODS);

    assertThat(decision.next().job()).isEqualTo("history-backfill");
    assertThat(decision.next().progress().hoursDone()).as("the own Job has no chunk done").isZero();
  }

  /**
   * Attack: the backfill's Job leaves the informer while it runs, its labels stripped by someone who may edit Jobs
   * (or it is deleted). The configuration was pinned when the backfill started; the export's current one must not be
   * written over it then, or the remaining chunks, and a re-created Job's, would go to the export's new destination.
   */
  @Test
  void aStartedBackfillWhoseJobLeftTheInformerKeepsTheConfigurationItStartedWith() {
    BigQueryBackfill backfill = backfill();
    BigQueryBackfill started = withStatus(backfill, decide(backfill, null, validExport()).next());
    BigQueryExport moved = validExport();
    moved.setSpec(withDataset(moved.getSpec(), "moved"));

    BackfillReconciler.Decision unlabelled = decide(started, null, moved);

    assertThat(unlabelled.next().job()).isEqualTo("history-backfill");
    assertThat(pinnedConfiguration()).contains("\"amplitude\"").doesNotContain("moved");

    kubernetes.client().resource(job("history-backfill")).delete();
    decide(started, null, moved);

    assertThat(job("history-backfill")).as("re-created").isNotNull();
    assertThat(pinnedConfiguration()).contains("\"amplitude\"").doesNotContain("moved");
  }

  private String pinnedConfiguration() {
    return String.join("\n", kubernetes.client().configMaps().inNamespace(NS).withName("history-backfill-config").get()
        .getData().values());
  }
}
