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
  /** When to try again after the API server rejected the status itself: it will not pass until the operator changes. */
  public static final Duration REJECTED_RETRY = Duration.ofMinutes(5);
  /** The Warning Event for a status the API server rejects whatever the resource's version. */
  public static final String REJECTED = "StatusRejected";
  private static final int MAX_MESSAGE = 512;
  private static final Logger LOG = LoggerFactory.getLogger(StatusWriter.class);

  /** What became of a write. */
  public enum Outcome {
    WRITTEN,
    /** The resource changed since it was read: nothing was written; reconcile again on fresh data. */
    STALE,
    /** The API server refused this status on the version it was computed from; a Warning Event says why. */
    REJECTED
  }

  private StatusWriter() {}

  /**
   * Writes {@code next} as the status of {@code observed}, the resource as this reconcile read it. A 422 on an
   * unchanged resource is no stale copy but a status the API server will never accept (e.g. one that breaks the
   * CRD's schema): it is told as a Warning Event and retried after {@link #REJECTED_RETRY}, not every second.
   */
  public static <S, P extends CustomResource<?, S>> Outcome write(P observed, S next, Context<P> context,
      EventRecorder recorder) {
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
      if (e.getCode() == 422 && unchangedSince(observed, readVersion, context)) {
        String message = rejection(e);
        LOG.warn("status of {}/{} rejected by the API server at version {}: {}", observed.getMetadata().getNamespace(),
            observed.getMetadata().getName(), readVersion, message);
        recorder.warning(observed, REJECTED, "The API server rejected the status the operator computed (" + message
            + "). The operator goes on and tries again every " + REJECTED_RETRY.toMinutes() + " minutes; this is an "
            + "operator bug: report it with the operator's version and this message.");
        return Outcome.REJECTED;
      }
      if (e.getCode() == 409 || e.getCode() == 422) {
        LOG.info("status of {}/{} not written (HTTP {}: changed since version {} was read); reconciling again",
            observed.getMetadata().getNamespace(), observed.getMetadata().getName(), e.getCode(), readVersion);
        return Outcome.STALE;
      }
      throw e;
    }
    context.eventSourceRetriever().getControllerEventSource()
        .handleRecentResourceUpdate(ResourceID.fromResource(observed), written, observed);
    return Outcome.WRITTEN;
  }

  /** A JSON patch fails with 422 too when the stored list it indexes changed: then the version moved on. */
  private static <P extends CustomResource<?, ?>> boolean unchangedSince(P observed, String readVersion,
      Context<P> context) {
    try {
      P current = context.getClient().resource(observed).get();
      return current != null && readVersion.equals(current.getMetadata().getResourceVersion());
    } catch (KubernetesClientException e) {
      return false;
    }
  }

  /** The API server's own message (names the field), bounded; the status carries no Secret content. */
  private static String rejection(KubernetesClientException e) {
    String message = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage()
        : "HTTP 422";
    return message.length() <= MAX_MESSAGE ? message : message.substring(0, MAX_MESSAGE) + "...";
  }
}
