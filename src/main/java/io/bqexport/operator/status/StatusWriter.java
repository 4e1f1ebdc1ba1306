package io.bqexport.operator.status;

import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a status only onto the version of the resource it was computed from, and lets the next reconcile see it.
 *
 * <p>Why not {@code UpdateControl.patchStatus}: with server-side apply off, JOSDK 5.2 sends a JSON patch (RFC 6902)
 * diffed against the informer's copy with the resourceVersion removed. That copy may not hold the operator's own
 * last write yet (the watch lags under load; JOSDK's docs on reconciler status updates say so), and the API server
 * applies the patch to whatever it stores: an {@code add /status} computed from a copy without status replaces the
 * newer one (a backfill lost its startedRange that way), and index ops on a list that changed meanwhile fail with
 * 422. Here the patch carries the resourceVersion it was computed from, which the API server checks (409 when the
 * object changed), and the written resource goes into JOSDK's cache for the next reconcile.
 */
public final class StatusWriter {
  /** When to reconcile again after a refused write; the informer brings the newer version meanwhile. */
  public static final Duration STALE_RETRY = Duration.ofSeconds(1);
  private static final Logger LOG = LoggerFactory.getLogger(StatusWriter.class);

  private StatusWriter() {}

  /**
   * Writes {@code next} as the status of {@code observed}, the resource as this reconcile read it.
   *
   * @return false when the resource changed since it was read: nothing was written; reconcile again on fresh data
   */
  public static <S, P extends CustomResource<?, S>> boolean write(P observed, S next, Context<P> context) {
    String readVersion = observed.getMetadata().getResourceVersion();
    P written;
    try {
      // editStatus diffs against a copy of observed and keeps observed's resourceVersion in the patch.
      written = context.getClient().resource(observed).editStatus(resource -> {
        resource.setStatus(next);
        resource.getMetadata().setResourceVersion(readVersion);
        return resource;
      });
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409 || e.getCode() == 422) {
        // Expected now and then under watch lag; the same resource logged every second means a write that can
        // never apply (a 422 that is not about a stale copy), which needs a look.
        LOG.info("status of {}/{} not written (HTTP {}: changed since version {} was read); reconciling again",
            observed.getMetadata().getNamespace(), observed.getMetadata().getName(), e.getCode(), readVersion);
        return false;
      }
      throw e;
    }
    context.eventSourceRetriever().getControllerEventSource()
        .handleRecentResourceUpdate(ResourceID.fromResource(observed), written, observed);
    return true;
  }
}
