package io.bqexport.operator.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.operator.ChildApplier;
import io.bqexport.operator.status.EventRecorder;
import io.bqexport.testing.ExportFixtures;
import io.bqexport.testing.KubernetesStandIn;
import io.bqexport.testing.RunHistoryFixtures;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Attacks on the packed child caches through real fabric8 informers against the Kubernetes API stand-in: one store
 * shared by the informers of two watched namespaces (as JOSDK does), hand edits the operator must see and put back,
 * run failures, odd termination messages, deletes, and a tenant's labelled object chosen as the dictionary.
 */
class PackedChildInformerTest {
  private static final String NS = "analytics";
  private static final String TENANT = "aaa-tenant";
  private static final Instant NOW = Instant.parse("2026-11-28T10:00:00Z");
  private static final String IMAGE = "registry.test/bqexport:1";

  private KubernetesStandIn kubernetes;
  private KubernetesSerialization serialization;
  private ChildApplier applier;
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
  private final BigQueryExport export = owned(ExportFixtures.export(NS, "product-events", null));

  @BeforeEach
  void start() {
    kubernetes = new KubernetesStandIn().namespace(NS).namespace(TENANT);
    serialization = kubernetes.client().getKubernetesSerialization();
    applier = new ChildApplier(kubernetes.client(), new EventRecorder(kubernetes.client(), Clock.fixed(NOW,
        ZoneOffset.UTC)));
  }

  @AfterEach
  void stop() {
    informers.forEach(SharedIndexInformer::stop);
    kubernetes.close();
  }

