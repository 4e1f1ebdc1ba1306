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
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records Kubernetes Events for status transitions. The event name is derived from the object and the reason, so a
 * repeated transition bumps the count of one Event instead of adding another, as client-go's recorder does.
 * Events are best effort: failing to record one never fails a reconcile.
 */
public final class EventRecorder {
  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
  public static final String COMPONENT = "bqexport-operator";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final KubernetesClient client;
  /** Counts of the events this process recorded, so a repeat needs only a patch (RBAC: create and patch). */
  private final Map<String, Integer> counts = new ConcurrentHashMap<>();

  private final Clock clock;

  public EventRecorder(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  public void normal(HasMetadata object, String reason, String message) {
    record(object, "Normal", reason, message);
  }

  public void warning(HasMetadata object, String reason, String message) {
    record(object, "Warning", reason, message);
  }

  private void record(HasMetadata object, String type, String reason, String message) {
    String namespace = object.getMetadata().getNamespace();
    String name = object.getMetadata().getName() + "." + Hashes.sha256Hex(object.getMetadata().getUid() + "/" + reason, 12);
    String now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
    try {
      Integer count = counts.get(name);
      if (count == null) {
        try {
          client.v1().events().inNamespace(namespace).resource(newEvent(object, name, type, reason, message, now))
              .create();
          counts.put(name, 1);
          return;
        } catch (KubernetesClientException e) {
          if (e.getCode() != 409) {
            throw e;
          }
          count = 1; // recorded before this process started; its count is unknown here, so continue from 1
        }
      }
      counts.put(name, count + 1);
      String patch = JSON.createObjectNode().put("count", count + 1).put("lastTimestamp", now).put("message", message)
          .toString();
      // Patching through an item (not withName) saves the GET fabric8 would do first; RBAC grants no get.
      Event target = new EventBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata().build();
      client.v1().events().inNamespace(namespace).resource(target).patch(PatchContext.of(PatchType.JSON_MERGE), patch);
    } catch (KubernetesClientException e) {
      LOG.warn("could not record event {} on {}/{}: {}", reason, namespace, object.getMetadata().getName(),
          e.getMessage());
    }
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
