package io.bqexport.operator.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.BigQueryExportStatus;
import io.bqexport.testing.ExportFixtures;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which run-now nonce is new, and the Job a run-now starts from the CronJob's template. */
class RunNowTest {

  private static BigQueryExport export(String nonce, String handled) {
    BigQueryExport export = ExportFixtures.export("team-a", "product-events", "5 * * * *");
    if (nonce != null) {
      export.getMetadata().setAnnotations(Map.of(RunNow.ANNOTATION, nonce));
    }
    if (handled != null) {
      export.setStatus(new BigQueryExportStatus(1L, List.of(), null, null, null, null, null, null, null, handled,
          null, null));
    }
    return export;
  }

  @Test
  void aNewNonceIsPendingOnceAndAHandledOrBlankOneIsNot() {
    assertThat(RunNow.pending(export("1700000000", null))).contains("1700000000");
    assertThat(RunNow.pending(export("1700000001", "1700000000"))).contains("1700000001");
    assertThat(RunNow.pending(export("1700000000", "1700000000"))).isEmpty();
    assertThat(RunNow.pending(export(" ", null))).isEmpty();
    assertThat(RunNow.pending(export("", null))).isEmpty();
    assertThat(RunNow.pending(export(null, null))).isEmpty();
    BigQueryExport otherAnnotation = export(null, null);
    otherAnnotation.getMetadata().setAnnotations(Map.of("team", "a"));
    assertThat(RunNow.pending(otherAnnotation)).isEqualTo(Optional.empty());
  }

  @Test
  void theJobIsNamedByTheNonceLabelledRunNowAndRetriesQuarantinedHours() {
    BigQueryExport export = export("1700000000", null);
    CronJob cronJob = ExportCronJob.desired(export, "bqexport:test", false);
    List<String> cronArgs = List.copyOf(cronJob.getSpec().getJobTemplate().getSpec().getTemplate().getSpec()
        .getContainers().get(0).getArgs());
    Map<String, String> cronLabels = Map.copyOf(cronJob.getSpec().getJobTemplate().getSpec().getTemplate()
        .getMetadata().getLabels());

    Job job = RunNow.job(export, cronJob, "1700000000");

    assertThat(job.getMetadata().getName()).isEqualTo("product-events-now-" + ChildNames.hash("1700000000"));
    assertThat(job.getMetadata().getNamespace()).isEqualTo("team-a");
    assertThat(job.getMetadata().getAnnotations()).containsEntry(RunNow.ANNOTATION, "1700000000");
    assertThat(job.getMetadata().getLabels()).containsEntry(ExportLabels.TRIGGER, "RunNow")
        .containsAllEntriesOf(ExportLabels.of(export));
    var pod = job.getSpec().getTemplate();
    assertThat(pod.getMetadata().getLabels()).isEqualTo(job.getMetadata().getLabels());
    assertThat(cronArgs).contains("export").doesNotContain(RunNow.RETRY_QUARANTINED);
    assertThat(pod.getSpec().getContainers().get(0).getArgs())
        .containsExactlyElementsOf(concat(cronArgs, RunNow.RETRY_QUARANTINED));
    assertThat(job.getSpec().getBackoffLimit()).isEqualTo(cronJob.getSpec().getJobTemplate().getSpec()
        .getBackoffLimit());

    // the CronJob (maybe the informer's cached object) is left as it was
    var cronPod = cronJob.getSpec().getJobTemplate().getSpec().getTemplate();
    assertThat(cronPod.getSpec().getContainers().get(0).getArgs()).isEqualTo(cronArgs);
    assertThat(cronPod.getMetadata().getLabels()).isEqualTo(cronLabels);
  }

  @Test
  void anotherNonceIsAnotherJobAndALongNameStaysWithinTheLimit() {
    BigQueryExport export = ExportFixtures.export("team-a", "x".repeat(52), "5 * * * *");
    CronJob cronJob = ExportCronJob.desired(export, "bqexport:test", false);
    String first = RunNow.job(export, cronJob, "1").getMetadata().getName();
    String second = RunNow.job(export, cronJob, "2").getMetadata().getName();
    assertThat(first).hasSizeLessThanOrEqualTo(63).isNotEqualTo(second);
    assertThat(RunNow.job(export, cronJob, "1").getMetadata().getName()).as("a retried reconcile finds it")
        .isEqualTo(first);
  }

  @Test
  void argumentsAlreadyRetryingOrOfAnotherCommandAreKept() {
    BigQueryExport export = export("1", null);
    CronJob cronJob = ExportCronJob.desired(export, "bqexport:test", false);
    var containers = cronJob.getSpec().getJobTemplate().getSpec().getTemplate().getSpec().getContainers();
    var sidecar = new io.fabric8.kubernetes.api.model.ContainerBuilder().withName("sidecar").build();
    var other = new io.fabric8.kubernetes.api.model.ContainerBuilder().withName("check").withArgs("verify").build();
    containers.get(0).setArgs(concat(containers.get(0).getArgs(), RunNow.RETRY_QUARANTINED));
    containers.add(sidecar);
    containers.add(other);

    var jobContainers = RunNow.job(export, cronJob, "1").getSpec().getTemplate().getSpec().getContainers();
    assertThat(jobContainers.get(0).getArgs()).containsOnlyOnce(RunNow.RETRY_QUARANTINED);
    assertThat(jobContainers.get(1).getArgs()).isEmpty();
    assertThat(jobContainers.get(2).getArgs()).containsExactly("verify");
  }

  private static List<String> concat(List<String> list, String last) {
    var all = new java.util.ArrayList<>(list);
    all.add(last);
    return all;
  }
}
