package io.bqexport.operator.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.BigQueryExportSpec;
import io.bqexport.api.v1alpha1.RunRecord;
import io.bqexport.operator.status.ConditionType;
import io.bqexport.testing.ExportScenario;
import io.bqexport.testing.KubernetesStandIn;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Attack by an SRE's outage: more runs than spec.historyLimit finish while the operator is down, two of them with
 * identical records but for the Job name. After the restart each is recorded once (the newest historyLimit kept),
 * every finished Job is labelled, its Pods are listed by job-name only while unrecorded, and a further restart
 * writes nothing.
 */
class HistoryBurstAttackProbeTest {
  private static final Instant NOW = Instant.parse("2026-11-28T10:10:00Z");
  private static final Instant START = Instant.parse("2026-11-28T05:00:00Z");
  private static final String NAME = "product-events";

  private ExportScenario scenario;
  private KubernetesClient client;

  @BeforeEach
  void start() {
    scenario = new ExportScenario(NOW);
    client = scenario.kubernetes.client();
    BigQueryExport export = scenario.export(NAME, START);
    BigQueryExportSpec s = export.getSpec();
    export.setSpec(new BigQueryExportSpec(s.source(), s.destination(), s.data(), s.schedule(),
        s.availabilityDelay(), s.startFrom(), s.suspend(), 2, s.maxHoursPerRun(), s.freshnessThreshold(),
        s.validationInterval(), s.pod()));
    scenario.create(export);
    scenario.await(NAME, ConditionType.SCHEDULED, c -> c.isTrue());
  }

  @AfterEach
  void stop() {
    scenario.close();
  }

  @Test
  void aBurstOfRunsFinishedWhileDownIsRecordedOnceEachAndThenCostsNoRequest() {
    scenario.stopOperator();
    List<Job> jobs = IntStream.rangeClosed(1, 4).mapToObj(i -> scenario.jobs.startFrom(ExportScenario.NAMESPACE, NAME,
        "run-" + i)).toList();
    scenario.jobs.killWithoutMessage(jobs.get(0), NOW.minusSeconds(400), "OOMKilled");
    for (int i = 1; i < 4; i++) {
      scenario.jobs.finishWithMessage(jobs.get(i), NOW.minusSeconds(400 - 100L * i), 0,
          ProbeRuns.summary("2026-11-28T0" + (6 + i) + ":00:00Z", NOW.minusSeconds(400 - 100L * i)));
    }
    int before = scenario.kubernetes.requests().size();
    scenario.startOperator();

    for (Job job : jobs) {
      await().atMost(Duration.ofMinutes(2)).until(() -> FinishedRuns.recorded(client.batch().v1().jobs()
          .inNamespace(ExportScenario.NAMESPACE).withName(job.getMetadata().getName()).get()));
    }
    var status = scenario.get(NAME).getStatus();
    assertThat(status.runs()).extracting(RunRecord::job).containsExactly("run-4", "run-3");
    assertThat(status.runs()).allSatisfy(r -> {
      assertThat(r.result()).isEqualTo("Succeeded");
      assertThat(r.rows()).isEqualTo(10);
    });
    assertThat(status.lastRun().job()).isEqualTo("run-4");
    assertThat(status.exportedThrough()).isEqualTo("2026-11-28T09:00:00Z");
    List<KubernetesStandIn.ApiRequest> afterRestart = scenario.kubernetes.requests().subList(before,
        scenario.kubernetes.requests().size());
    long podLists = afterRestart.stream().filter(r -> r.byOperator() && r.method().equals("GET")
        && r.path().contains("/pods?") && r.path().contains("job-name")).count();
    // At most one each: a Job labelled in this reconcile is not listed again by a reconcile that starts before the
    // informer sees its label.
    assertThat(podLists).as("one list per finished, unrecorded Job").isLessThanOrEqualTo(4);

    // Another restart: nothing is unrecorded, so no Pod list by job-name and no write at all.
    scenario.stopOperator();
    int quiet = scenario.kubernetes.requests().size();
    scenario.startOperator();
    await().atMost(Duration.ofMinutes(2)).until(() -> scenario.operator().operator().registry().scrape()
        .contains("bqexport_export_lag_seconds{"));
    List<KubernetesStandIn.ApiRequest> steady = List.copyOf(scenario.kubernetes.requests().subList(quiet,
        scenario.kubernetes.requests().size()));
    assertThat(steady).filteredOn(KubernetesStandIn.ApiRequest::byOperator)
        .noneMatch(r -> r.path().contains("job-name"))
        .noneMatch(r -> !r.method().equals("GET") && r.path().contains("/jobs"));
  }
}
