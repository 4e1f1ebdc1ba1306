package io.bqexport.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import org.junit.jupiter.api.Test;

/**
 * A controller reference names its owner as the garbage collector reads it: uid, kind, name and API group. The
 * owner's uid alone is no control: under another kind or group it points to a different object for Kubernetes.
 */
class ControllerReferenceTest {
  private static final BigQueryExport EXPORT = export();

  private static BigQueryExport export() {
    BigQueryExport export = new BigQueryExport();
    export.setMetadata(new ObjectMetaBuilder().withNamespace("analytics").withName("product-events")
        .withUid("uid-product-events").build());
    return export;
  }

  private static Job controlledAs(String apiVersion, String kind, String name, String uid) {
    return new JobBuilder().withNewMetadata().withName("run").addNewOwnerReference().withApiVersion(apiVersion)
        .withKind(kind).withName(name).withUid(uid).withController(true).endOwnerReference().endMetadata().build();
  }

  @Test
  void theExportControlsWhatItsReferenceNamesUnderAnyVersionOfItsGroup() {
    assertThat(EXPORT.getApiVersion()).isEqualTo("bqexport.io/v1alpha1");
    assertThat(ControllerReference.controls(EXPORT,
        controlledAs("bqexport.io/v1alpha1", "BigQueryExport", "product-events", "uid-product-events"))).isTrue();
    assertThat(ControllerReference.controls(EXPORT,
        controlledAs("bqexport.io/v1", "BigQueryExport", "product-events", "uid-product-events")))
        .as("written under another version of the group").isTrue();
  }

  @Test
  void theExportsUidUnderAnotherKindGroupOrNameIsNoControl() {
    String uid = EXPORT.getMetadata().getUid();
    for (Job forged : new Job[] {
        controlledAs("v1", "ConfigMap", "product-events", uid),
        controlledAs("evil.example/v1alpha1", "BigQueryExport", "product-events", uid),
        controlledAs("bqexport.io.evil.example/v1alpha1", "BigQueryExport", "product-events", uid),
        controlledAs("bqexport.io/v1alpha1", "BigQueryBackfill", "product-events", uid),
        controlledAs("bqexport.io/v1alpha1", "BigQueryExport", "other-export", uid),
        controlledAs(null, "BigQueryExport", "product-events", uid)}) {
      assertThat(ControllerReference.controls(EXPORT, forged)).as(forged.getMetadata().getOwnerReferences()
          .toString()).isFalse();
    }
  }

  @Test
  void anOwnerOnlyReferenceIsNoControl() {
    Job owned = new JobBuilder().withNewMetadata().withName("run").withOwnerReferences(new OwnerReferenceBuilder()
        .withApiVersion("bqexport.io/v1alpha1").withKind("BigQueryExport").withName("product-events")
        .withUid("uid-product-events").withController(false).build()).endMetadata().build();

    assertThat(ControllerReference.controls(EXPORT, owned)).isFalse();
  }

  @Test
  void groupsAreThePartBeforeTheSlashAndTheCoreGroupIsEmpty() {
    assertThat(ControllerReference.group("bqexport.io/v1alpha1")).contains("bqexport.io");
    assertThat(ControllerReference.group("batch/v1")).contains("batch");
    assertThat(ControllerReference.group("v1")).contains("");
    assertThat(ControllerReference.group(" ")).isEmpty();
  }
}
