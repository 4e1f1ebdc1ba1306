package io.bqexport.exporter;

import com.google.cloud.NoCredentials;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.Storage;
import io.bqexport.ExportWindow;
import io.bqexport.amplitude.LineSource;
import io.bqexport.amplitude.RetryPolicy;
import io.bqexport.bigquery.EventMapper;
import io.bqexport.bigquery.WindowStats;
import io.bqexport.storage.StorageClients;
import io.bqexport.storage.StorageHourReader;
import io.bqexport.storage.StorageLayout;
import io.bqexport.storage.StorageObjectKind;
import io.bqexport.storage.StorageWindowSource;
import io.bqexport.testing.amplitude.AmplitudeEventGenerator;
import io.bqexport.testing.amplitude.GeneratedEvents;
import io.bqexport.testing.storage.AmplitudeStorageExport;
import io.bqexport.testing.storage.CloudStorageStandIn;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * Throughput of the storage path on one large hour, against the decompression floor (gunzip of the same objects in
 * memory): reading only (list, download from the Cloud Storage stand-in, gunzip, lines) and reading plus mapping to
 * the upload stream (discarded; BigQuery is not part of this figure). Not a test. Args: events (default 250000).
 */
public final class StorageThroughputBench {

  private StorageThroughputBench() {}

  public static void main(String[] args) throws Exception {
    long count = args.length > 0 ? Long.parseLong(args[0]) : 250_000;
    Instant hour = Instant.parse("2026-11-28T10:00:00Z");
    StorageLayout layout = new StorageLayout("amplitude", "187520", "189524");
    try (CloudStorageStandIn gcs = CloudStorageStandIn.start();
        Storage storage = StorageClients.create(NoCredentials.getInstance(), gcs.endpoint(), "bench",
            RetryPolicy.DEFAULT)) {
      GeneratedEvents events = new GeneratedEvents(new AmplitudeEventGenerator(7, 187520)).hour(hour, count)
          .eventsPerFile(50_000);
      List<String> names = new AmplitudeStorageExport(gcs, "bench", layout).writeEvents(events, hour);
      long compressed = 0;
      long uncompressed = 0;
      long floorNanos = 0;
      for (String name : names) {
        byte[] bytes = storage.readAllBytes(BlobId.of("bench", name));
        compressed += bytes.length;
        long start = System.nanoTime();
        uncompressed += drain(new GZIPInputStream(new ByteArrayInputStream(bytes), 64 * 1024));
        floorNanos += System.nanoTime() - start;
      }
      StorageWindowSource source = new StorageWindowSource(new StorageHourReader(storage, "bench", layout), "bench",
          StorageObjectKind.EVENTS);
      ExportWindow window = ExportWindow.ofHour(hour);
      for (int round = 0; round < 2; round++) { // the first round warms the JIT
        long start = System.nanoTime();
        long lines = 0;
        try (LineSource stream = source.open(window)) {
          while (stream.next() != null) {
            lines++;
          }
        }
        double readSeconds = (System.nanoTime() - start) / 1e9;
        start = System.nanoTime();
        WindowStats stats = new WindowRowWriter(source, new EventMapper()::map,
            EventTypeFilter.of((ExporterConfig.EventFilter) null), window, 0, "storage.maxBadRecords",
            new HashSet<>()).writeRows(OutputStream.nullOutputStream());
        double mapSeconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "round %d: %d files, %.1f MB gzip, %.1f MB NDJSON, %d lines; floor (gunzip in "
                + "memory) %.2f s; read (list+download+gunzip+lines) %.2f s = %.2fx floor, %.1f MB/s; read+map to "
                + "upload stream %.2f s = %.2fx floor, %.0f events/s (%d rows)%n", round, names.size(),
            compressed / 1e6, uncompressed / 1e6, lines, floorNanos / 1e9, readSeconds,
            readSeconds / (floorNanos / 1e9), uncompressed / 1e6 / readSeconds, mapSeconds,
            mapSeconds / (floorNanos / 1e9), stats.rows() / mapSeconds, stats.rows());
      }
    }
  }

  private static long drain(InputStream in) throws IOException {
    byte[] buffer = new byte[64 * 1024];
    long total = 0;
    try (in) {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        total += n;
      }
    }
    return total;
  }
}
