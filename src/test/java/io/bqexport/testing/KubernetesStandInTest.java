package io.bqexport.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.operator.export.ExportLabels;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Preloaded objects are served like created ones: by name, and in lists selected by label. */
class KubernetesStandInTest {
  @Test
  void preloadedJobsAndPodsAreListedByLabelAndReadByName() {
    try (KubernetesStandIn kubernetes = new KubernetesStandIn().namespace("analytics")) {
      BigQueryExport export = ExportFixtures.export("analytics", "product-events", null);
      var cronJob = RunHistoryFixtures.cronJob(export, "registry.test/bqexport:1");
      var run = RunHistoryFixtures.succeeded(export, cronJob, Instant.parse("2026-11-28T05:00:00Z"), 10);
      kubernetes.preload(List.of(run.job(), run.pod()));

      List<Pod> pods = kubernetes.client().pods().inNamespace("analytics")
          .withLabel(ExportLabels.EXPORT, "product-events").list().getItems();
      assertThat(pods).singleElement().satisfies(p -> assertThat(p.getStatus().getContainerStatuses().get(0)
          .getState().getTerminated().getMessage()).contains("\"rows\":10"));
      assertThat(kubernetes.client().pods().inNamespace("analytics").withLabel(ExportLabels.EXPORT, "other").list()
          .getItems()).isEmpty();
      Job job = kubernetes.client().batch().v1().jobs().inNamespace("analytics")
          .withName(run.job().getMetadata().getName()).get();
      assertThat(job.getMetadata().getUid()).isEqualTo(run.job().getMetadata().getUid());
      assertThat(job.getStatus().getConditions()).singleElement().satisfies(c -> assertThat(c.getType())
          .isEqualTo("Complete"));
    }
  }
}
