package io.bqexport.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.api.reconciler.RetryInfo;
import io.javaoperatorsdk.operator.processing.Controller;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Watches the reconcile loop for liveness: JOSDK reports each reconcile's start and end here (as the {@link Metrics}
 * it is given, passing everything on to the real metrics), and a reconcile running longer than {@code stuckAfter}
 * means the loop hangs (a blocked call, a deadlock): a restart is the remedy.
 */
public final class ReconcileWatchdog implements Metrics {
  private final Metrics delegate;
  private final Clock clock;
  private final Duration stuckAfter;
  private final Map<String, Instant> running = new ConcurrentHashMap<>();

  public ReconcileWatchdog(Metrics delegate, Clock clock, Duration stuckAfter) {
    this.delegate = delegate;
    this.clock = clock;
    this.stuckAfter = stuckAfter;
  }

  /** The reconcile that has run longer than allowed, if any, as "Kind namespace/name". */
  public Optional<String> stuck() {
    Instant limit = clock.instant().minus(stuckAfter);
    return running.entrySet().stream().filter(e -> e.getValue().isBefore(limit)).map(Map.Entry::getKey).findFirst();
  }

  @Override
  public void reconciliationExecutionStarted(HasMetadata resource, Map<String, Object> metadata) {
    running.put(key(resource), clock.instant());
    delegate.reconciliationExecutionStarted(resource, metadata);
  }

  @Override
  public void reconciliationExecutionFinished(HasMetadata resource, Map<String, Object> metadata) {
    running.remove(key(resource));
    delegate.reconciliationExecutionFinished(resource, metadata);
  }

  private static String key(HasMetadata resource) {
    return resource.getKind() + " " + resource.getMetadata().getNamespace() + "/" + resource.getMetadata().getName();
  }

  @Override
  public void controllerRegistered(Controller<? extends HasMetadata> controller) {
    delegate.controllerRegistered(controller);
  }

  @Override
  public void receivedEvent(Event event, Map<String, Object> metadata) {
    delegate.receivedEvent(event, metadata);
  }

  @Override
  public void reconcileCustomResource(HasMetadata resource, RetryInfo retryInfo, Map<String, Object> metadata) {
    delegate.reconcileCustomResource(resource, retryInfo, metadata);
  }

  @Override
  public void failedReconciliation(HasMetadata resource, Exception exception, Map<String, Object> metadata) {
    delegate.failedReconciliation(resource, exception, metadata);
  }

  @Override
  public void cleanupDoneFor(ResourceID resourceID, Map<String, Object> metadata) {
    delegate.cleanupDoneFor(resourceID, metadata);
  }

  @Override
  public void finishedReconciliation(HasMetadata resource, Map<String, Object> metadata) {
    delegate.finishedReconciliation(resource, metadata);
  }

  @Override
  public <T> T timeControllerExecution(ControllerExecution<T> execution) throws Exception {
    return delegate.timeControllerExecution(execution);
  }

  @Override
  public <T extends Map<?, ?>> T monitorSizeOf(T map, String name) {
    return delegate.monitorSizeOf(map, name);
  }
}
