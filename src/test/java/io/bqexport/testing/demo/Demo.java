package io.bqexport.testing.demo;

import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.FieldValue;
import com.google.cloud.bigquery.FieldValueList;
import com.google.cloud.bigquery.QueryJobConfiguration;
import com.google.cloud.bigquery.StandardSQLTypeName;
import com.google.cloud.bigquery.TableResult;
import io.bqexport.api.v1alpha1.BigQueryBackfill;
import io.bqexport.api.v1alpha1.BigQueryBackfillSpec;
import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.BigQueryExportSpec;
import io.bqexport.api.v1alpha1.DestinationSpec;
import io.bqexport.api.v1alpha1.RunRecord;
import io.bqexport.api.v1alpha1.SourceSpec;
import io.bqexport.bigquery.BigQueryClientFactory;
import io.bqexport.exporter.ExportFailure;
import io.bqexport.operator.status.ConditionType;
import io.bqexport.testing.Crds;
import io.bqexport.testing.ExportFixtures;
import io.bqexport.testing.ExportScenario;
import io.bqexport.testing.IndexedJobControllerStandIn;
import io.bqexport.testing.KubectlView;
import io.bqexport.testing.ProjectFiles;
import io.bqexport.testing.amplitude.DirectoryEvents;
import io.bqexport.testing.amplitude.ExportDataSource;
import io.bqexport.testing.amplitude.GeneratedEvents;
import io.bqexport.testing.amplitude.AmplitudeEventGenerator;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import org.awaitility.Awaitility;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * `make demo`: the whole system on this machine. The real operator runs against the local Kubernetes API with the
 * CRDs, the BigQuery emulator and the Amplitude stand-in; samples/ are applied with their endpoints pointed at the
 * stand-ins; time is simulated so that several hourly runs happen in seconds, each run executed by the real exporter.
 * It prints what a kubectl user sees and what an analyst sees.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Runs bqexport end to end on this machine with local stand-ins.")
public final class Demo implements Callable<Integer> {
  static final String EXPORT = "product-events";
  static final String BACKFILL = "product-events-history";
  private static final int EVENTS_PER_HOUR = 300;
  private static final Duration BACKFILL_HOURS = Duration.ofHours(12);
  private static final int BACKFILL_EVENTS_PER_HOUR = 50;

  @Option(names = "--hours", defaultValue = "6", description = "Hours of generated events. Default: ${DEFAULT-VALUE}.")
  int hours;

  @Option(names = "--data", paramLabel = "DIR", description = "Serve Amplitude export files (<appId>_yyyy-MM-dd_H#n"
      + ".json.gz, directly or under <appId>/) from DIR instead of generated events.")
  Path data;

  @Option(names = "--source", defaultValue = "amplitude", paramLabel = "amplitude|storage",
      description = "amplitude: the Export API stand-in; storage: Amplitude's Cloud Storage export served by the GCS"
          + " stand-in (events and merged IDs; --data DIR is then a bucket in Amplitude's layout). Default:"
          + " ${DEFAULT-VALUE}.")
  String sourceKind;

  @Option(names = "--delivery", defaultValue = "Direct", paramLabel = "Direct|TransferService",
      description = "Direct: the operator's exporter pods; TransferService: the Transfer Service stand-in loads the"
          + " bucket (with --source storage and generated events only). Default: ${DEFAULT-VALUE}.")
  String delivery;

  @Option(names = "--query", paramLabel = "SQL", description = "BigQuery SQL to run against the local warehouse"
      + " afterwards (repeatable); default dataset amplitude, table events. Printed as tab-separated values.")
  List<String> queries = new ArrayList<>();

  final PrintStream out;

  public Demo(PrintStream out) {
    this.out = out;
  }

  public static void main(String[] args) {
    System.exit(run(System.out, args));
  }

  public static int run(PrintStream out, String... args) {
    Awaitility.setDefaultTimeout(io.bqexport.testing.GenerousWaits.CEILING);
    return new CommandLine(new Demo(out)).setOut(new java.io.PrintWriter(out, true))
        .setErr(new java.io.PrintWriter(out, true)).execute(args);
  }

