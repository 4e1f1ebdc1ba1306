package io.bqexport.bench;

import com.google.cloud.NoCredentials;
import com.google.cloud.storage.Storage;
import io.bqexport.ExportWindow;
import com.google.cloud.ReadChannel;
import com.google.cloud.storage.BlobId;
import io.bqexport.amplitude.ExportLineStream;
import io.bqexport.amplitude.RetryPolicy;
import io.bqexport.amplitude.Utf8LineReader;
import java.nio.ByteBuffer;
import io.bqexport.amplitude.SourceLine;
import io.bqexport.storage.StorageClients;
import io.bqexport.storage.StorageHourReader;
import io.bqexport.storage.StorageLayout;
import io.bqexport.storage.StorageLineStream;
import io.bqexport.storage.StorageObjectKind;
import io.bqexport.testing.amplitude.AmplitudeEventGenerator;
import io.bqexport.testing.amplitude.GeneratedEvents;
import io.bqexport.testing.storage.AmplitudeStorageExport;
import io.bqexport.testing.storage.CloudStorageStandIn;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Throughput of StorageHourReader (real client, loopback HTTP to the stand-in, gunzip, line splitting) against
 * the floor of plain gunzip of the same objects in memory, in the same process. Prints events/s; no assertion.
 * Usage: StorageReaderThroughput [events, default 200000] [rounds, default 3].
 */
public final class StorageReaderThroughput {
  private static final Instant HOUR = Instant.parse("2026-11-28T17:00:00Z");
  private static final String BUCKET = "bench";

  private StorageReaderThroughput() {
  }

  public static void main(String[] args) throws Exception {
    long events = args.length > 0 ? Long.parseLong(args[0]) : 200_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    StorageLayout layout = new StorageLayout("amplitude", "187520", "189524");
    try (CloudStorageStandIn gcs = CloudStorageStandIn.start()) {
      GeneratedEvents source = new GeneratedEvents(new AmplitudeEventGenerator(1, 187_520))
          .hour(HOUR, events).eventsPerFile(50_000).gzipLevel(6);
      List<String> names = new AmplitudeStorageExport(gcs, BUCKET, layout).writeEvents(source, HOUR);
      Storage storage = StorageClients.create(NoCredentials.getInstance(), gcs.endpoint(), "bench",
          RetryPolicy.DEFAULT);
      List<byte[]> objects = names.stream().map(name -> storage.readAllBytes(BUCKET, name)).toList();
      long compressed = objects.stream().mapToLong(o -> o.length).sum();
      System.out.printf("%d events in %d objects, %.1f MB compressed%n", events, names.size(), compressed / 1e6);
      StorageHourReader reader = new StorageHourReader(storage, BUCKET, layout);
      for (int round = 1; round <= rounds; round++) {
        long start = System.nanoTime();
        long[] floor = gunzip(objects);
        double floorSeconds = (System.nanoTime() - start) / 1e9;
        start = System.nanoTime();
        long lines = 0;
        try (StorageLineStream stream = reader.open(StorageObjectKind.EVENTS, new ExportWindow(HOUR,
            HOUR.plusSeconds(3600)))) {
          for (SourceLine line = stream.next(); line != null; line = stream.next()) {
            lines++;
          }
        }
        double readerSeconds = (System.nanoTime() - start) / 1e9;
        start = System.nanoTime();
        long linesInMemory = splitLines(objects);
        double splitSeconds = (System.nanoTime() - start) / 1e9;
        start = System.nanoTime();
        long downloaded = download(storage, names);
        double downloadSeconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("round %d: in memory gunzip + line split %,.0f events/s (%d lines); download only "
            + "%.0f MB/s compressed (%d bytes)%n", round, linesInMemory / splitSeconds, linesInMemory,
            downloaded / downloadSeconds / 1e6, downloaded);
        System.out.printf("round %d: gunzip floor %,.0f events/s (%.0f MB/s uncompressed); StorageHourReader "
                + "%,.0f events/s (%.0f MB/s); reader/floor %.2f (lines %d = %d)%n", round,
            floor[0] / floorSeconds, floor[1] / floorSeconds / 1e6, lines / readerSeconds,
            floor[1] / readerSeconds / 1e6, floorSeconds / readerSeconds, lines, floor[0]);
      }
      storage.close();
    }
  }

  /** In-memory gunzip split into String lines as the reader does (no HTTP): where the time goes. */
  private static long splitLines(List<byte[]> objects) throws IOException {
    long lines = 0;
    Utf8LineReader reader = new Utf8LineReader(ExportLineStream.MAX_LINE_BYTES);
    for (byte[] object : objects) {
      try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(object), 64 * 1024)) {
        reader.reset(in);
        while (reader.readLine() != null) {
          lines++;
        }
      }
    }
    return lines;
  }

  /** The objects' bytes through the client's read channel, not decompressed. */
  private static long download(Storage storage, List<String> names) throws IOException {
    long bytes = 0;
    ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    for (String name : names) {
      try (ReadChannel channel = storage.reader(BlobId.of(BUCKET, name))) {
        channel.setChunkSize(1024 * 1024);
        for (int n = channel.read(buffer); n >= 0; n = channel.read(buffer)) {
          bytes += n;
          buffer.clear();
        }
      }
    }
    return bytes;
  }

  /** Lines (newlines) and uncompressed bytes of the objects: the cost of decompression alone. */
  private static long[] gunzip(List<byte[]> objects) throws IOException {
    long lines = 0;
    long bytes = 0;
    byte[] buffer = new byte[64 * 1024];
    for (byte[] object : objects) {
      try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(object), 64 * 1024)) {
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
          bytes += n;
          for (int i = 0; i < n; i++) {
            if (buffer[i] == '\n') {
              lines++;
            }
          }
        }
      }
    }
    return new long[] {lines, bytes};
  }
}
