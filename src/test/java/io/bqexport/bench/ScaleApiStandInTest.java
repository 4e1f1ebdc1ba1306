package io.bqexport.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The benchmark's API stand-in, through the real fabric8 client, as strict as the API server where it matters. */
class ScaleApiStandInTest {
  private static final String NS = OperatorBench.NAMESPACE;
  private static final int EXPORTS = 5;
  private static final int RUNS = 3;

  private ScaleApiStandIn api;
  private KubernetesClient client;

  @BeforeEach
  void start() throws Exception {
    api = new ScaleApiStandIn(new ExportFleet(original(), EXPORTS), Map.of());
    Config config = new ConfigBuilder(Config.empty()).withMasterUrl(api.url()).withNamespace(NS).build();
    client = new KubernetesClientBuilder().withConfig(config).build();
  }

  @AfterEach
  void stop() {
    client.close();
    api.close();
  }

  @Test
  void listsArePagedWithLimitAndContinueAndRenderEveryCopyWithItsOwnNameAndUids() {
    // API concepts, "Retrieving large results sets in chunks": at most `limit` items, a continue token while more
    // remain, none on the last page.
    List<Pod> pods = new ArrayList<>();
    String next = null;
    int pages = 0;
    do {
      PodList page = client.pods().inNamespace(NS).list(new ListOptionsBuilder().withLimit(4L).withContinue(next)
          .build());
      assertThat(page.getItems()).hasSizeLessThanOrEqualTo(4);
      pods.addAll(page.getItems());
      next = page.getMetadata().getContinue();
      pages++;
    } while (next != null && !next.isEmpty());
    assertThat(pages).isEqualTo(4); // 15 Pods in pages of 4
    assertThat(pods).hasSize(EXPORTS * RUNS);
    Set<String> uids = new HashSet<>();
    pods.forEach(p -> uids.add(p.getMetadata().getUid()));
    assertThat(uids).hasSize(EXPORTS * RUNS);
    Pod last = pods.get(pods.size() - 1);
    assertThat(last.getMetadata().getName()).startsWith("export-00004-");
    assertThat(last.getMetadata().getOwnerReferences().get(0).getUid()).isEqualTo(ExportFleet.uid(ExportFleet.JOB,
        RUNS - 1, 4));
    assertThat(last.getStatus().getContainerStatuses().get(0).getState().getTerminated().getMessage())
        .contains("export-00004");
  }

  @Test
  void aLabelSelectorFiltersThePagesAndWithoutALimitEverythingComesAtOnce() {
    assertThat(client.batch().v1().jobs().inNamespace(NS).withLabel("bqexport.io/export", "export-00002").list()
        .getItems()).hasSize(RUNS).allSatisfy(j -> assertThat(j.getMetadata().getName()).startsWith("export-00002-"));
    assertThat(client.batch().v1().jobs().inNamespace(NS).list().getItems()).hasSize(EXPORTS * RUNS);
    assertThat(client.batch().v1().jobs().inNamespace(NS).withoutLabel("bqexport.io/export").list().getItems())
        .isEmpty();
  }

