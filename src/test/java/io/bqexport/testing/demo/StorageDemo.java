package io.bqexport.testing.demo;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.BigQueryExportSpec;
import io.bqexport.api.v1alpha1.DataSpec;
import io.bqexport.api.v1alpha1.DestinationSpec;
import io.bqexport.api.v1alpha1.GcsLocation;
import io.bqexport.api.v1alpha1.GoogleCredentialsSpec;
import io.bqexport.api.v1alpha1.JobPodSpec;
import io.bqexport.api.v1alpha1.MergeIdsSpec;
import io.bqexport.api.v1alpha1.SecretKeyRef;
import io.bqexport.api.v1alpha1.SourceSpec;
import io.bqexport.api.v1alpha1.StorageSourceSpec;
import io.bqexport.operator.status.ConditionType;
import io.bqexport.testing.ExportFixtures;
import io.bqexport.testing.ExportScenario;
import io.bqexport.testing.ProjectFiles;
import io.bqexport.testing.amplitude.AmplitudeEventGenerator;
import io.bqexport.testing.amplitude.GeneratedEvents;
import io.bqexport.testing.storage.CloudStorageStandIn;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * `make demo ARGS="--source storage [--data DIR]"`: samples/export-storage.yaml against a Cloud Storage stand-in
 * serving DIR (or a generated bucket with events and merged IDs), the BigQuery emulator and the real operator and
 * exporter; prints both tables' counts and a merged-user query.
 */
final class StorageDemo implements Callable<Integer> {
  static final String EXPORT = "product-events-gcs";
  private static final int EVENTS_PER_HOUR = 300;
  private static final int MERGES_PER_HOUR = 20;

  private final Demo demo;
  private final PrintStream out;

  StorageDemo(Demo demo) {
    this.demo = demo;
    this.out = demo.out;
  }

