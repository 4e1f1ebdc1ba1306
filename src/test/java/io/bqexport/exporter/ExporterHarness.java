package io.bqexport.exporter;

import io.bqexport.ExportWindow;
import com.google.cloud.bigquery.BigQuery;
import io.bqexport.amplitude.AmplitudeClientSettings;
import io.bqexport.amplitude.AmplitudeExportClient;
import io.bqexport.amplitude.AmplitudeRegion;
import io.bqexport.amplitude.RetryPolicy;
import io.bqexport.bigquery.BigQueryClientFactory;
import io.bqexport.bigquery.CommitObserver;
import io.bqexport.bigquery.CommitStep;
import io.bqexport.testing.MutableClock;
import io.bqexport.testing.ServiceAccountKeys;
import io.bqexport.testing.amplitude.AmplitudeExportStandIn;
import io.bqexport.testing.amplitude.ExportDataSource;
import io.bqexport.testing.bigquery.BigQueryEmulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The exporter against both stand-ins: a BigQuery emulator and an Amplitude stand-in, real clients over loopback.
 * Every {@link #run} builds fresh clients and a fresh ExportRun, like a new pod.
 */
final class ExporterHarness implements AutoCloseable {

  static final String PROJECT = "acme-analytics";
  static final String DATASET = "amplitude";
  static final String TABLE = "events";
  static final Instant START = Instant.parse("2026-11-28T00:00:00Z");

  /** The simulated time of the emulator and of each run, so staging tables expire as they would in BigQuery. */
  final MutableClock clock = new MutableClock(START);
  final BigQueryEmulator bigquery;
  final AmplitudeExportStandIn amplitude;
  final Path dir;
  final Path keyFile;
  final ServiceAccountKeys.Key key;
  Instant startFrom = START;
  String dataset = DATASET;
  int maxBadRecords = 0;
  int maxHoursPerRun = 24;
  int chunkSize = 256 * 1024;
  /** The export's name: its identity as a source in the ledger. */
  String exportName = "product-events";
  /** The Amplitude project this export reads; another stand-in makes a second project. */
  AmplitudeExportStandIn source;
  boolean retryQuarantined;
  Boolean resumeFromLedger;
  /** The integrity re-check settings; null: the defaults. */
  ExporterConfig.Integrity integrity;
  /** data.events.filter; null exports every event. */
  ExporterConfig.EventFilter filter;
  /** data.events.enabled. */
  boolean eventsEnabled = true;
  /** destination.createDataset. */
  boolean createDataset;

  /** Thrown by a crash hook: an Error, so that no exporter code handles it, as if the process died there. */
  static final class SimulatedCrash extends Error {
    SimulatedCrash(CommitStep step) {
      super("simulated crash at " + step);
    }
  }

  ExporterHarness(ExportDataSource source) {
    try {
      this.dir = Files.createTempDirectory("bqexport-exporter-test");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.bigquery = BigQueryEmulator.start(clock);
    this.amplitude = AmplitudeExportStandIn.start(source, "test-api-key", "test-secret-key");
    this.key = ServiceAccountKeys.create(bigquery, PROJECT, "writer");
    this.keyFile = dir.resolve("service-account.json");
    write(keyFile, key.json());
    write(dir.resolve("api-key"), "test-api-key\n");
    write(dir.resolve("secret-key"), "test-secret-key\n");
    bigquery.createDataset(PROJECT, DATASET);
    bigquery.requireAuthentication(true);
  }

  /** A BigQuery client authenticated with the test key, as the exporter builds it. */
  BigQuery client() {
    return BigQueryClientFactory.fromKeyFile(keyFile, null, "US", bigquery.endpoint());
  }

  static Instant hour(int h) {
    return START.plus(Duration.ofHours(h));
  }

  ExporterConfig config() {
    return new ExporterConfig(
        new ExporterConfig.ExportRef("default", exportName),
        new ExporterConfig.Source("US", project().baseUri().toString(), dir.resolve("api-key").toString(),
            dir.resolve("secret-key").toString(), maxBadRecords, 5, 30),
        null,
        new ExporterConfig.Destination(null, dataset, "US", keyFile.toString(), bigquery.endpoint(),
            createDataset),
        new ExporterConfig.Data(new ExporterConfig.Events(eventsEnabled, TABLE, filter)),
        startFrom.toString(), "PT2H", maxHoursPerRun, dir.resolve("termination-log").toString(),
        resumeFromLedger, integrity);
  }

  AmplitudeExportStandIn project() {
    return source == null ? amplitude : source;
  }

  Path writeConfig() {
    Path file = dir.resolve("config.json");
    write(file, ExporterConfigReader.toJson(config()));
    return file;
  }

  RunSummary run(Instant now) {
    return run(now, null, ExportMode.FillGaps, CommitObserver.NONE);
  }

  RunSummary run(Instant now, ExportWindow window, ExportMode mode) {
    return run(now, window, mode, CommitObserver.NONE);
  }

  /** A run that dies at {@code step} (the first time it is reached); returns normally only if it is never reached. */
  void runCrashingAt(CommitStep step, Instant now, ExportWindow window, ExportMode mode) {
    try {
      run(now, window, mode, (reached, w) -> {
        if (reached == step) {
          throw new SimulatedCrash(step);
        }
      });
    } catch (SimulatedCrash expected) {
      return;
    }
    throw new AssertionError("the run never reached " + step);
  }

  RunSummary run(Instant now, ExportWindow window, ExportMode mode, CommitObserver observer) {
    ExporterConfig config = config();
    AmplitudeClientSettings settings = AmplitudeClientSettings
        .of(AmplitudeRegion.US, project().baseUri(), project().credentials())
        .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(30))
        .withRetryPolicy(new RetryPolicy(4, Duration.ofMillis(20), Duration.ofMillis(100), Duration.ofSeconds(20)));
    try (AmplitudeExportClient source = new AmplitudeExportClient(settings)) {
      BigQuery client = client();
      clock.set(now);
      ExportRun run = new ExportRun(config, new ExportRun.Options(window, mode, Clock.fixed(now, ZoneOffset.UTC),
          retryQuarantined),
          source, client, observer);
      run.committers().forEach(c -> c.withChunkSize(chunkSize).withBackoff(20));
      return run.run();
    }
  }

  /** Staging tables left in the dataset (expired ones do not count). */
  List<String> stagingTables() {
    List<String> names = new java.util.ArrayList<>();
    client().listTables(com.google.cloud.bigquery.DatasetId.of(PROJECT, dataset)).iterateAll()
        .forEach(t -> names.add(t.getTableId().getTable()));
    return names.stream().filter(n -> n.startsWith("_bqexport_stage_")).toList();
  }

  long rows() {
    return bigquery.rowCount(PROJECT, DATASET, TABLE);
  }

  long distinctUuids() {
    return number(query("SELECT COUNT(DISTINCT uuid) AS n FROM `" + PROJECT + "." + DATASET + "." + TABLE + "`")
        .get(0).get("n"));
  }

  List<Map<String, Object>> ledger() {
    return query("SELECT hour, row_count, generation, job_id, byte_count, source_files FROM `" + PROJECT + "." + DATASET
        + "._bqexport_ledger` ORDER BY hour");
  }

  List<Map<String, Object>> query(String sql) {
    return bigquery.query(PROJECT, sql);
  }

  static long number(Object value) {
    return ((Number) value).longValue();
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    amplitude.close();
    bigquery.close();
  }
}
