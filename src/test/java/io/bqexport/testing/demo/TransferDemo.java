package io.bqexport.testing.demo;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.TransferConfigStatus;
import io.bqexport.operator.status.ConditionType;
import io.bqexport.testing.Crds;
import io.bqexport.testing.KubectlView;
import io.bqexport.testing.transfer.TransferExportScenario;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Callable;
import org.awaitility.Awaitility;

/**
 * `make demo ARGS="--source storage --delivery TransferService"`: a storage export delivered by the Transfer Service
 * stand-in. The operator creates the transfer configs, the demo plays the Transfer Service's scheduler once an hour,
 * the stand-in loads the bucket's files into the BigQuery emulator, and the operator mirrors the runs into status.
 */
final class TransferDemo implements Callable<Integer> {
  static final String EXPORT = "product-events-gcs";
  private static final int EVENTS_PER_HOUR = 300;
  private static final int MERGES_PER_HOUR = 20;

  private final Demo demo;
  private final PrintStream out;

  TransferDemo(Demo demo) {
    this.demo = demo;
    this.out = demo.out;
  }

  @Override
  public Integer call() {
    Instant first = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(demo.hours + 3L));
    // The scheduled run at minute 5 that loads hour H runs at H + 1h + 2h availability delay.
    Instant firstRun = first.plus(Duration.ofHours(3)).plus(Duration.ofMinutes(5));
    try (TransferExportScenario scenario = new TransferExportScenario(firstRun)) {
      scenario.events.hours(first, first.plus(Duration.ofHours(demo.hours)), EVENTS_PER_HOUR);
      for (int h = 0; h < demo.hours; h++) {
        scenario.storage.writeEvents(scenario.events, first.plus(Duration.ofHours(h)));
        scenario.storage.writeMergeIds(first.plus(Duration.ofHours(h)), MERGES_PER_HOUR, 42);
      }
      out.println("== Local Kubernetes API with the bqexport CRDs, BigQuery emulator, Cloud Storage stand-in with "
          + demo.hours + " hours of " + EVENTS_PER_HOUR + " events and " + MERGES_PER_HOUR + " merges each,"
          + " Transfer Service stand-in, operator started");
      out.println("$ kubectl apply -f export.yaml   # samples/export-storage.yaml with delivery: TransferService,"
          + " the demo key in Secret bq-writer, endpoints pointed at the local stand-ins");
      scenario.create(scenario.export(EXPORT, first, true));
      List<TransferConfigStatus> configs = Awaitility.await().until(() -> configs(scenario.get(EXPORT)),
          c -> c.size() == 2);
      out.println();
      out.println("-- validated (test upload, bucket listed), then one transfer config per table:");
      out.println("$ bq ls --transfer_config --transfer_location=us --project_id="
          + TransferExportScenario.PROJECT);
      scenario.transfer.service().configs().forEach(c -> out.println("  " + c.getName() + "  \""
          + c.getDisplayName() + "\"  " + c.getSchedule() + "\n    data_path_template "
          + c.getParams().getFieldsMap().get("data_path_template").getStringValue() + "\n    destination "
          + c.getDestinationDatasetId() + "." + c.getParams().getFieldsMap()
          .get("destination_table_name_template").getStringValue()));

      for (int h = 0; h < demo.hours; h++) {
        Instant runTime = firstRun.plus(Duration.ofHours(h));
        scenario.clock.set(runTime);
        configs.forEach(c -> scenario.transfer.service().triggerScheduledRun(c.name(), runTime));
        int finished = 2 * (h + 1);
        Awaitility.await().until(() -> scenario.get(EXPORT).getStatus().runs() != null
            && scenario.get(EXPORT).getStatus().runs().stream().filter(r -> !"Running".equals(r.result())).count()
            >= Math.min(finished, 24));
        out.println("-- " + runTime + ": the Transfer Service ran both configs (hour " + first.plus(Duration.ofHours(h))
            + ")");
      }
      scenario.await(EXPORT, ConditionType.READY, c -> c.isTrue());
      out.println();
      out.println("== What a kubectl user sees (simulated time " + scenario.clock.instant() + ")");
      out.println("$ kubectl get bqx -n " + TransferExportScenario.NAMESPACE);
      out.print(new KubectlView(scenario.clock.instant()).get(Crds.named("bigqueryexports.bqexport.io"),
          List.of(scenario.get(EXPORT)), false));
      out.print(ExportDescribe.of(scenario.kubernetes.client(), scenario.clock.instant(), EXPORT));
      out.println();
      out.println("== What an analyst sees in BigQuery (the local emulator): rows appended by the transfers; merged"
          + " IDs as Amplitude writes them in merge_ids_raw");
      String key = scenario.key.json();
      String endpoint = scenario.bigquery.endpoint();
      boolean ok = demo.query(key, endpoint, "SELECT COUNT(*) AS events, COUNT(DISTINCT uuid) AS distinct_uuids"
          + " FROM amplitude.events")
          && demo.query(key, endpoint, "SELECT COUNT(*) AS merged_ids, MIN(TIMESTAMP_MILLIS(merge_server_time))"
          + " AS first_merge FROM amplitude.merge_ids_raw");
      return ok ? 0 : 1;
    }
  }

  private static List<TransferConfigStatus> configs(BigQueryExport export) {
    return export == null || export.getStatus() == null || export.getStatus().transfer() == null ? List.of()
        : export.getStatus().transfer().configs();
  }
}