  @Override
  public Integer call() throws Exception {
    try (CloudStorageStandIn gcs = CloudStorageStandIn.start()) {
      StorageDemoBucket.Contents bucket;
      if (demo.data != null) {
        bucket = StorageDemoBucket.serve(gcs, demo.data);
        if (bucket.appId() == null) {
          out.println("demo: --data " + demo.data + " holds no Amplitude events files ({appId}/{appId}_yyyy-MM-dd_H#n"
              + ".json.gz, or directly in the directory)");
          return 2;
        }
      } else {
        Instant first = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(demo.hours + 3L));
        List<Instant> hours = new ArrayList<>();
        for (int h = 0; h < demo.hours; h++) {
          hours.add(first.plus(Duration.ofHours(h)));
        }
        GeneratedEvents events = new GeneratedEvents(new AmplitudeEventGenerator(42, 187_000))
            .hours(first, first.plus(Duration.ofHours(demo.hours)), EVENTS_PER_HOUR);
        bucket = StorageDemoBucket.generate(gcs, events, hours, MERGES_PER_HOUR);
      }
      Instant firstHour = bucket.hours().get(0);
      Instant lastHour = bucket.hours().get(bucket.hours().size() - 1);
      Instant start = firstHour.plus(Duration.ofHours(3)).plus(Duration.ofMinutes(5));
      try (ExportScenario scenario = new ExportScenario(start, new GeneratedEvents(
          new AmplitudeEventGenerator(1, 187_000)))) {
        out.println("== Local Kubernetes API with the bqexport CRDs, BigQuery emulator, Cloud Storage stand-in serving "
            + bucket.objects() + " objects (" + (demo.data == null ? "generated: " + demo.hours + " hours of "
            + EVENTS_PER_HOUR + " events and " + MERGES_PER_HOUR + " merges each" : "from " + demo.data) + "), operator"
            + " started");
        out.println("   events under " + StorageDemoBucket.eventsFolder(bucket) + ", merged IDs "
            + (!bucket.mergeIds() ? "none" : bucket.orgId() != null ? "under -" + bucket.orgId() + "/"
            : "beside the events (legacy layout)"));
        apply(scenario, gcs, bucket, firstHour);
        scenario.awaitReason(EXPORT, ConditionType.CREDENTIALS_VALID, "Validated");
        scenario.await(EXPORT, ConditionType.SCHEDULED, c -> c.isTrue());
        out.println();
        out.println("-- validated: a test upload into BigQuery, and the bucket listed and one export file read."
            + " Simulated time: " + scenario.clock.instant());
        demo.printGet(scenario, EXPORT);
        int runs = demo.runHourly(scenario, EXPORT, start, lastHour, "the exporter reads the bucket");
        out.println();
        out.println("== What a kubectl user sees after " + runs + " hourly runs (simulated time "
            + scenario.clock.instant() + ")");
        demo.printGet(scenario, EXPORT);
        demo.printDescribe(scenario, EXPORT);
        printWarehouse(scenario, bucket.mergeIds());
        return demo.runQueries(scenario);
      }
    }
  }

  /** samples/export-storage.yaml, with a key instead of Workload Identity (no GKE here) and the stand-ins' hosts. */
  private void apply(ExportScenario scenario, CloudStorageStandIn gcs, StorageDemoBucket.Contents bucket,
      Instant startFrom) throws Exception {
    out.println("$ kubectl apply -f samples/export-storage.yaml   # bucket " + StorageDemoBucket.BUCKET + ", appId "
        + bucket.appId() + ", the demo key in Secret bq-writer for both Cloud Storage and BigQuery instead of"
        + " workloadIdentity, endpoints pointed at the local stand-ins");
    String text = Files.readString(ProjectFiles.resolve("samples/export-storage.yaml"));
    String[] documents = text.split("(?m)^---$");
    BigQueryExport sample = scenario.kubernetes.client().getKubernetesSerialization()
        .unmarshal(documents[documents.length - 1], BigQueryExport.class);
    BigQueryExportSpec s = sample.getSpec();
    var key = new GoogleCredentialsSpec(new SecretKeyRef(ExportFixtures.GOOGLE_SECRET, null), null);
    var storage = new StorageSourceSpec(new GcsLocation(StorageDemoBucket.BUCKET, null), bucket.appId(),
        bucket.orgId(), bucket.legacyMergeIds(), gcs.endpoint(), key, null);
    var destination = new DestinationSpec(ExportScenario.PROJECT, s.destination().dataset(),
        s.destination().location(), null, null, scenario.bigquery.endpoint(), key);
    var data = new DataSpec(s.data().events(), new MergeIdsSpec(bucket.mergeIds(), s.data().mergeIds().table()));
    BigQueryExport export = scenario.export(EXPORT, startFrom);
    export.setSpec(new BigQueryExportSpec(new SourceSpec(null, storage), destination, data, s.schedule(),
        s.availabilityDelay(), startFrom.toString(), s.suspend(), s.historyLimit(), s.maxHoursPerRun(),
        s.freshnessThreshold(), s.validationInterval(), JobPodSpec.empty()));
    scenario.create(export);
  }

  private void printWarehouse(ExportScenario scenario, boolean mergeIds) {
    out.println();
    out.println("== What an analyst sees in BigQuery (the local emulator); the sample's filter excludes event types"
        + " starting with '[Amplitude] ' and debug_ping, counted as filtered in each run");
    demo.query(scenario, "SELECT table_name, COUNT(*) AS hours, SUM(row_count) AS row_count"
        + " FROM amplitude._bqexport_ledger GROUP BY table_name ORDER BY table_name");
    demo.query(scenario, "SELECT COUNT(*) AS events, COUNTIF(STARTS_WITH(event_type, '[Amplitude] ')) AS excluded"
        + " FROM amplitude.events");
    if (!mergeIds) {
      return;
    }
    demo.query(scenario, "SELECT COUNT(*) AS merged_ids FROM amplitude.merge_ids");
    // One merge step; README, "Merge IDs table", has the view that follows chains of merges.
    demo.query(scenario, "SELECT user_id, COUNT(DISTINCT amplitude_id) AS amplitude_ids, COUNT(*) AS events FROM ("
        + "SELECT COALESCE(m.amplitude_id, e.amplitude_id) AS user_id, e.amplitude_id AS amplitude_id"
        + " FROM amplitude.events AS e LEFT JOIN amplitude.merge_ids AS m ON m.merged_amplitude_id = e.amplitude_id)"
        + " GROUP BY user_id HAVING COUNT(DISTINCT amplitude_id) > 1 ORDER BY events DESC, user_id LIMIT 5");
  }
}
