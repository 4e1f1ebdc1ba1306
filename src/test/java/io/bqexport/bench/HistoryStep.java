package io.bqexport.bench;

import static org.awaitility.Awaitility.await;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.operator.export.ExportCronJob;
import io.bqexport.operator.export.ExportLabels;
import io.bqexport.testing.ExportFixtures;
import io.bqexport.testing.KubernetesStandIn;
import io.bqexport.testing.RunHistoryFixtures;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Step 2 of the operator benchmark, on fabric8's CRUD mock: {@code count} exports brought to Ready, then
 * {@code runs} finished runs each (Jobs and Pods with termination messages, as the CronJob and Job controllers and
 * the exporter leave them) stored in the mock, and a restarted operator records them in status.runs. The first
 * export, as the API then returns it with its Jobs, Pods and Secrets, is the template of the steady step.
 */
final class HistoryStep {
  /** The template export with its history, and the Secrets by name. */
  record Template(ExportFleet.Original original, Map<String, String> secrets) {}

  private final BenchBed bed;
  private final int count;
  private final int runs;

  HistoryStep(BenchBed bed, int count, int runs) {
    this.bed = bed;
    this.count = count;
    this.runs = runs;
  }

  Template run() throws Exception {
    try (KubernetesStandIn kubernetes = bed.newApi();
         KubernetesClient bench = BenchBed.benchClient(kubernetes)) {
      java.nio.file.Path kubeconfig = bed.kubeconfig("history", kubernetes.client().getMasterUrl().toString());
      OperatorProcess first = bed.startOperator("history-ready", kubeconfig);
      Instant now = Instant.now();
      long started = System.nanoTime();
      OperatorBench.create(bench, count, bed, now.truncatedTo(ChronoUnit.HOURS).toString());
      OperatorBench.awaitAllReady(bench, count, started, bed.timeout);
      first.stop();

      long preloadStarted = System.nanoTime();
      preloadHistory(kubernetes, bench, now);
      double preloaded = (System.nanoTime() - preloadStarted) / 1e9;
      OperatorProcess second = bed.startOperator("history", kubeconfig);
      long restarted = System.nanoTime();
      double reconciles = second.awaitReconciled(count, bed.timeout);
      awaitRunsRecorded(bench);
      double seconds = (System.nanoTime() - restarted) / 1e9;
      double live = second.liveHeapMiB();
      MeasuredProcess.Result result = second.stop();
      System.out.printf(Locale.ROOT, "operator history %d exports x %d runs: preloaded in %.1f s, %.0f reconciles,"
              + " all runs recorded %.1f s after start, live heap %.0f MiB, peak heap %.0f MiB, peak RSS %.0f MiB%n",
          count, runs, preloaded, reconciles, seconds, live, second.peakHeapMiB(), result.peakRssMiB());
      return template(bench);
    }
  }

  /** Jobs and Pods of {@code runs} hourly runs before {@code now} for every export, stored without requests. */
  private void preloadHistory(KubernetesStandIn kubernetes, KubernetesClient bench, Instant now) {
    Map<String, CronJob> cronJobs = new HashMap<>();
    bench.batch().v1().cronjobs().inNamespace(OperatorBench.NAMESPACE).list().getItems()
        .forEach(c -> cronJobs.put(c.getMetadata().getName(), c));
    List<HasMetadata> history = new ArrayList<>();
    for (BigQueryExport export : bench.resources(BigQueryExport.class).inNamespace(OperatorBench.NAMESPACE).list()
        .getItems()) {
      CronJob cronJob = cronJobs.get(ExportCronJob.name(export));
      for (int k = 1; k <= runs; k++) {
        RunHistoryFixtures.FinishedRun run = RunHistoryFixtures.succeeded(export, cronJob,
            now.truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(k + 3L)), 40_000 + k);
        history.add(run.job());
        history.add(run.pod());
      }
    }
    kubernetes.preload(history);
  }

  /**
   * Waits until every export's status shows its history (min(runs, historyLimit 24) records) and every Job is
   * labelled recorded, as the steady step's template needs them.
   */
  private void awaitRunsRecorded(KubernetesClient bench) {
    int expected = Math.min(runs, 24);
    await("run history in every export's status").atMost(bed.timeout).pollInterval(Duration.ofSeconds(1))
        .until(() -> bench.resources(BigQueryExport.class).inNamespace(OperatorBench.NAMESPACE).list().getItems()
            .stream().filter(e -> e.getStatus() != null && e.getStatus().runs() != null
                && e.getStatus().runs().size() >= expected).count() == count);
    await("every Job labelled recorded").atMost(bed.timeout).pollInterval(Duration.ofSeconds(1))
        .until(() -> bench.batch().v1().jobs().inNamespace(OperatorBench.NAMESPACE)
            .withLabel(ExportLabels.RUN_RECORDED).list().getItems().size() == count * runs);
  }

  private static Template template(KubernetesClient bench) {
    KubernetesSerialization json = bench.getKubernetesSerialization();
    String name = ExportFleet.name(0);
    BigQueryExport export = bench.resources(BigQueryExport.class).inNamespace(OperatorBench.NAMESPACE)
        .withName(name).get();
    CronJob cronJob = bench.batch().v1().cronjobs().inNamespace(OperatorBench.NAMESPACE)
        .withName(ExportCronJob.name(export)).get();
    List<String> jobs = bench.batch().v1().jobs().inNamespace(OperatorBench.NAMESPACE)
        .withLabel(ExportLabels.EXPORT, name).list().getItems().stream()
        .sorted(Comparator.comparing(j -> j.getMetadata().getName())).map(json::asJson).toList();
    List<String> pods = bench.pods().inNamespace(OperatorBench.NAMESPACE)
        .withLabel(ExportLabels.EXPORT, name).list().getItems().stream()
        .sorted(Comparator.comparing(p -> p.getMetadata().getLabels().get("job-name"))).map(json::asJson).toList();
    Map<String, String> secrets = new HashMap<>();
    for (String secret : List.of(ExportFixtures.GOOGLE_SECRET, ExportFixtures.AMPLITUDE_SECRET)) {
      secrets.put(secret, json.asJson(bench.secrets().inNamespace(OperatorBench.NAMESPACE).withName(secret).get()));
    }
    return new Template(new ExportFleet.Original(json.asJson(export), jobs, pods, cronJob.getMetadata().getUid()),
        secrets);
  }
}
