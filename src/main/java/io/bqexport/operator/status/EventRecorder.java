package io.bqexport.operator.status;

import io.bqexport.Hashes;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records Kubernetes Events for status transitions. The event name is derived from the object and the reason, so a
 * repeated transition bumps the count of one Event instead of adding another, as client-go's recorder does. An
 * Event the API server has expired (after an hour, by default) is created again. Events are best effort: failing to
 * record one never fails a reconcile.
 */
public final class EventRecorder {
  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
  public static final String COMPONENT = "bqexport-operator";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Event names are DNS subdomains: at most 253 characters. */
  private static final int MAX_NAME = 253;

  private final KubernetesClient client;
  private final Clock clock;
  /**
   * Counts of the events this process recorded, by involved object (uid) and event name, so a repeat needs only a
   * patch (RBAC: create and patch), and everything about an object can be forgotten when it is deleted.
   */
  private final Map<String, Map<String, Integer>> counts = new ConcurrentHashMap<>();

  public EventRecorder(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  /** Drops what this process remembers about a deleted object's Events. */
  public void forget(HasMetadata object) {
    counts.remove(object.getMetadata().getUid());
  }

  public void normal(HasMetadata object, String reason, String message) {
    record(object, "Normal", reason, message);
  }

  public void warning(HasMetadata object, String reason, String message) {
    record(object, "Warning", reason, message);
  }

  /**
   * A Normal Event of its own for one occurrence (e.g. one repaired hour), named by the reason and the occurrence,
   * so that occurrences do not overwrite each other's message as repeats of a transition do.
   */
  public void normal(HasMetadata object, String reason, String occurrence, String message) {
    record(object, name(object, reason + "/" + occurrence), "Normal", reason, message);
  }

  /** A Warning Event of its own for one occurrence (e.g. one failed transfer run). */
  public void warning(HasMetadata object, String reason, String occurrence, String message) {
    record(object, name(object, reason + "/" + occurrence), "Warning", reason, message);
  }

  private void record(HasMetadata object, String type, String reason, String message) {
    record(object, name(object, reason), type, reason, message);
  }

  private void record(HasMetadata object, String name, String type, String reason, String message) {
    String namespace = object.getMetadata().getNamespace();
    String now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
    Map<String, Integer> ofObject = counts.computeIfAbsent(object.getMetadata().getUid(),
        k -> new ConcurrentHashMap<>());
    try {
      Integer count = ofObject.get(name);
      if (count == null) {
        if (create(object, name, type, reason, message, now)) {
          ofObject.put(name, 1);
          return;
        }
        count = 1; // recorded before this process started; its count is unknown here, so continue from 1
      }
      ofObject.put(name, count + 1);
      String patch = JSON.createObjectNode().put("count", count + 1).put("lastTimestamp", now).put("message", message)
          .toString();
      // Patching through an item (not withName) saves the GET fabric8 would do first; RBAC grants no get.
      Event target = new EventBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata().build();
      try {
        client.v1().events().inNamespace(namespace).resource(target).patch(PatchContext.of(PatchType.JSON_MERGE),
            patch);
      } catch (KubernetesClientException e) {
        if (e.getCode() != 404) {
          throw e;
        }
        // The API server expired it: a new Event, counted from 1 again.
        create(object, name, type, reason, message, now);
        ofObject.put(name, 1);
      }
    } catch (KubernetesClientException e) {
      LOG.warn("could not record event {} on {}/{}: {}", reason, namespace, object.getMetadata().getName(),
          e.getMessage());
    }
  }

  /** @return false when an Event of that name exists already */
  private boolean create(HasMetadata object, String name, String type, String reason, String message, String now) {
    try {
      client.v1().events().inNamespace(object.getMetadata().getNamespace())
          .resource(newEvent(object, name, type, reason, message, now)).create();
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      return false;
    }
  }

  /** {@code <object>.<hash of uid and reason>}, the object's name shortened when the whole would be too long. */
  static String name(HasMetadata object, String reason) {
    String suffix = "." + Hashes.sha256Hex(object.getMetadata().getUid() + "/" + reason, 12);
    String base = object.getMetadata().getName();
    if (base.length() + suffix.length() > MAX_NAME) {
      base = base.substring(0, MAX_NAME - suffix.length()).replaceAll("[-.]+$", "");
    }
    return base + suffix;
  }

  private static Event newEvent(HasMetadata object, String name, String type, String reason, String message,
      String now) {
    String namespace = object.getMetadata().getNamespace();
    return new EventBuilder()
        .withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
        .withInvolvedObject(new ObjectReferenceBuilder().withApiVersion(object.getApiVersion())
            .withKind(object.getKind()).withName(object.getMetadata().getName()).withNamespace(namespace)
            .withUid(object.getMetadata().getUid()).withResourceVersion(object.getMetadata().getResourceVersion())
            .build())
        .withType(type).withReason(reason).withMessage(message).withCount(1)
        .withFirstTimestamp(now).withLastTimestamp(now)
        .withNewSource().withComponent(COMPONENT).endSource()
        .withReportingComponent(COMPONENT)
        .build();
  }
}
