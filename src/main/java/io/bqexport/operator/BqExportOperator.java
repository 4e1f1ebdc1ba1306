package io.bqexport.operator;

import io.bqexport.operator.backfill.BackfillReconciler;
import io.bqexport.operator.export.ExportReconciler;
import io.bqexport.bigquery.CredentialProbe;
import io.bqexport.operator.export.AmbientCredentials;
import io.bqexport.operator.export.CredentialValidations;
import io.bqexport.operator.export.ExportMetrics;
import io.bqexport.operator.export.ExportRetries;
import io.bqexport.operator.export.ExportStore;
import io.bqexport.operator.export.TransferDelivery;
import io.bqexport.operator.export.ExportUpdateFilter;
import io.bqexport.operator.status.EventRecorder;
import io.bqexport.transfer.TransferClients;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator process: both reconcilers on one JOSDK Operator, plus health and metrics. Server-side apply is off
 * everywhere (DESIGN section 7): the tests' mock API server rejects it, and production runs the same code.
 */
public final class BqExportOperator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BqExportOperator.class);
  /** No reconcile takes this long unless something hangs: every external call in one is bounded far below it. */
  static final Duration STUCK_RECONCILE = Duration.ofMinutes(10);
  /**
   * How long the informers may take to list everything at start before the operator gives up (JOSDK's default is
   * 2 minutes): 10,000 exports with their run history are about 150 MB of JSON to read and pack.
   */
  static final Duration CACHE_SYNC_TIMEOUT = Duration.ofMinutes(10);

  private final Operator operator;
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final OperatorSettings settings;
  private final CredentialValidations validations;
  private final ReconcileWatchdog watchdog;
  private volatile boolean closing;
  private HealthServer health;

  public BqExportOperator(KubernetesClient client, OperatorSettings settings, Clock clock) {
    this(client, settings, clock, AmbientCredentials.metadataServer());
  }

  /** @param ambient the operator pod's own Google identity, for probing exports that use Workload Identity */
  public BqExportOperator(KubernetesClient client, OperatorSettings settings, Clock clock,
      AmbientCredentials ambient) {
    this(client, settings, clock, ambient, TransferClients.grpc(null), TransferDelivery.DEFAULT_POLL,
        CredentialValidations.PROBE_TIMEOUT);
  }

  /**
   * @param transfers opens Transfer Service clients (the real service in production, a stand-in in tests)
   * @param transferPoll how often the transfer runs of TransferService exports are read (the service has no watch)
   * @param probeTimeout how long one credential probe may take (tests shorten it to see a hung probe time out)
   */
  public BqExportOperator(KubernetesClient client, OperatorSettings settings, Clock clock,
      AmbientCredentials ambient, TransferClients transfers, Duration transferPoll, Duration probeTimeout) {
    this(client, settings, clock, ambient, transfers, transferPoll,
        ExportRetries.DEFAULT.withProbeTimeout(probeTimeout));
  }

  /** @param retries the probe timeout and retry waits of the export reconciler (tests shorten them) */
  public BqExportOperator(KubernetesClient client, OperatorSettings settings, Clock clock,
      AmbientCredentials ambient, TransferClients transfers, Duration transferPoll, ExportRetries retries) {
    this.settings = settings;
    new JvmMemoryMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    // Per controller, not per resource: per-resource meters (timers with histograms) cost about 100 KiB of
    // heap per export and one Prometheus series set each (bench/RESULTS.md, 1,000 exports).
    watchdog = new ReconcileWatchdog(MicrometerMetrics.withoutPerResourceMetrics(registry), clock, STUCK_RECONCILE);
    operator = new Operator(o -> {
      o.withKubernetesClient(client)
          .withCloseClientOnStop(false)
          .withCacheSyncTimeout(CACHE_SYNC_TIMEOUT)
          .withUseSSAToPatchPrimaryResource(false)
          .withSSABasedCreateUpdateMatchForDependentResources(false)
          .withMetrics(watchdog);
      if (settings.leaderElection()) {
        // JOSDK would exit from inside close() too, and System.exit in the SIGTERM hook blocks until SIGKILL
        // instead of releasing the Lease: exit only when the Lease is lost while running.
        o.withLeaderElectionConfiguration(LeaderElectionConfigurationBuilder
            .aLeaderElectionConfiguration(OperatorSettings.LEASE_NAME).withLeaseNamespace(settings.leaseNamespace())
            .withExitOnStopLeading(false)
            .withLeaderCallbacks(new LeaderCallbacks(() -> { }, this::leaseLost, leader -> { }))
            .build());
      }
    });
    EventRecorder recorder = new EventRecorder(client, clock);
    validations = new CredentialValidations(new CredentialProbe(clock), clock, retries.probeTimeout(),
        retries.firstProbeRetry(), ambient);
    operator.register(new ExportReconciler(client, validations, recorder, new ExportMetrics(registry),
        settings.exporterImage(), settings.allowEndpointOverrides(), settings.allowWorkloadIdentity(), clock,
        new TransferDelivery(transfers, ambient), transferPoll, retries.applyRetry()),
        c -> watch(c.withName("bigqueryexport")
        // Packed: 10,000 exports with their run history did not fit the chart's heap as Java objects.
        .withItemStore(ExportStore.create(client.getKubernetesSerialization()))
        // The run-now annotation changes no generation: the filter lets it through, and no status write.
        .withGenerationAware(false)
        .withOnUpdateFilter(new ExportUpdateFilter())
        // Deletions too, so what is kept in memory about an export (probes, Event counts, metrics) goes with it.
        .withTriggerReconcilerOnAllEvents(true)));
    operator.register(new BackfillReconciler(client, recorder, settings.exporterImage(), clock, transfers, ambient),
        c -> watch(c.withName("bigquerybackfill").withTriggerReconcilerOnAllEvents(true)));
  }

  private void watch(io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider<?> config) {
    config.withInformerListLimit(OperatorSettings.LIST_PAGE);
    if (!settings.watchNamespaces().isEmpty()) {
      config.settingNamespaces(settings.watchNamespaces());
    }
  }

  /** Starts the health server first, so liveness holds while informers sync, then the reconcilers. */
  public BqExportOperator start() throws IOException {
    health = new HealthServer(settings.httpPort(), this::live, this::ready, registry);
    try {
      operator.start();
    } catch (RuntimeException e) {
      health.close();
      throw e;
    }
    LOG.info("bqexport operator started; watching {}; health and metrics on port {}",
        settings.watchNamespaces().isEmpty() ? "all namespaces" : settings.watchNamespaces(), health.port());
    return this;
  }

  /**
   * Live while no reconcile hangs and, once started, every informer is watching: with the chart's probe settings an
   * informer that stays disconnected for about 30 s gets a restart, which relists from scratch. Logs why not, since
   * the kubelet only sees the 503.
   */
  public boolean live() {
    var stuck = watchdog.stuck();
    if (stuck.isPresent()) {
      LOG.error("not live: the reconcile of {} has run for more than {}", stuck.get(), STUCK_RECONCILE);
      return false;
    }
    var runtime = operator.getRuntimeInfo();
    if (runtime.isStarted() && !runtime.allEventSourcesAreHealthy()) {
      LOG.error("not live: unhealthy informers {}", runtime.unhealthyEventSources().keySet());
      return false;
    }
    return true;
  }

  private void leaseLost() {
    if (!closing) {
      LOG.error("lost the Lease {}: exiting so that another replica reconciles alone", OperatorSettings.LEASE_NAME);
      System.exit(1);
    }
  }

  public boolean ready() {
    return operator.getRuntimeInfo().isStarted() && operator.getRuntimeInfo().allEventSourcesAreHealthy();
  }

  public int httpPort() {
    return health.port();
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  @Override
  public void close() {
    LOG.info("bqexport operator stopping");
    closing = true;
    operator.stop();
    validations.close();
    if (health != null) {
      health.close();
    }
  }
}
