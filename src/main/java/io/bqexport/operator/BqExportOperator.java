package io.bqexport.operator;

import io.bqexport.operator.backfill.BackfillReconciler;
import io.bqexport.operator.export.ExportReconciler;
import io.bqexport.bigquery.CredentialProbe;
import io.bqexport.operator.export.CredentialValidations;
import io.bqexport.operator.export.ExportMetrics;
import io.bqexport.operator.status.EventRecorder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator process: both reconcilers on one JOSDK Operator, plus health and metrics. Server-side apply is off
 * everywhere (DESIGN section 7): the tests' mock API server rejects it, and production runs the same code.
 */
public final class BqExportOperator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BqExportOperator.class);

  private final Operator operator;
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final OperatorSettings settings;
  private final CredentialValidations validations;
  private HealthServer health;

  public BqExportOperator(KubernetesClient client, OperatorSettings settings, Clock clock) {
    this.settings = settings;
    new JvmMemoryMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    operator = new Operator(o -> {
      o.withKubernetesClient(client)
          .withCloseClientOnStop(false)
          .withUseSSAToPatchPrimaryResource(false)
          .withSSABasedCreateUpdateMatchForDependentResources(false)
          // Per controller, not per resource: per-resource meters (timers with histograms) cost about 100 KiB of
          // heap per export and one Prometheus series set each (bench/RESULTS.md, 1,000 exports).
          .withMetrics(MicrometerMetrics.withoutPerResourceMetrics(registry));
      if (settings.leaderElection()) {
        o.withLeaderElectionConfiguration(
            new LeaderElectionConfiguration(OperatorSettings.LEASE_NAME, settings.leaseNamespace()));
      }
    });
    EventRecorder recorder = new EventRecorder(client, clock);
    validations = new CredentialValidations(new CredentialProbe(clock), clock);
    operator.register(new ExportReconciler(client, validations, recorder, new ExportMetrics(registry),
        settings.exporterImage(), clock), c -> watch(c.withName("bigqueryexport")
        // The run-now annotation changes no generation: annotation changes must reach the reconciler too.
        .withGenerationAware(false)));
    operator.register(new BackfillReconciler(client, recorder, settings.exporterImage(), clock), c -> watch(c.withName("bigquerybackfill")));
  }

  private void watch(io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider<?> config) {
    if (!settings.watchNamespaces().isEmpty()) {
      config.settingNamespaces(settings.watchNamespaces());
    }
  }

  /** Starts the health server first, so liveness holds while informers sync, then the reconcilers. */
  public BqExportOperator start() throws IOException {
    health = new HealthServer(settings.httpPort(), () -> true, this::ready, registry);
    operator.start();
    LOG.info("bqexport operator started; watching {}; health and metrics on port {}",
        settings.watchNamespaces().isEmpty() ? "all namespaces" : settings.watchNamespaces(), health.port());
    return this;
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
    operator.stop();
    validations.close();
    if (health != null) {
      health.close();
    }
  }
}
