package io.bqexport.operator.export;

import com.google.auth.ServiceAccountSigner;
import com.google.auth.oauth2.GoogleCredentials;
import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.api.v1alpha1.SpecDurations;
import io.bqexport.bigquery.CredentialProbe;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs credential probes off the reconcile threads, so one slow Google or Amplitude call never stalls other
 * resources. A probe runs when its inputs (spec generation, Secret versions) change, when validationInterval has
 * passed, or when asked to (a run reported an auth error). Failures are retried with exponential backoff. Each probe
 * is bounded in time; when it ends, the export is reconciled again through an inbound event source. Exports whose
 * probe would be identical (same key, Amplitude keys, source, destination, data spec and delivery: a direct export's
 * probe also creates its Merge IDs table, a Transfer Service export's does not) share one probe while it runs, and a
 * successful one for {@link #SHARE_SUCCESS_FOR} after it started, so many exports on one service account cost one
 * test upload, not one each (a forced probe never takes a finished result).
 */
public final class CredentialValidations implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CredentialValidations.class);
  public static final Duration PROBE_TIMEOUT = Duration.ofMinutes(3);
  static final Duration FIRST_RETRY = Duration.ofSeconds(30);
  static final Duration MAX_RETRY = Duration.ofMinutes(15);
  static final Duration SHARE_SUCCESS_FOR = Duration.ofMinutes(1);

  /** What one probe was for: the credential-relevant spec and the Secret versions; a change means probing again. */
  record Inputs(int specHash, String secretVersions) {}

  /**
   * A finished probe, or the one in flight.
   *
   * @param changePending a probe of a changed spec or Secret is running: {@link #result()} is about the previous
   *     inputs and says nothing about the current ones (false while there is no result at all)
   */
  public record Outcome(CredentialProbe.Result result, Instant finishedAt, boolean inFlight, Instant retryAt,
      boolean changePending) {}

  /** A probe, with the last finished result (and its inputs), which stays in force while a newer probe runs. */
  private record Entry(Inputs inputs, CompletableFuture<CredentialProbe.Result> future, Instant finishedAt,
      int failures, CredentialProbe.Result last, Instant lastFinishedAt, Inputs lastInputs) {}

  /** What probes one target; {@link CredentialProbe#probe} in production, a stand-in in unit tests. */
  @FunctionalInterface
  interface Prober {
    CredentialProbe.Result probe(CredentialProbe.Target target);
  }

  private final Prober probe;
  private final Clock clock;
  private final Duration timeout;
  private final Duration firstRetry;
  private final ProbeRunner runner;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  /** Probes by a digest of everything they depend on, so identical ones run once. */
  private final Map<String, SharedProbe> shared = new ConcurrentHashMap<>();

  private record SharedProbe(CompletableFuture<CredentialProbe.Result> future, Instant startedAt) {
    boolean reusable(Instant now, boolean force) {
      if (!future.isDone()) {
        return true;
      }
      return !force && now.isBefore(startedAt.plus(SHARE_SUCCESS_FOR)) && future.join().ok();
    }
  }
  private final SimpleInboundEventSource<BigQueryExport> done = new SimpleInboundEventSource<>("credential-probes");

  private final AmbientCredentials ambient;

  public CredentialValidations(CredentialProbe probe, Clock clock) {
    this(probe, clock, PROBE_TIMEOUT, AmbientCredentials.metadataServer());
  }

  /** @param ambient the operator's own Google identity, for exports that use Workload Identity */
  public CredentialValidations(CredentialProbe probe, Clock clock, AmbientCredentials ambient) {
    this(probe, clock, PROBE_TIMEOUT, ambient);
  }

  /** @param timeout how long one probe may take, counted from its start */
  CredentialValidations(CredentialProbe probe, Clock clock, Duration timeout) {
    this(probe, clock, timeout, AmbientCredentials.metadataServer());
  }

  /**
   * @param timeout how long one probe may take, counted from its start
   * @param ambient the operator's own Google identity, for exports that use Workload Identity
   */
  public CredentialValidations(CredentialProbe probe, Clock clock, Duration timeout, AmbientCredentials ambient) {
    this(probe, clock, timeout, FIRST_RETRY, ambient);
  }

  /**
   * @param timeout how long one probe may take, counted from its start
   * @param firstRetry the wait after a first failure (doubling after each further one); tests shorten it
   * @param ambient the operator's own Google identity, for exports that use Workload Identity
   */
  public CredentialValidations(CredentialProbe probe, Clock clock, Duration timeout, Duration firstRetry,
      AmbientCredentials ambient) {
    this(probe::probe, clock, timeout, firstRetry, ambient);
  }

  CredentialValidations(Prober probe, Clock clock, Duration timeout, Duration firstRetry,
      AmbientCredentials ambient) {
    this.ambient = ambient;
    this.probe = probe;
    this.clock = clock;
    this.timeout = timeout;
    this.firstRetry = firstRetry;
    this.runner = new ProbeRunner(timeout, ProbeRunner.STARTS_PER_SECOND);
  }

  public SimpleInboundEventSource<BigQueryExport> eventSource() {
    return done;
  }

  /**
   * The latest outcome for the export, starting a probe when one is due.
   *
   * @param force probe again even if the last result is still current (a run reported an auth error)
   */
  public Outcome current(BigQueryExport export, ExportSecrets.Observation secrets, boolean force) {
    String uid = export.getMetadata().getUid();
    Inputs inputs = inputs(export, secrets);
    Instant now = clock.instant();
    Entry entry = entries.get(uid);
    // A probe that just finished counts as in flight until its callback has recorded when (finishedAt): the future
    // is done before thenAccept runs, and a reconcile in between must not see a result without its time.
    if (entry != null && (!entry.future().isDone() || entry.finishedAt() == null)) {
      if (!entry.inputs().equals(inputs)) {
        start(export, secrets, inputs, 0, entry.last(), entry.lastFinishedAt(), entry.lastInputs(), force);
      }
      return new Outcome(entry.last(), entry.lastFinishedAt(), true, null,
          entry.last() != null && !inputs.equals(entry.lastInputs()));
    }
    if (entry != null) {
      CredentialProbe.Result result = entry.future().join();
      Instant retryAt = entry.finishedAt().plus(result.ok() ? interval(export) : backoff(entry.failures(), firstRetry));
      if (entry.inputs().equals(inputs) && !force && now.isBefore(retryAt)) {
        return new Outcome(result, entry.finishedAt(), false, retryAt, false);
      }
      start(export, secrets, inputs, entry.inputs().equals(inputs) && !result.ok() ? entry.failures() : 0, result,
          entry.finishedAt(), entry.inputs(), force);
      return new Outcome(result, entry.finishedAt(), true, null, !inputs.equals(entry.inputs()));
    }
    Optional<Outcome> remembered = fromStatus(export, secrets, now);
    if (remembered.isPresent()) {
      return remembered.get();
    }
    start(export, secrets, inputs, 0, null, null, null, force);
    return settled(uid, export).orElse(new Outcome(null, null, true, null, false));
  }

  /**
   * The result of a probe that finished as it started: an identical export's recent probe was shared. Using it
   * now saves the export a round of "validating" writes (a suspended CronJob, a status, Events) to undo next time.
   */
  private Optional<Outcome> settled(String uid, BigQueryExport export) {
    Entry entry = entries.get(uid);
    if (entry == null || entry.finishedAt() == null || !entry.future().isDone()) {
      return Optional.empty();
    }
    CredentialProbe.Result result = entry.future().join();
    Instant retryAt = entry.finishedAt().plus(result.ok() ? interval(export) : backoff(entry.failures(), firstRetry));
    return Optional.of(new Outcome(result, entry.finishedAt(), false, retryAt, false));
  }

  /**
   * After an operator restart nothing is in memory: a validation recorded in the status for the same Secrets and
   * generation, within validationInterval, still holds, so a restart does not re-probe every export at once.
   */
  private Optional<Outcome> fromStatus(BigQueryExport export, ExportSecrets.Observation secrets, Instant now) {
    var status = export.getStatus();
    if (status == null || status.credentials() == null || status.credentials().validatedAt() == null
        || !secrets.versions().equals(status.credentials().secretVersions())
        || !Objects.equals(status.observedGeneration(), export.getMetadata().getGeneration())
        || status.conditions() == null || status.conditions().stream().noneMatch(c ->
            c.type().equals(io.bqexport.operator.status.ConditionType.CREDENTIALS_VALID) && c.isTrue())) {
      return Optional.empty();
    }
    Optional<Instant> validatedTime = RunHistory.instant(status.credentials().validatedAt());
    if (validatedTime.isEmpty()) {
      return Optional.empty(); // no time (an edited status): validate again rather than fail every reconcile
    }
    Instant validatedAt = validatedTime.get();
    Instant retryAt = validatedAt.plus(interval(export));
    if (!now.isBefore(retryAt)) {
      return Optional.empty();
    }
    var message = status.conditions().stream()
        .filter(c -> c.type().equals(io.bqexport.operator.status.ConditionType.CREDENTIALS_VALID))
        .findFirst().orElseThrow().message();
    var result = new CredentialProbe.Result(true, io.bqexport.api.v1alpha1.Reasons.VALIDATED, message,
        status.credentials().serviceAccount(), status.credentials().keyProjectId());
    Inputs inputs = inputs(export, secrets);
    entries.put(export.getMetadata().getUid(), new Entry(inputs, CompletableFuture.completedFuture(result),
        validatedAt, 0, result, validatedAt, inputs));
    return Optional.of(new Outcome(result, validatedAt, false, retryAt, false));
  }

  private static Inputs inputs(BigQueryExport export, ExportSecrets.Observation secrets) {
    var spec = export.getSpec();
    return new Inputs(Objects.hash(spec.source(), spec.destination(), spec.data(), spec.delivery()),
        secrets.versions());
  }

  /** Drops the probe state of a deleted export. */
  public void forget(BigQueryExport export) {
    entries.remove(export.getMetadata().getUid());
  }

  private void start(BigQueryExport export, ExportSecrets.Observation secrets, Inputs inputs, int failures,
      CredentialProbe.Result last, Instant lastFinishedAt, Inputs lastInputs, boolean force) {
    ResourceID id = ResourceID.fromResource(export);
    CompletableFuture<CredentialProbe.Result> future = sharedProbe(export, secrets, force);
    String uid = export.getMetadata().getUid();
    entries.put(uid, new Entry(inputs, future, null, failures, last, lastFinishedAt, lastInputs));
    future.thenAccept(result -> {
      Instant finished = clock.instant();
      entries.computeIfPresent(uid, (k, e) -> e.future() == future
          ? new Entry(inputs, future, finished, result.ok() ? 0 : failures + 1, result, finished, inputs) : e);
      LOG.info("credentials of {}/{}: {} {}", id.getNamespace().orElse(""), id.getName(),
          result.ok() ? "valid" : "invalid", result.ok() ? "" : result.reason());
      done.propagateEvent(id);
    });
  }

  /** The running or recently succeeded probe of an identical target, else a new one. */
  private CompletableFuture<CredentialProbe.Result> sharedProbe(BigQueryExport export,
      ExportSecrets.Observation secrets, boolean force) {
    Instant now = clock.instant();
    shared.values().removeIf(p -> !p.reusable(now, false));
    return shared.compute(probeKey(export, secrets), (key, existing) -> existing != null && existing.reusable(now, force)
        ? existing : new SharedProbe(newProbe(export, secrets), now)).future();
  }

  private CompletableFuture<CredentialProbe.Result> newProbe(BigQueryExport export,
      ExportSecrets.Observation secrets) {
    String account = secrets.key() == null ? null : secrets.key().clientEmail();
    return runner.run(() -> probe(export, secrets), () -> new CredentialProbe.Result(false,
            io.bqexport.api.v1alpha1.Reasons.VALIDATION_TIMED_OUT, "Validating the credentials took longer than "
            + timeout.toSeconds() + " s from its start; Google or Amplitude may be slow or unreachable from the"
            + " cluster. It is retried.", account, null))
        .exceptionally(e -> new CredentialProbe.Result(false, io.bqexport.api.v1alpha1.Reasons.UNEXPECTED_RESPONSE,
            "Validating the credentials failed unexpectedly (" + e.getClass().getSimpleName() + "); it is"
            + " retried.", account, null));
  }

  /** A digest of everything a probe depends on (the secret values by their fingerprints: none is read here). */
  private static String probeKey(BigQueryExport export, ExportSecrets.Observation secrets) {
    var spec = export.getSpec();
    String inputs = String.join("\u0000", String.valueOf(secrets.fingerprint()),
        String.valueOf(spec.source()), String.valueOf(spec.destination()),
        String.valueOf(spec.data()), String.valueOf(spec.delivery()));
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
          .digest(inputs.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /**
   * Probes with the export's keys; where it uses Workload Identity, with the operator's own identity, which must
   * first yield a token (else WorkloadIdentityUnavailable, before any call to BigQuery or Cloud Storage).
   */
  private CredentialProbe.Result probe(BigQueryExport export, ExportSecrets.Observation secrets) {
    var spec = export.getSpec();
    boolean destinationKeyless = spec.destination().usesWorkloadIdentity();
    boolean storageKeyless = spec.source().storage() != null
        && spec.source().storage().credentials().usesWorkloadIdentity();
    GoogleCredentials own = null;
    String account = null;
    if (destinationKeyless || storageKeyless) {
      try {
        own = ambient.get();
        own.refresh();
        account = own instanceof ServiceAccountSigner signer ? signer.getAccount() : "the operator's identity";
      } catch (IOException | RuntimeException e) {
        return new CredentialProbe.Result(false, Reasons.WORKLOAD_IDENTITY_UNAVAILABLE, "The export uses"
            + " workloadIdentity, but the operator's pod got no Google token from Application Default Credentials ("
            + e.getClass().getSimpleName() + "). On GKE, enable Workload Identity on the node pool and annotate the"
            + " operator's Kubernetes service account with iam.gke.io/gcp-service-account (chart value"
            + " serviceAccount.annotations), bound with roles/iam.workloadIdentityUser; see the README, Workload"
            + " Identity on GKE. It is retried.", null, spec.destination().projectId());
      }
    }
    var destination = spec.destination();
    String projectId = destination.projectId() != null ? destination.projectId()
        : secrets.key() == null ? null : secrets.key().projectId();
    return probe.probe(new CredentialProbe.Target(secrets.values().keyJson(), secrets.key(),
        destinationKeyless ? own : null, account, destination.projectId(), destination.dataset(),
        destination.location(), destination.endpoint(), destination.createDataset(), spec.data().events().table(),
        spec.data().mergeIds().enabled() && !spec.transferService() ? spec.data().mergeIds().table() : null, SourceChecks.of(spec, secrets.values(), storageKeyless ? own : null, projectId)));
  }

  private static Duration interval(BigQueryExport export) {
    return SpecDurations.parse("spec.validationInterval", export.getSpec().validationInterval());
  }

  static Duration backoff(int failures, Duration firstRetry) {
    Duration d = firstRetry.multipliedBy(1L << Math.min(Math.max(failures - 1, 0), 10));
    return d.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : d;
  }

  @Override
  public void close() {
    runner.close();
  }
}
