package io.bqexport.operator.export;

import io.bqexport.amplitude.AmplitudeClientSettings;
import io.bqexport.amplitude.AmplitudeCredentials;
import io.bqexport.amplitude.AmplitudeRegion;
import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.SpecDurations;
import io.bqexport.bigquery.CredentialProbe;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs credential probes off the reconcile threads, so one slow Google or Amplitude call never stalls other
 * resources. A probe runs when its inputs (spec generation, Secret versions) change, when validationInterval has
 * passed, or when asked to (a run reported an auth error). Failures are retried with exponential backoff. Each probe
 * is bounded in time; when it ends, the export is reconciled again through an inbound event source.
 */
public final class CredentialValidations implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CredentialValidations.class);
  static final Duration PROBE_TIMEOUT = Duration.ofMinutes(3);
  static final Duration FIRST_RETRY = Duration.ofSeconds(30);
  static final Duration MAX_RETRY = Duration.ofMinutes(15);

  /** What one probe was for: a change of any part means probing again. */
  record Inputs(long generation, String secretVersions) {}

  /** A finished probe, or the one in flight. */
  public record Outcome(CredentialProbe.Result result, Instant finishedAt, boolean inFlight, Instant retryAt) {}

  private record Entry(Inputs inputs, CompletableFuture<CredentialProbe.Result> future, Instant finishedAt,
      int failures) {}

  private final CredentialProbe probe;
  private final Clock clock;
  private final ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
    Thread t = new Thread(r, "credential-probe");
    t.setDaemon(true);
    return t;
  });
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final SimpleInboundEventSource<BigQueryExport> done = new SimpleInboundEventSource<>("credential-probes");

  public CredentialValidations(CredentialProbe probe, Clock clock) {
    this.probe = probe;
    this.clock = clock;
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
    Inputs inputs = new Inputs(export.getMetadata().getGeneration() == null ? 0
        : export.getMetadata().getGeneration(), secrets.versions());
    Instant now = clock.instant();
    Entry entry = entries.get(uid);
    if (entry != null && entry.inputs().equals(inputs)) {
      if (!entry.future().isDone()) {
        return new Outcome(null, null, true, null);
      }
      CredentialProbe.Result result = entry.future().join();
      Instant retryAt = entry.finishedAt().plus(result.ok() ? interval(export) : backoff(entry.failures()));
      if (!force && now.isBefore(retryAt)) {
        return new Outcome(result, entry.finishedAt(), false, retryAt);
      }
      start(export, secrets, inputs, result.ok() ? 0 : entry.failures());
      return new Outcome(result, entry.finishedAt(), true, null);
    }
    start(export, secrets, inputs, 0);
    return new Outcome(null, null, true, null);
  }

  /** Forget an export (deleted). */
  public void forget(BigQueryExport export) {
    entries.remove(export.getMetadata().getUid());
  }

  private void start(BigQueryExport export, ExportSecrets.Observation secrets, Inputs inputs, int failures) {
    CredentialProbe.Target target = target(export, secrets);
    ResourceID id = ResourceID.fromResource(export);
    CompletableFuture<CredentialProbe.Result> future = CompletableFuture
        .supplyAsync(() -> probe.probe(target), executor)
        .orTimeout(PROBE_TIMEOUT.toSeconds(), TimeUnit.SECONDS)
        .exceptionally(e -> new CredentialProbe.Result(false, "ValidationTimedOut", "Validating the credentials"
            + " took longer than " + PROBE_TIMEOUT.toMinutes() + " minutes (" + e.getClass().getSimpleName()
            + "); Google or Amplitude may be slow or unreachable from the cluster. It is retried.",
            secrets.key().clientEmail(), null));
    String uid = export.getMetadata().getUid();
    entries.put(uid, new Entry(inputs, future, null, failures));
    future.thenAccept(result -> {
      entries.computeIfPresent(uid, (k, e) -> e.future() == future
          ? new Entry(inputs, future, clock.instant(), result.ok() ? 0 : failures + 1) : e);
      LOG.info("credentials of {}/{}: {} {}", id.getNamespace().orElse(""), id.getName(),
          result.ok() ? "valid" : "invalid", result.ok() ? "" : result.reason());
      done.propagateEvent(id);
    });
  }

  private static CredentialProbe.Target target(BigQueryExport export, ExportSecrets.Observation secrets) {
    var spec = export.getSpec();
    var amplitude = spec.source().amplitude();
    AmplitudeClientSettings settings = AmplitudeClientSettings.of(AmplitudeRegion.valueOf(amplitude.region().name()),
        amplitude.endpoint() == null ? null : URI.create(amplitude.endpoint()),
        new AmplitudeCredentials(secrets.values().amplitudeApiKey(), secrets.values().amplitudeSecretKey()))
        .withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(30));
    var destination = spec.destination();
    return new CredentialProbe.Target(secrets.values().keyJson(), secrets.key(), destination.projectId(),
        destination.dataset(), destination.location(), destination.endpoint(), destination.createDataset(),
        spec.data().events().table(), settings);
  }

  private static Duration interval(BigQueryExport export) {
    return SpecDurations.parse("spec.validationInterval", export.getSpec().validationInterval());
  }

  static Duration backoff(int failures) {
    Duration d = FIRST_RETRY.multipliedBy(1L << Math.min(Math.max(failures - 1, 0), 10));
    return d.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : d;
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
