package io.bqexport.operator.export;

import io.bqexport.exporter.RunSummary;
import io.bqexport.testing.ExportScenario;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.util.List;

/** What the attack probes on run history share: a run's record label, and a plain succeeded run's summary. */
final class ProbeRuns {
  private ProbeRuns() {}

  /** Whether the operator labelled Job {@code job} of the scenario's namespace recorded. */
  static boolean labelled(KubernetesClient client, String job) {
    return FinishedRuns.recorded(client.batch().v1().jobs().inNamespace(ExportScenario.NAMESPACE).withName(job)
        .get());
  }

  /** Identical for every run but exportedThrough and times: records that differ only by Job name and times. */
  static String summary(String exportedThrough, Instant finishedAt) {
    return new RunSummary(RunSummary.SUCCEEDED, null, "committed 1 hour(s)", 0, "FillGaps", null, List.of(), 1, 10,
        100, exportedThrough, 0, List.of(), finishedAt.minusSeconds(60).toString(), finishedAt.toString(), 0, 0, 0,
        List.of(), 0, List.of(), null, 0, 0).toJson();
  }
}
