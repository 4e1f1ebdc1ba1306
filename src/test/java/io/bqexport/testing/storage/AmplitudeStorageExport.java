package io.bqexport.testing.storage;

import io.bqexport.storage.StorageLayout;
import io.bqexport.storage.StorageObjectKind;
import io.bqexport.testing.amplitude.ExportFile;
import io.bqexport.testing.amplitude.GeneratedEvents;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;

/**
 * Writes what Amplitude's Cloud Storage export writes into the stand-in's bucket, deterministically: the events
 * of {@link GeneratedEvents} as {@code {appId}_yyyy-MM-dd_H#n.json.gz} files (one per generated file), and merged
 * IDs as one {@code -{orgId}_yyyy-MM-dd_H.json.gz} file per hour (legacy: under the app ID).
 */
public final class AmplitudeStorageExport {
  private final CloudStorageStandIn gcs;
  private final String bucket;
  private final StorageLayout layout;

  public AmplitudeStorageExport(CloudStorageStandIn gcs, String bucket, StorageLayout layout) {
    this.gcs = gcs.createBucket(bucket);
    this.bucket = bucket;
    this.layout = layout;
  }

  public StorageLayout layout() {
    return layout;
  }

  /** Writes the hour's generated event files; returns the object names, in file order. */
  public List<String> writeEvents(GeneratedEvents events, Instant hour) {
    if (!Long.toString(events.generator().appId()).equals(layout.appId())) {
      throw new IllegalArgumentException("the generator's app ID differs from the layout's");
    }
    List<String> names = new ArrayList<>();
    for (ExportFile file : events.files(hour)) {
      String name = layout.directory(StorageObjectKind.EVENTS) + file.name();
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try {
        file.writeGzip(bytes);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      gcs.put(bucket, name, bytes.toByteArray());
      names.add(name);
    }
    return names;
  }

  /** Writes the hour's merged-ID file with {@code count} records; returns the records (NDJSON lines). */
  public List<String> writeMergeIds(Instant hour, int count, long seed) {
    List<String> records = mergeRecords(hour, count, seed);
    gcs.put(bucket, layout.mergeIdsObject(hour), gzip(records));
    return records;
  }

  /** Merge records of an hour: merge_server_time inside it, merge_time up to a day earlier, times in epoch ms. */
  public List<String> mergeRecords(Instant hour, int count, long seed) {
    SplittableRandom random = new SplittableRandom(seed ^ hour.getEpochSecond());
    long scope = Long.parseLong(layout.legacyMergeIds() ? layout.appId() : "-" + layout.orgId());
    List<String> records = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      long serverTime = hour.toEpochMilli() + random.nextLong(3_600_000L);
      long mergeTime = serverTime - random.nextLong(86_400_000L);
      long amplitudeId = 100_000_000_000L + random.nextLong(900_000_000_000L);
      long mergedId = 100_000_000_000L + random.nextLong(900_000_000_000L);
      records.add("{\"scope\":" + scope + ",\"merge_time\":" + mergeTime + ",\"merge_server_time\":" + serverTime
          + ",\"amplitude_id\":" + amplitudeId + ",\"merged_amplitude_id\":" + mergedId + "}");
    }
    return records;
  }

  /** NDJSON lines, gzipped. */
  public static byte[] gzip(List<String> lines) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream gzip = new GZIPOutputStream(bytes)) {
      for (String line : lines) {
        gzip.write(line.getBytes(StandardCharsets.UTF_8));
        gzip.write('\n');
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}
