package io.bqexport.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.testing.KubernetesStandIn;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Events against the Kubernetes API stand-in: repeats are counted, expired ones come back, names stay legal. */
class EventRecorderTest {
  private static final String NS = "events";

  private KubernetesStandIn kubernetes;
  private EventRecorder recorder;

  @BeforeEach
  void start() {
    kubernetes = new KubernetesStandIn().namespace(NS);
    recorder = new EventRecorder(kubernetes.client(), Clock.fixed(Instant.parse("2026-11-28T10:00:00Z"),
        ZoneOffset.UTC));
  }

  @AfterEach
  void stop() {
    kubernetes.close();
  }

  @Test
  void anEventTheApiServerExpiredIsCreatedAgain() {
    ConfigMap object = object("short");
    recorder.warning(object, "Broken", "first");
    recorder.warning(object, "Broken", "second");
    assertThat(events()).singleElement().satisfies(e -> assertThat(e.getCount()).isEqualTo(2));

    // The API server deletes Events after --event-ttl (1 h by default); the next patch would get 404.
    kubernetes.client().v1().events().inNamespace(NS).delete();
    recorder.warning(object, "Broken", "third");

    assertThat(events()).singleElement().satisfies(e -> {
      assertThat(e.getMessage()).isEqualTo("third");
      assertThat(e.getCount()).isEqualTo(1);
      assertThat(e.getLastTimestamp()).isEqualTo("2026-11-28T10:00:00Z");
    });
  }

  @Test
  void anObjectWithTheLongestNameStillGetsEvents() {
    ConfigMap object = object("a".repeat(253));
    recorder.normal(object, "Fine", "ok");
    assertThat(events()).singleElement().satisfies(e -> {
      assertThat(e.getMetadata().getName()).hasSizeLessThanOrEqualTo(253);
      assertThat(e.getInvolvedObject().getName()).isEqualTo("a".repeat(253));
    });
  }

  private ConfigMap object(String name) {
    return kubernetes.client().resource(new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace(NS)
        .endMetadata().build()).create();
  }

  private List<Event> events() {
    return kubernetes.client().v1().events().inNamespace(NS).list().getItems();
  }
}
