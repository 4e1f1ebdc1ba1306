package io.bqexport.operator.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.testing.ExportFixtures;
import io.bqexport.testing.RunHistoryFixtures;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobStatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pruned informer stores keep everything run history and child applying read, and drop the rest. */
class ExportChildStoresTest {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private final BigQueryExport export = ExportFixtures.export("analytics", "product-events", null);
  private final CronJob cronJob = RunHistoryFixtures.cronJob(export, "registry.test/bqexport:1");
  private final RunHistoryFixtures.FinishedRun run =
      RunHistoryFixtures.succeeded(export, cronJob, Instant.parse("2026-11-28T05:00:00Z"), 48_211);

  @Test
  void runHistoryReadsTheSameRunFromThePrunedJobAndPod() {
    var fromFullObjects = RunHistory.observe(List.of(run.job()), List.of(run.pod()));
    String resourceVersion = "17";
    Job job = stored(Job.class, run.job());
    Pod pod = stored(Pod.class, run.pod());

    assertThat(RunHistory.observe(List.of(job), List.of(pod))).isEqualTo(fromFullObjects);
    assertThat(RunHistory.observe(List.of(job), List.of(pod)).get(0).record().rows()).isEqualTo(48_211L);
    assertThat(job.getSpec()).as("the Job's template is not kept").isNull();
    assertThat(pod.getSpec()).as("the Pod's spec is not kept").isNull();
    assertThat(pod.getMetadata().getName()).isEqualTo(run.pod().getMetadata().getName());
    assertThat(pod.getMetadata().getResourceVersion()).isEqualTo(resourceVersion);
  }

  @Test
  void theCronJobKeepsWhatApplyingAndRunNowReadButNotItsStatus() {
    cronJob.getMetadata().setAnnotations(Map.of("bqexport.io/desired-hash", "abc"));
    cronJob.getMetadata().setOwnerReferences(List.of(new io.fabric8.kubernetes.api.model.OwnerReferenceBuilder()
        .withApiVersion("bqexport.io/v1alpha1").withKind("BigQueryExport").withName("product-events")
        .withUid("u-1").withController(true).build()));
    cronJob.setStatus(new CronJobStatusBuilder().withLastScheduleTime("2026-11-28T09:05:00Z").build());

    // As the API returns it: the round trip through JSON turns absent lists into empty ones.
    CronJob read = SERIALIZATION.unmarshal(SERIALIZATION.asJson(cronJob), CronJob.class);
    var annotations = cronJob.getMetadata().getAnnotations();
    CronJob kept = stored(CronJob.class, cronJob);
    assertThat(kept.getSpec()).isEqualTo(read.getSpec());
    assertThat(kept.getMetadata().getAnnotations()).isEqualTo(annotations);
    assertThat(kept.getMetadata().getOwnerReferences()).isEqualTo(cronJob.getMetadata().getOwnerReferences());
    assertThat(kept.getMetadata().getLabels()).isEqualTo(cronJob.getMetadata().getLabels());
    assertThat(kept.getStatus()).isNull();
  }

  @Test
  void theConfigMapKeepsItsDataAndAnnotations() {
    var configMap = ExporterConfigMap.desired(export, Instant.parse("2026-11-28T10:00:00Z"));
    configMap.getMetadata().setAnnotations(Map.of("bqexport.io/desired-hash", "abc"));
    var data = Map.copyOf(configMap.getData());
    var kept = stored(io.fabric8.kubernetes.api.model.ConfigMap.class, configMap);
    assertThat(kept.getData()).isEqualTo(data);
    assertThat(kept.getMetadata().getAnnotations()).isEqualTo(Map.of("bqexport.io/desired-hash", "abc"));
  }

  @Test
  void finishedJobsExpireAfterADaySoRunNowJobsDoNotPileUp() {
    assertThat(cronJob.getSpec().getJobTemplate().getSpec().getTtlSecondsAfterFinished()).isEqualTo(86_400);
    assertThat(RunNow.job(export, cronJob, "1700000000").getSpec().getTtlSecondsAfterFinished()).isEqualTo(86_400);
  }

  @Test
  void theObjectHandedToTheEventHandlersLosesWhatNoHandlerReads() {
    var managed = List.of(new io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder().withManager("kube").build());
    Job job = run.job();
    job.getMetadata().setManagedFields(managed);
    stored(Job.class, job);
    assertThat(job.getSpec()).isNull();
    assertThat(job.getStatus()).isNull();
    assertThat(job.getMetadata().getManagedFields()).isNull();
    assertThat(job.getMetadata().getLabels()).as("labels map it to its export").isNotEmpty();

    Pod pod = run.pod();
    stored(Pod.class, pod);
    assertThat(pod.getSpec()).isNull();
    assertThat(pod.getStatus()).isNull();

    cronJob.setStatus(new CronJobStatusBuilder().withLastScheduleTime("2026-11-28T09:05:00Z").build());
    stored(CronJob.class, cronJob);
    assertThat(cronJob.getSpec()).isNull();
    assertThat(cronJob.getStatus()).isNull();

    var configMap = ExporterConfigMap.desired(export, Instant.parse("2026-11-28T10:00:00Z"));
    configMap.setBinaryData(Map.of("blob", "AAAA"));
    stored(io.fabric8.kubernetes.api.model.ConfigMap.class, configMap);
    assertThat(configMap.getData()).isNull();
    assertThat(configMap.getBinaryData()).isNull();
    assertThat(ExportChildStores.fields(io.fabric8.kubernetes.api.model.ConfigMap.class)).contains("data",
        "binaryData", "metadata.annotations");
  }

  @Test
  void onlyTheFourChildKindsHaveAStore() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ExportChildStores.fields(
        io.fabric8.kubernetes.api.model.Secret.class)).hasMessage("no pruned store for Secret");
  }

  private static <R extends io.fabric8.kubernetes.api.model.HasMetadata> R stored(Class<R> type, R full) {
    full.getMetadata().setResourceVersion("17");
    ItemStore<R> store = ExportChildStores.of(type, SERIALIZATION);
    String key = store.getKey(full);
    store.put(key, full);
    return store.get(key);
  }
}
