package io.bqexport.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.operator.status.EventRecorder;
import io.bqexport.testing.KubernetesStandIn;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The same desired child, whatever the iteration order of its maps, is not written again (e.g. after a restart). */
class ChildApplierHashTest {
  @Test
  void labelsInAnotherOrderAreTheSameWishAndWriteNothing() {
    try (KubernetesStandIn kubernetes = new KubernetesStandIn().namespace("analytics")) {
      var client = kubernetes.newOperatorClient();
      ConfigMap owner = client.resource(new ConfigMapBuilder().withNewMetadata().withName("owner")
          .withNamespace("analytics").endMetadata().build()).create();
      ChildApplier applier = new ChildApplier(client, new EventRecorder(client, Clock.systemUTC()));
      ConfigMap created = applier.apply(owner, child(ordered("a", "b", "c")), Optional.empty());

      ConfigMap again = applier.apply(owner, child(ordered("c", "a", "b")), Optional.of(created));
      assertThat(again.getMetadata().getResourceVersion()).isEqualTo(created.getMetadata().getResourceVersion());
      assertThat(kubernetes.requests()).noneMatch(r -> r.method().equals("PUT"));
    }
  }

  private static Map<String, String> ordered(String... keys) {
    Map<String, String> labels = new LinkedHashMap<>();
    for (String k : keys) {
      labels.put(k, "v-" + k);
    }
    return labels;
  }

  private static ConfigMap child(Map<String, String> labels) {
    return new ConfigMapBuilder().withNewMetadata().withName("child").withNamespace("analytics")
        .withLabels(labels).endMetadata().addToData("config.json", "{}").build();
  }
}