  @Test
  void aHandEditedCronJobIsSeenThroughThePackedCacheAndPutBackWithItsWholeJobTemplate() {
    PackedItemStore<CronJob> store = informed(CronJob.class);
    CronJob created = applier.apply(export, ExportCronJob.desired(export, IMAGE, false), Optional.empty());
    String key = Cache.metaNamespaceKeyFunc(created);

    CronJob edited = kubernetes.client().batch().v1().cronjobs().inNamespace(NS)
        .withName(created.getMetadata().getName()).edit(c -> {
          c.getSpec().setSchedule("0 0 * * *");
          c.getSpec().getJobTemplate().getSpec().getTemplate().getSpec().getContainers().get(0).setImage("evil:1");
          return c;
        });
    awaitVersion(store, key, edited);

    CronJob cached = store.get(key);
    assertThat(cached.getSpec().getJobTemplate()).as("run-now copies this template").isEqualTo(
        edited.getSpec().getJobTemplate());
    assertThat(cached.getMetadata().getOwnerReferences()).isEqualTo(edited.getMetadata().getOwnerReferences());

    applier.apply(export, ExportCronJob.desired(export, IMAGE, false), Optional.of(cached));
    CronJob live = kubernetes.client().resource(created).get();
    assertThat(live.getSpec().getSchedule()).isEqualTo(created.getSpec().getSchedule());
    assertThat(live.getSpec().getJobTemplate().getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo(IMAGE);
    assertThat(events()).extracting(Event::getReason).contains("ManualChangeReverted");
    assertThat(events()).extracting(Event::getMessage).anySatisfy(m -> assertThat(m).contains("spec.schedule"));
  }

  @Test
  void aHandEditedConfigMapIsSeenThroughThePackedCacheAndPutBack() {
    PackedItemStore<ConfigMap> store = informed(ConfigMap.class);
    ConfigMap created = applier.apply(export, ExporterConfigMap.desired(export, NOW), Optional.empty());
    String key = Cache.metaNamespaceKeyFunc(created);
    ConfigMap edited = kubernetes.client().configMaps().inNamespace(NS).withName(created.getMetadata().getName())
        .edit(c -> {
          c.getData().put(ExporterConfigMap.CONFIG_KEY, "{\"hacked\": true}");
          return c;
        });
    awaitVersion(store, key, edited);
    assertThat(store.get(key).getData()).isEqualTo(edited.getData());

    applier.apply(export, ExporterConfigMap.desired(export, NOW), Optional.of(store.get(key)));
    assertThat(kubernetes.client().resource(created).get().getData()).isEqualTo(created.getData());
    assertThat(events()).extracting(Event::getReason).contains("ManualChangeReverted");
  }

  @Test
  void podFailuresOddTerminationMessagesAndDeletesSurviveTheSharedStore() {
    PackedItemStore<Pod> store = informed(Pod.class);
    CronJob cronJob = RunHistoryFixtures.cronJob(export, IMAGE);
    String huge = "\"\\\u0000 \u00e9\u4e2d\ud83d\ude00 ".repeat(400); // 4 KB as the kubelet caps it, quoting and NULs
    Map<String, String> stateByPod = new HashMap<>();
    List<Pod> created = new ArrayList<>();
    for (int k = 0; k < 4; k++) {
      Pod pod = RunHistoryFixtures.succeeded(export, cronJob, NOW.minusSeconds(3600L * (k + 1)), 10 + k).pod();
      pod.getMetadata().setUid(null);
      pod.getMetadata().setResourceVersion(null);
      PodBuilder failed = new PodBuilder(pod);
      switch (k) {
        case 0 -> failed.editStatus().editFirstContainerStatus().withState(new ContainerStateBuilder()
            .withNewTerminated().withExitCode(1).withReason("Error").withMessage(huge).endTerminated().build())
            .endContainerStatus().endStatus();
        case 1 -> failed.editStatus().editFirstContainerStatus().withState(new ContainerStateBuilder()
            .withNewWaiting().withReason("ImagePullBackOff").endWaiting().build()).endContainerStatus().endStatus();
        case 2 -> failed.editStatus().editFirstContainerStatus().withState(new ContainerStateBuilder()
            .withNewTerminated().withExitCode(137).withReason("OOMKilled").endTerminated().build())
            .endContainerStatus().endStatus();
        default -> failed.editStatus().withReason("Evicted").withContainerStatuses(List.of()).endStatus();
      }
      Pod live = kubernetes.client().resource(failed.build()).create();
      created.add(live);
      stateByPod.put(Cache.metaNamespaceKeyFunc(live), serialization.asJson(live.getStatus().getContainerStatuses()));
    }
    for (Pod live : created) {
      String key = Cache.metaNamespaceKeyFunc(live);
      awaitVersion(store, key, live);
      Pod cached = store.get(key);
      assertThat(serialization.asJson(cached.getStatus().getContainerStatuses())).isEqualTo(stateByPod.get(key));
      assertThat(cached.getStatus().getReason()).isEqualTo(live.getStatus().getReason());
      assertThat(cached.getMetadata().getOwnerReferences()).isEqualTo(live.getMetadata().getOwnerReferences());
      assertThat(cached.getMetadata().getLabels()).isEqualTo(live.getMetadata().getLabels());
    }
    assertThat(store.get(Cache.metaNamespaceKeyFunc(created.get(0))).getStatus().getContainerStatuses().get(0)
        .getState().getTerminated().getMessage()).isEqualTo(huge);

    kubernetes.client().resource(created.get(0)).delete();
    await().atMost(Duration.ofMinutes(2)).until(() -> store.get(Cache.metaNamespaceKeyFunc(created.get(0))) == null);
    assertThat(store.size()).isEqualTo(3);
  }

  /**
   * A tenant who may create Pods in a namespace that sorts first labels one as an export's child: it is listed
   * first at every operator start, so it becomes the Pod dictionary for every export in the cluster. The runs of
   * other tenants must still pack to about what they cost with an ordinary dictionary.
   */
  @Test
  void aTenantsLabelledPodChosenAsDictionaryDoesNotInflateEveryoneElsesRuns() {
    PackedItemStore<Pod> store = informed(Pod.class);
    Random random = new Random(18);
    Map<String, String> junk = new HashMap<>(ExportLabels.of(owned(ExportFixtures.export(TENANT, "x", null))));
    for (int i = 0; i < 2_000; i++) {
      junk.put("junk.example/k" + i, Long.toString(random.nextLong() & Long.MAX_VALUE, 36));
    }
    Pod poison = kubernetes.client().resource(new PodBuilder().withNewMetadata().withName("poison")
        .withNamespace(TENANT).withLabels(junk).endMetadata().withNewSpec().addNewContainer().withName("c")
        .withImage("busybox").endContainer().endSpec().build()).create();
    awaitVersion(store, Cache.metaNamespaceKeyFunc(poison), poison);

    CronJob cronJob = RunHistoryFixtures.cronJob(export, IMAGE);
    PackedItemStore<Pod> ordinary = ExportChildStores.of(Pod.class, serialization);
    long poisoned = 0;
    long baseline = 0;
    for (int k = 0; k < 6; k++) {
      Pod pod = RunHistoryFixtures.succeeded(export, cronJob, NOW.minusSeconds(3600L * (k + 1)), 40_000 + k).pod();
      pod.getMetadata().setUid(null);
      pod.getMetadata().setResourceVersion(null);
      Pod live = kubernetes.client().resource(pod).create();
      String key = Cache.metaNamespaceKeyFunc(live);
      awaitVersion(store, key, live);
      assertThat(store.get(key).getStatus().getContainerStatuses()).isEqualTo(live.getStatus().getContainerStatuses());
      Pod copy = serialization.unmarshal(serialization.asJson(live), Pod.class);
      ordinary.put(key, copy);
      if (k > 0) { // the first is the ordinary store's own dictionary
        poisoned += store.packedSize(key);
        baseline += ordinary.packedSize(key);
      }
    }
    System.out.printf("packed bytes per run Pod: ordinary dictionary %d B, a tenant's as dictionary %d B%n",
        baseline / 5, poisoned / 5);
    assertThat(poisoned).as("bytes of 5 runs packed with the tenant's dictionary vs an ordinary one")
        .isLessThanOrEqualTo(2 * baseline);
  }

  /** Both namespaces' informers write the shared store at once while its dictionary is being chosen. */
  @Test
  void twoInformersFillingOneStoreAtOnceKeepEveryRunIntact() {
    PackedItemStore<Pod> store = informed(Pod.class);
    List<CompletableFuture<List<Pod>>> writers = new ArrayList<>();
    for (String namespace : List.of(TENANT, NS)) {
      BigQueryExport owner = owned(ExportFixtures.export(namespace, "e-" + namespace, null));
      CronJob cronJob = RunHistoryFixtures.cronJob(owner, IMAGE);
      writers.add(CompletableFuture.supplyAsync(() -> {
        List<Pod> made = new ArrayList<>();
        for (int k = 0; k < 40; k++) {
          Pod pod = RunHistoryFixtures.succeeded(owner, cronJob, NOW.minusSeconds(3600L * (k + 1)), k).pod();
          pod.getMetadata().setUid(null);
          pod.getMetadata().setResourceVersion(null);
          made.add(kubernetes.client().resource(pod).create());
        }
        return made;
      }));
    }
    List<Pod> all = writers.stream().flatMap(w -> w.join().stream()).toList();
    await().atMost(Duration.ofMinutes(2)).until(() -> store.size() == all.size());
    for (Pod live : all) {
      String key = Cache.metaNamespaceKeyFunc(live);
      awaitVersion(store, key, live);
      Pod cached = store.get(key);
      assertThat(cached.getStatus().getContainerStatuses()).isEqualTo(live.getStatus().getContainerStatuses());
      assertThat(cached.getMetadata().getLabels()).isEqualTo(live.getMetadata().getLabels());
      assertThat(cached.getMetadata().getOwnerReferences()).isEqualTo(live.getMetadata().getOwnerReferences());
    }
  }

  /** A store shared by one informer per watched namespace, as JOSDK configures it. */
  private <R extends HasMetadata> PackedItemStore<R> informed(Class<R> type) {
    PackedItemStore<R> store = ExportChildStores.of(type, serialization);
    for (String namespace : List.of(TENANT, NS)) {
      SharedIndexInformer<R> informer = kubernetes.newOperatorClient().resources(type).inNamespace(namespace)
          .withLabelSelector(ExportLabels.SELECTOR).runnableInformer(0).itemStore(store);
      informers.add(informer);
      informer.start().toCompletableFuture().join();
    }
    return store;
  }

  private static <R extends HasMetadata> void awaitVersion(PackedItemStore<R> store, String key, R live) {
    Function<String, String> version = k -> {
      R cached = store.get(k);
      return cached == null ? null : cached.getMetadata().getResourceVersion();
    };
    await().atMost(Duration.ofMinutes(2)).until(() -> live.getMetadata().getResourceVersion()
        .equals(version.apply(key)));
  }

  private List<Event> events() {
    return kubernetes.client().v1().events().inNamespace(NS).list().getItems();
  }

  private static BigQueryExport owned(BigQueryExport export) {
    export.getMetadata().setUid("uid-" + export.getMetadata().getName());
    export.setApiVersion("bqexport.io/v1alpha1");
    export.setKind("BigQueryExport");
    return export;
  }
}