  @Override
  public Integer call() throws Exception {
    if (hours < 1 || hours > 48) {
      out.println("demo: --hours must be between 1 and 48");
      return 2;
    }
    if (!List.of("amplitude", "storage").contains(sourceKind)) {
      out.println("demo: --source must be amplitude or storage, got '" + sourceKind + "'");
      return 2;
    }
    if (data != null && data.startsWith("~")) {
      // `make demo` hands ARGS over without a shell (so that a $ stays literal); expand ~ as the shell would.
      data = Path.of(System.getProperty("user.home")).resolve(Path.of("~").relativize(data));
    }
    if (data != null && !Files.isDirectory(data)) {
      out.println("demo: --data " + data + " is not a directory; give a directory of Amplitude export files");
      return 2;
    }
    if (!List.of("Direct", "TransferService").contains(delivery)) {
      out.println("demo: --delivery must be Direct or TransferService, got '" + delivery + "'");
      return 2;
    }
    if (delivery.equals("TransferService")) {
      if (!sourceKind.equals("storage") || data != null) {
        out.println("demo: --delivery TransferService needs --source storage (the Transfer Service loads Amplitude's"
            + " Cloud Storage export) and generated events (no --data)");
        return 2;
      }
      return new TransferDemo(this).call();
    }
    if (sourceKind.equals("storage")) {
      return new StorageDemo(this).call();
    }
    ExportDataSource source;
    List<Instant> dataHours;
    if (data != null) {
      DirectoryEvents directory = new DirectoryEvents(data);
      dataHours = directory.hours();
      if (dataHours.isEmpty()) {
        out.println("demo: --data " + data + " holds no Amplitude export files (<appId>_yyyy-MM-dd_H#n.json.gz,"
            + " directly or under <appId>/)");
        return 2;
      }
      source = directory;
    } else {
      Instant first = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(hours + 3L));
      GeneratedEvents generated = new GeneratedEvents(new AmplitudeEventGenerator(42, 187_000));
      generated.hours(first.minus(BACKFILL_HOURS), first, BACKFILL_EVENTS_PER_HOUR); // history for the backfill
      generated.hours(first, first.plus(Duration.ofHours(hours)), EVENTS_PER_HOUR);
      dataHours = new ArrayList<>();
      for (int h = 0; h < hours; h++) {
        dataHours.add(first.plus(Duration.ofHours(h)));
      }
      source = generated;
    }
    Instant firstHour = dataHours.stream().min(Comparator.naturalOrder()).orElseThrow();
    Instant lastHour = dataHours.stream().max(Comparator.naturalOrder()).orElseThrow();
    // Simulated time: the first hour is due at firstHour + 1h + availabilityDelay (2h).
    Instant start = firstHour.plus(Duration.ofHours(3)).plus(Duration.ofMinutes(5));
    try (ExportScenario scenario = new ExportScenario(start, source)) {
      out.println("== Local Kubernetes API with the bqexport CRDs, BigQuery emulator, Amplitude stand-in ("
          + (data == null ? hours + " generated hours of " + EVENTS_PER_HOUR + " events" : "files from " + data)
          + "), operator started");
      applySamples(scenario, firstHour);
      scenario.awaitReason(EXPORT, ConditionType.CREDENTIALS_VALID, "Validated");
      scenario.await(EXPORT, ConditionType.SCHEDULED, c -> c.isTrue());
      out.println();
      out.println("-- credentials validated by a test upload; the CronJob is scheduled. Simulated time: "
          + scenario.clock.instant());
      printGet(scenario);

      int runs = runHourly(scenario, EXPORT, start, lastHour, "the exporter runs");
      scenario.await(EXPORT, ConditionType.READY, c -> c.isTrue());
      out.println();
      out.println("== What a kubectl user sees after " + runs + " hourly runs (simulated time "
          + scenario.clock.instant() + ")");
      printGet(scenario);
      printDescribe(scenario);
      if (data == null) {
        backfill(scenario, firstHour.minus(BACKFILL_HOURS), firstHour);
        // The newest hour: exported, not re-checked yet. Late events need generated data, which can grow.
        new IntegrityDemo(out).run(scenario, EXPORT, lastHour, EVENTS_PER_HOUR);
      }
      printWarehouse(scenario);
      return runQueries(scenario);
    }
  }

  /**
   * Fires the export's CronJob every simulated hour from start until lastHour is due, waits for each run and prints
   * its result.
   *
   * @return the number of runs
   */
  int runHourly(ExportScenario scenario, String name, Instant start, Instant lastHour, String what) {
    int runs = 0;
    for (Instant now = start; !now.isAfter(lastHour.plus(Duration.ofHours(3)).plus(Duration.ofMinutes(5)));
        now = now.plus(Duration.ofHours(1))) {
      scenario.clock.set(now);
      String job = scenario.fire(name).job().getMetadata().getName();
      runs++;
      Awaitility.await().until(() -> scenario.get(name).getStatus().runs() != null
          && scenario.get(name).getStatus().runs().stream()
          .anyMatch(r -> r.job().equals(job) && !"Running".equals(r.result())));
      RunRecord r = scenario.get(name).getStatus().runs().get(0);
      out.printf("%n-- %s: the CronJob fires, %s: %s, %s hour(s), %s row(s)%s%s%s%n", now, what, r.result(),
          r.hours(), r.rows(), r.filteredEvents() == null ? "" : ", " + r.filteredEvents() + " filtered",
          r.mergeIdRows() == null ? "" : ", " + r.mergeIdRows() + " merged-ID row(s)",
          "Succeeded".equals(r.result()) || r.message() == null ? "" : " (" + r.message() + ")");
    }
    return runs;
  }

  /** Applies samples/ as a user would, with the endpoints pointed at the stand-ins. */
  private void applySamples(ExportScenario scenario, Instant startFrom) throws Exception {
    out.println("$ kubectl apply -f samples/secrets.yaml   # placeholder values");
    out.println("$ kubectl create secret generic bq-writer --from-file=service-account.json=KEY.json"
        + " --dry-run=client -o yaml | kubectl apply -f -   # the demo's generated key");
    out.println("$ kubectl apply -f samples/export-minimal.yaml   # endpoints pointed at the local stand-ins");
    BigQueryExport sample;
    try (InputStream in = Files.newInputStream(ProjectFiles.resolve("samples/export-minimal.yaml"))) {
      sample = scenario.kubernetes.client().getKubernetesSerialization().unmarshal(in, BigQueryExport.class);
    }
    BigQueryExportSpec s = sample.getSpec();
    var amplitude = s.source().amplitude();
    var destination = s.destination();
    BigQueryExport export = scenario.export(sample.getMetadata().getName(), startFrom);
    export.setSpec(new BigQueryExportSpec(
        new SourceSpec(new io.bqexport.api.v1alpha1.AmplitudeSourceSpec(amplitude.region(),
            scenario.amplitude.baseUri().toString(), amplitude.credentialsSecretRef(), amplitude.maxBadRecords())),
        new DestinationSpec(ExportScenario.PROJECT, destination.dataset(), destination.location(),
            destination.credentialsSecretRef(), destination.createDataset(), scenario.bigquery.endpoint()),
        s.data(), s.schedule(), s.availabilityDelay(), startFrom.toString(), s.suspend(), s.historyLimit(),
        s.maxHoursPerRun(), s.freshnessThreshold(), s.validationInterval(), s.pod()));
    if (!ExportFixtures.GOOGLE_SECRET.equals(destination.credentialsSecretRef().name())) {
      throw new IllegalStateException("samples/export-minimal.yaml no longer uses Secret bq-writer");
    }
    scenario.create(export);
  }

  /** Applies samples/backfill.yaml with a short range (the sample's year is too much for a demo) and runs it. */
  private void backfill(ExportScenario scenario, Instant start, Instant end) throws Exception {
    out.println();
    out.println("== Backfill: the " + BACKFILL_HOURS.toHours() + " hours before the export's startFrom");
    out.println("$ kubectl apply -f samples/backfill.yaml   # with spec.start " + start + ", spec.end " + end
        + ", chunkHours 3");
    BigQueryBackfill sample;
    try (InputStream in = Files.newInputStream(ProjectFiles.resolve("samples/backfill.yaml"))) {
      sample = scenario.kubernetes.client().getKubernetesSerialization().unmarshal(in, BigQueryBackfill.class);
    }
    var s = sample.getSpec();
    BigQueryBackfill backfill = new BigQueryBackfill();
    backfill.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(BACKFILL)
        .withNamespace(ExportScenario.NAMESPACE).build());
    backfill.setSpec(new BigQueryBackfillSpec(s.exportRef(), start.toString(), end.toString(), s.mode(), 3,
        s.parallelism(), s.suspend()));
    scenario.kubernetes.client().resource(backfill).create();
    Awaitility.await().until(() -> backfillJob(scenario) != null);
    IndexedJobControllerStandIn indexed = new IndexedJobControllerStandIn(scenario.kubernetes.client(),
        scenario.jobs);
    String jobName = backfillJob(scenario);
    for (int wave = 1; wave <= 16; wave++) {
      var result = indexed.wave(ExportScenario.NAMESPACE, jobName, scenario.clock.instant());
      if (result.runs().isEmpty()) {
        break;
      }
      long done = result.runs().size();
      Awaitility.await().until(() -> progressCaughtUp(scenario, result.job()));
      out.println("-- wave " + wave + ": " + done + " chunk(s) in parallel");
      printBackfill(scenario);
    }
    Awaitility.await().until(() -> "Succeeded".equals(getBackfill(scenario)
        .getStatus().phase()));
  }

  private static String backfillJob(ExportScenario scenario) {
    BigQueryBackfill b = getBackfill(scenario);
    return b == null || b.getStatus() == null ? null : b.getStatus().job();
  }

  private static BigQueryBackfill getBackfill(ExportScenario scenario) {
    return scenario.kubernetes.client().resources(BigQueryBackfill.class).inNamespace(ExportScenario.NAMESPACE)
        .withName(BACKFILL).get();
  }

  /** The status has caught up with the Job once it counts as many finished chunks as the Job does. */
  private static boolean progressCaughtUp(ExportScenario scenario, io.fabric8.kubernetes.api.model.batch.v1.Job job) {
    BigQueryBackfill b = getBackfill(scenario);
    if (b.getStatus() == null || b.getStatus().progress() == null || job.getStatus() == null) {
      return false;
    }
    long chunks = job.getStatus().getSucceeded() == null ? 0 : job.getStatus().getSucceeded();
    return b.getStatus().progress().hoursDone() >= chunks * 3 || "Succeeded".equals(b.getStatus().phase());
  }

  private void printBackfill(ExportScenario scenario) {
    KubectlView view = new KubectlView(scenario.clock.instant());
    out.println("$ kubectl get bqbf -n " + ExportScenario.NAMESPACE);
    out.print(view.get(Crds.named("bigquerybackfills.bqexport.io"), List.of(getBackfill(scenario)), false));
  }

  private void printGet(ExportScenario scenario) {
    printGet(scenario, EXPORT);
  }

  void printGet(ExportScenario scenario, String name) {
    KubectlView view = new KubectlView(scenario.clock.instant());
    out.println("$ kubectl get bqx -n " + ExportScenario.NAMESPACE);
    out.print(view.get(Crds.named("bigqueryexports.bqexport.io"), List.of(scenario.get(name)), false));
  }

  private void printDescribe(ExportScenario scenario) {
    printDescribe(scenario, EXPORT);
  }

  void printDescribe(ExportScenario scenario, String name) {
    out.print(ExportDescribe.of(scenario, name));
  }

  private void printWarehouse(ExportScenario scenario) {
    out.println();
    out.println("== What an analyst sees in BigQuery (the local emulator)");
    query(scenario, "SELECT hour, row_count, generation, job_id FROM amplitude._bqexport_ledger ORDER BY hour");
    query(scenario, "SELECT event_type, COUNT(*) AS events, COUNT(DISTINCT user_id) AS users"
        + " FROM amplitude.events GROUP BY event_type ORDER BY events DESC LIMIT 5");
  }

  int runQueries(ExportScenario scenario) {
    for (String sql : queries) {
      if (!query(scenario, sql)) {
        return 1;
      }
    }
    return 0;
  }

  /** Runs SQL through the real BigQuery client and prints a header line and tab-separated rows. */
  boolean query(ExportScenario scenario, String sql) {
    return query(scenario.key.json(), scenario.bigquery.endpoint(), sql);
  }

  /** Runs {@code sql} with the key against the emulator at {@code endpoint}, printed as tab-separated values. */
  boolean query(String keyJson, String endpoint, String sql) {
    out.println();
    out.println("bq> " + sql);
    try {
      TableResult result = BigQueryClientFactory.fromKeyJson(keyJson, ExportScenario.PROJECT, null,
          endpoint).query(
          QueryJobConfiguration.newBuilder(sql).setDefaultDataset(ExportScenario.DATASET).build());
      var fields = result.getSchema().getFields();
      out.println(String.join("\t", fields.stream().map(f -> f.getName()).toList()));
      for (FieldValueList row : result.iterateAll()) {
        List<String> cells = new ArrayList<>();
        for (int i = 0; i < fields.size(); i++) {
          FieldValue v = row.get(i);
          boolean timestamp = fields.get(i).getType().getStandardType() == StandardSQLTypeName.TIMESTAMP;
          cells.add(v.isNull() ? "NULL" : timestamp ? v.getTimestampInstant().toString() : v.getStringValue());
        }
        out.println(String.join("\t", cells));
      }
      return true;
    } catch (BigQueryException | ExportFailure | InterruptedException e) {
      out.println("demo: the query failed: " + e.getMessage());
      return false;
    }
  }

}
