package io.bqexport.operator.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.testing.ExportFixtures;
import io.bqexport.testing.RunHistoryFixtures;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The packed store gives back what was put (the kept fields), forgets what is removed, and follows a relist. */
class PackedItemStoreTest {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private final BigQueryExport export = ExportFixtures.export("analytics", "product-events", null);
  private final CronJob cronJob = RunHistoryFixtures.cronJob(export, "registry.test/bqexport:1");
  private final PackedItemStore<Pod> pods = ExportChildStores.of(Pod.class, SERIALIZATION);
  private final PackedItemStore<Job> jobs = ExportChildStores.of(Job.class, SERIALIZATION);

  @Test
  void keptFieldsRoundTripAndTheRestIsDropped() {
    RunHistoryFixtures.FinishedRun run = run(5, 48_211);
    run.pod().getMetadata().setResourceVersion("17");
    Pod expected = new PodBuilder(run.pod()).withSpec(null).editMetadata().withManagedFields(List.of()).endMetadata()
        .editStatus().withPhase(null).withStartTime(null).withHostIP(null).withPodIP(null).endStatus().build();
    Pod pod = put(pods, run.pod());

    assertThat(pod.getMetadata()).isEqualTo(expected.getMetadata());
    assertThat(pod.getStatus().getContainerStatuses()).isEqualTo(expected.getStatus().getContainerStatuses());
    assertThat(pod.getSpec()).isNull();
    assertThat(pod.getStatus().getPhase()).as("not read, not kept").isNull();
    assertThat(run.pod().getSpec()).as("the informer's own object, next handed to the event handlers, is slimmed")
        .isNull();
    assertThat(run.pod().getStatus()).isNull();
    assertThat(run.pod().getMetadata().getLabels()).as("JOSDK maps a child by its labels")
        .isEqualTo(pod.getMetadata().getLabels());
  }

  @Test
  void runsThatDifferFromTheDictionaryKeepTheirFailureReasons() {
    RunHistoryFixtures.FinishedRun first = run(1, 10);
    put(jobs, first.job()); // the dictionary
    put(pods, first.pod());

    RunHistoryFixtures.FinishedRun live = run(2, 0);
    Job running = new JobBuilder(live.job()).editStatus().withCompletionTime(null).withConditions(List.of())
        .endStatus().build();
    Pod pulling = new PodBuilder(live.pod()).editStatus().editFirstContainerStatus()
        .withState(new ContainerStateBuilder().withNewWaiting().withReason("ImagePullBackOff")
            .withMessage("Back-off pulling image").endWaiting().build())
        .endContainerStatus().endStatus().build();
    assertSameRun(running, pulling, "ImagePullBackOff");

    RunHistoryFixtures.FinishedRun oom = run(3, 0);
    Job failed = new JobBuilder(oom.job()).editStatus().withConditions(new JobConditionBuilder().withType("Failed")
        .withStatus("True").withReason("BackoffLimitExceeded").withMessage("Job has reached the specified backoff"
            + " limit").build()).endStatus().build();
    Pod killed = new PodBuilder(oom.pod()).editStatus().editFirstContainerStatus()
        .withState(new ContainerStateBuilder().withNewTerminated().withExitCode(137).withReason("OOMKilled")
            .endTerminated().build())
        .endContainerStatus().endStatus().build();
    assertSameRun(failed, killed, "OOMKilled");

    RunHistoryFixtures.FinishedRun evicted = run(4, 0);
    Pod gone = new PodBuilder(evicted.pod()).editStatus().withReason("Evicted")
        .withMessage("The node was low on resource: memory.").withContainerStatuses(List.of()).endStatus().build();
    assertSameRun(failed.toBuilder().editMetadata().withName(evicted.job().getMetadata().getName())
        .withUid(evicted.job().getMetadata().getUid()).endMetadata().build(), gone, "Evicted");
  }

