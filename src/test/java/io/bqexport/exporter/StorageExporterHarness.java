package io.bqexport.exporter;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.storage.Storage;
import io.bqexport.ExportWindow;
import io.bqexport.amplitude.RetryPolicy;
import io.bqexport.bigquery.CommitObserver;
import io.bqexport.storage.StorageLayout;
import io.bqexport.testing.MutableClock;
import io.bqexport.testing.ServiceAccountKeys;
import io.bqexport.testing.amplitude.AmplitudeEventGenerator;
import io.bqexport.testing.amplitude.GeneratedEvents;
import io.bqexport.testing.bigquery.BigQueryEmulator;
import io.bqexport.testing.storage.AmplitudeStorageExport;
import io.bqexport.testing.storage.CloudStorageStandIn;
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

/**
 * The exporter reading Amplitude's Cloud Storage export: a BigQuery emulator and a Cloud Storage stand-in, real
 * clients over loopback, built by {@link ExporterClients} from the config as the pod builds them. Every {@link #run}
 * builds fresh clients and a fresh ExportRun, like a new pod.
 */
final class StorageExporterHarness implements AutoCloseable {

  static final String PROJECT = "acme-analytics";
  static final String DATASET = "amplitude";
  static final String BUCKET = "amplitude-export";
  static final String APP_ID = "187520";
  static final String ORG_ID = "189524";
  static final Instant START = Instant.parse("2026-11-28T00:00:00Z");
  private static final RetryPolicy FAST =
      new RetryPolicy(4, Duration.ofMillis(5), Duration.ofMillis(50), Duration.ofSeconds(30));

  final MutableClock clock = new MutableClock(START);
  final BigQueryEmulator bigquery;
  final CloudStorageStandIn gcs;
  final Path dir;
  final Path keyFile;
  final GeneratedEvents events = new GeneratedEvents(new AmplitudeEventGenerator(42, Long.parseLong(APP_ID)));
  AmplitudeStorageExport export;
  Instant startFrom = START;
  String bucket = BUCKET;
  boolean mergeIds = true;
  boolean legacyLayout;
  ExporterConfig.EventFilter filter;
  /** Workload Identity for BigQuery and Cloud Storage: no key file in the config. */
  boolean workloadIdentity;
  ExporterConfig.Integrity integrity;
  /** storage.maxBadRecords. */
  int maxBadRecords;
  GoogleCredentialsSource google = GoogleCredentialsSource.DEFAULT;

  StorageExporterHarness() {
    try {
      this.dir = Files.createTempDirectory("bqexport-storage-test");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    bigquery = BigQueryEmulator.start(clock);
    gcs = CloudStorageStandIn.start(clock);
    ServiceAccountKeys.Key key = ServiceAccountKeys.create(bigquery, PROJECT, "writer");
    keyFile = dir.resolve("service-account.json");
    try {
      Files.writeString(keyFile, key.json());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    bigquery.createDataset(PROJECT, DATASET);
    bigquery.requireAuthentication(true);
    useLayout(false);
  }

  /** Amplitude's layout: merged IDs under -orgId, or (legacy) under the app ID beside the events. */
  StorageExporterHarness useLayout(boolean legacy) {
    legacyLayout = legacy;
    export = new AmplitudeStorageExport(gcs, BUCKET, new StorageLayout("amplitude", APP_ID, legacy ? null : ORG_ID));
    return this;
  }

  static Instant hour(int h) {
    return START.plus(Duration.ofHours(h));
  }

  ExporterConfig config() {
    String key = workloadIdentity ? null : keyFile.toString();
    Boolean wi = workloadIdentity ? Boolean.TRUE : null;
    return new ExporterConfig(
        new ExporterConfig.ExportRef("default", "product-events"),
        null,
        new ExporterConfig.Storage(bucket, "amplitude", APP_ID, legacyLayout ? null : ORG_ID,
            legacyLayout ? Boolean.TRUE : null, gcs.endpoint(), key, wi, maxBadRecords),
        new ExporterConfig.Destination(PROJECT, DATASET, "US", key, bigquery.endpoint(), false, wi),
        new ExporterConfig.Data(new ExporterConfig.Events(true, "events", filter),
            new ExporterConfig.MergeIds(mergeIds, null)),
        startFrom.toString(), "PT2H", 24, dir.resolve("termination-log").toString(), null, integrity);
  }

  RunSummary run(Instant now) {
    return run(now, null, ExportMode.FillGaps, CommitObserver.NONE);
  }

  RunSummary run(Instant now, ExportWindow window, ExportMode mode, CommitObserver observer) {
    ExporterConfig config = ExporterConfigReader.parse(ExporterConfigReader.toJson(config()));
    clock.set(now);
    Clock fixed = Clock.fixed(now, ZoneOffset.UTC);
    BigQuery client = ExporterClients.bigquery(config.destination(), google);
    try (Storage storage = ExporterClients.storage(config, google, FAST)) {
      ExportRun run = new ExportRun(config, new ExportRun.Options(window, mode, fixed),
          ExporterClients.storageSources(config, storage), client, observer);
      run.committers().forEach(c -> c.withChunkSize(256 * 1024).withBackoff(20));
      return run.run();
    } catch (ExportFailure e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  long rows(String table) {
    return bigquery.rowCount(PROJECT, DATASET, table);
  }

  long distinct(String table, String column) {
    return ((Number) query("SELECT COUNT(DISTINCT " + column + ") AS n FROM `" + PROJECT + "." + DATASET + "."
        + table + "`").get(0).get("n")).longValue();
  }

  /** The ledger rows of a table, by hour. */
  List<Map<String, Object>> ledger(String table) {
    return query("SELECT hour, row_count, verified, `filter`, source_files FROM `" + PROJECT + "." + DATASET
        + "._bqexport_ledger` WHERE table_name = '" + table + "' ORDER BY hour");
  }

  List<Map<String, Object>> query(String sql) {
    return bigquery.query(PROJECT, sql);
  }

  @Override
  public void close() {
    gcs.close();
    bigquery.close();
  }
}