  @Test
  void podsAreSelectedByPhaseAndUnsupportedFieldSelectorsAreRefusedLikeTheApiServer() {
    // "Field Selectors": Pods support status.phase, Jobs only status.successful of their status; an unsupported
    // field is a 400 BadRequest naming it.
    assertThat(client.pods().inNamespace(NS).withoutField("status.phase", "Succeeded")
        .withoutField("status.phase", "Failed").list().getItems()).hasSize(EXPORTS)
        .allSatisfy(p -> assertThat(p.getStatus().getPhase()).isEqualTo("Running"));
    assertThat(client.pods().inNamespace(NS).withField("status.phase", "Succeeded")
        .list(new ListOptionsBuilder().withLimit(4L).build()).getItems())
        .hasSize(4);
    assertThat(client.pods().inNamespace(NS).withField("metadata.name", "export-00001-29412340-abcde").list()
        .getItems()).singleElement().satisfies(p -> assertThat(p.getMetadata().getUid())
            .isEqualTo(ExportFleet.uid(ExportFleet.POD, 0, 1)));
    assertThatThrownBy(() -> client.batch().v1().jobs().inNamespace(NS).withField("status.phase", "Succeeded")
        .list()).isInstanceOfSatisfying(KubernetesClientException.class, e -> {
          assertThat(e.getCode()).isEqualTo(400);
          assertThat(e.getMessage()).contains("\"status.phase\" is not a known field selector");
        });
    assertThatThrownBy(() -> client.pods().inNamespace(NS).withField("spec.foo", "bar").list())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(400));
    assertThat(client.batch().v1().jobs().inNamespace(NS).withoutLabel("bqexport.io/run-recorded").list()
        .getItems()).hasSize(EXPORTS * RUNS);
  }

  @Test
  void anInformerSyncsFromPagedListsAndSeesWrittenChildrenOnItsWatch() {
    try (SharedIndexInformer<ConfigMap> informer = client.configMaps().inNamespace(NS).withLimit(2L).inform()) {
      assertThat(informer.getStore().list()).isEmpty();
      client.resource(configMap("export-00001-exporter")).create();
      await().until(() -> informer.getStore().list().size() == 1);
    }
    try (SharedIndexInformer<Pod> pods = client.pods().inNamespace(NS).withLimit(4L).inform()) {
      assertThat(pods.getStore().list()).hasSize(EXPORTS * RUNS);
    }
  }

  @Test
  void writesAreCheckedLikeTheApiServer() {
    ConfigMap created = client.resource(configMap("export-00003-exporter")).create();
    assertThat(created.getMetadata().getUid()).isEqualTo(ExportFleet.uid(ExportFleet.CONFIGMAP, 0, 3));
    assertThatThrownBy(() -> client.resource(configMap("export-00003-exporter")).create())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));
    ConfigMap stale = configMap("export-00003-exporter");
    stale.getMetadata().setResourceVersion("1");
    assertThatThrownBy(() -> client.resource(stale).update())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));
    created.getData().put("k", "changed");
    assertThat(client.resource(created).update().getData()).containsEntry("k", "changed");
    assertThat(client.configMaps().inNamespace(NS).withName("export-00003-exporter").get().getData())
        .containsEntry("k", "changed");
    assertThat(api.counts()).containsEntry("POST configmaps", 2L).containsEntry("PUT configmaps", 2L);
    assertThat(api.writes()).isEqualTo(4);
  }

  private static ConfigMap configMap(String name) {
    return new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace(NS)
        .addToLabels("bqexport.io/export", name.substring(0, 12)).endMetadata().addToData("k", "v").build();
  }

  /** One export with RUNS Jobs and Pods, as the API would return them. */
  private static ExportFleet.Original original() {
    var json = new io.fabric8.kubernetes.client.utils.KubernetesSerialization();
    String exportUid = "11111111-2222-4333-8444-555555555555";
    String cronJobUid = "66666666-2222-4333-8444-555555555555";
    String export = "{\"apiVersion\":\"bqexport.io/v1alpha1\",\"kind\":\"BigQueryExport\",\"metadata\":{\"name\":"
        + "\"export-00000\",\"namespace\":\"analytics\",\"uid\":\"" + exportUid + "\"}}";
    List<String> jobs = new ArrayList<>();
    List<String> pods = new ArrayList<>();
    for (int k = 0; k < RUNS; k++) {
      String jobName = "export-00000-2941234" + k;
      String jobUid = "aaaaaaa" + k + "-2222-4333-8444-555555555555";
      Map<String, String> labels = Map.of("bqexport.io/export", "export-00000", "job-name", jobName);
      Job job = new JobBuilder().withNewMetadata().withName(jobName).withNamespace(NS).withUid(jobUid)
          .withLabels(labels).addNewOwnerReference().withKind("CronJob").withName("export-00000")
          .withUid(cronJobUid).endOwnerReference().endMetadata().build();
      Pod pod = new PodBuilder().withNewMetadata().withName(jobName + "-abcde").withNamespace(NS)
          .withUid("bbbbbbb" + k + "-2222-4333-8444-555555555555").withLabels(labels).addNewOwnerReference()
          .withKind("Job").withName(jobName).withUid(jobUid).endOwnerReference().endMetadata()
          .withNewStatus().withPhase(k == RUNS - 1 ? "Running" : "Succeeded").addNewContainerStatus().withName("exporter").withNewState().withNewTerminated()
          .withExitCode(0).withMessage("{\"export\":\"export-00000\",\"rows\":4200" + k + "}").endTerminated()
          .endState().endContainerStatus().endStatus().build();
      jobs.add(json.asJson(job));
      pods.add(json.asJson(pod));
    }
    return new ExportFleet.Original(export, jobs, pods, cronJobUid);
  }
}