  @Test
  void removeAndRelistFollowTheInformer() {
    RunHistoryFixtures.FinishedRun a = run(1, 10);
    RunHistoryFixtures.FinishedRun b = run(2, 20);
    String keyA = jobs.getKey(a.job());
    String keyB = jobs.getKey(b.job());
    put(jobs, a.job());
    put(jobs, b.job());
    assertThat(jobs.size()).isEqualTo(2);
    assertThat(jobs.keySet()).containsExactlyInAnyOrder(keyA, keyB);
    assertThat(keyA).isEqualTo("analytics/" + a.job().getMetadata().getName());

    // A relist brings a new version: put answers the old one, as the informer's update event needs.
    Job newer = new JobBuilder(a.job()).editMetadata().withResourceVersion("18").endMetadata().build();
    Job old = jobs.put(keyA, newer);
    assertThat(old.getMetadata().getResourceVersion()).isEqualTo("17");
    assertThat(jobs.get(keyA).getMetadata().getResourceVersion()).isEqualTo("18");

    Job removed = jobs.remove(keyB);
    assertThat(removed.getMetadata().getName()).isEqualTo(b.job().getMetadata().getName());
    assertThat(jobs.get(keyB)).isNull();
    assertThat(jobs.remove(keyB)).isNull();
    assertThat(jobs.values().map(j -> j.getMetadata().getName())).containsExactly(a.job().getMetadata().getName());
  }

  @Test
  void theSampleChildOfEachKindMakesItsChildrenPackSmaller() {
    RunHistoryFixtures.FinishedRun run = run(3, 1_234);
    var configMap = ExporterConfigMap.desired(export, Instant.parse("2026-11-28T10:00:00Z"));
    assertPacksSmallerWithItsSample(Job.class, run.job(), new Job());
    assertPacksSmallerWithItsSample(Pod.class, run.pod(), new Pod());
    assertPacksSmallerWithItsSample(CronJob.class, cronJob, new CronJob());
    assertPacksSmallerWithItsSample(io.fabric8.kubernetes.api.model.ConfigMap.class, configMap,
        new io.fabric8.kubernetes.api.model.ConfigMap());
  }

  @Test
  void aChildWithAlmostNothingKeptPacksAndUnpacks() {
    // {"metadata":{"namespace":"b","name":"a"}}: smaller than any buffer estimate made from its size.
    Job tiny = new JobBuilder().withNewMetadata().withNamespace("b").withName("a").endMetadata().build();
    String key = jobs.getKey(tiny);
    jobs.put(key, tiny);
    assertThat(jobs.get(key).getMetadata().getName()).isEqualTo("a");
  }

  @Test
  void initialAddEventsGoOutPageByPage() {
    assertThat(jobs.isFullState()).as("the informer must not wait for the complete list").isFalse();
  }

  private static <R extends io.fabric8.kubernetes.api.model.HasMetadata> void assertPacksSmallerWithItsSample(
      Class<R> type, R child, R empty) {
    child.getMetadata().setResourceVersion("17");
    R copy = SERIALIZATION.clone(child);
    PackedItemStore<R> withSample = ExportChildStores.of(type, SERIALIZATION);
    PackedItemStore<R> withoutSample = new PackedItemStore<>(type, SERIALIZATION, ExportChildStores.fields(type),
        empty, c -> { });
    String key = withSample.getKey(child);
    withSample.put(key, child);
    withoutSample.put(key, copy);
    assertThat(withSample.packedSize(key)).as(type.getSimpleName() + ": packed with the sample as dictionary")
        .isLessThan(withoutSample.packedSize(key) * 3 / 4);
    assertThat(withSample.get(key)).as("and unpacked alike").isEqualTo(withoutSample.get(key));
  }

  private void assertSameRun(Job job, Pod pod, String reason) {
    RunHistory.Run fromFull = RunHistory.observe(List.of(job), List.of(pod)).get(0);
    RunHistory.Run fromPacked = RunHistory.observe(List.of(put(jobs, job)), List.of(put(pods, pod))).get(0);
    assertThat(fromPacked).isEqualTo(fromFull);
    assertThat(fromPacked.record().reason()).isEqualTo(reason);
  }

  private RunHistoryFixtures.FinishedRun run(int hoursAgo, long rows) {
    return RunHistoryFixtures.succeeded(export, cronJob,
        Instant.parse("2026-11-28T12:00:00Z").minusSeconds(3600L * hoursAgo), rows);
  }

  private static <R extends io.fabric8.kubernetes.api.model.HasMetadata> R put(PackedItemStore<R> store, R item) {
    item.getMetadata().setResourceVersion("17");
    String key = store.getKey(item);
    store.put(key, item);
    assertThat(store.packedSize(key)).isPositive();
    return store.get(key);
  }
}
