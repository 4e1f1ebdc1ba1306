package io.bqexport.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which of the objects an informer maps to an owner by label is its child: the one of the child's name whose
 * controller reference names the owner. Labels anyone can copy, and two objects of a kind under one owner made
 * JOSDK's getSecondaryResource throw at every reconcile.
 */
class ControlledChildTest {
  private static final ConfigMap OWNER = new ConfigMapBuilder().withNewMetadata().withName("product-events")
      .withUid("owner-uid").endMetadata().build();

  private static CronJob cronJob(String name, String controllerUid, boolean controller) {
    var builder = new CronJobBuilder().withNewMetadata().withName(name).endMetadata();
    if (controllerUid != null) {
      builder.editMetadata().withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("v1")
          .withKind("ConfigMap").withName("product-events").withUid(controllerUid).withController(controller).build()).endMetadata();
    }
    return builder.build();
  }

  @Test
  void theChildIsTheOneOfItsNameTheOwnerControls() {
    CronJob own = cronJob("product-events", "owner-uid", true);
    List<CronJob> mapped = List.of(cronJob("product-events-decoy", "owner-uid", true),
        cronJob("product-events-copy", null, false), own);

    assertThat(ChildApplier.controlledChild(OWNER, "product-events", mapped)).containsSame(own);
  }

  @Test
  void anObjectOfTheNameTheOwnerDoesNotControlIsNoChild() {
    for (CronJob other : List.of(cronJob("product-events", null, false),
        cronJob("product-events", "owner-uid", false), cronJob("product-events", "another-uid", true))) {
      assertThat(ChildApplier.controlledChild(OWNER, "product-events", List.of(other))).isEmpty();
      assertThat(ControllerReference.controls(OWNER, other)).isFalse();
    }
    ConfigMap withoutUid = new ConfigMapBuilder().withNewMetadata().withName("product-events").endMetadata().build();
    assertThat(ControllerReference.controls(withoutUid, cronJob("product-events", "owner-uid", true)))
        .as("no uid yet").isFalse();
  }
}
