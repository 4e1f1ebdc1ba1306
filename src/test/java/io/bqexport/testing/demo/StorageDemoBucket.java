package io.bqexport.testing.demo;

import io.bqexport.storage.StorageLayout;
import io.bqexport.storage.StorageObjectKind;
import io.bqexport.testing.amplitude.GeneratedEvents;
import io.bqexport.testing.storage.AmplitudeStorageExport;
import io.bqexport.testing.storage.CloudStorageStandIn;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The bucket of `make demo ARGS="--source storage"`: a directory in the layout of Amplitude's Cloud Storage export
 * served as it is, or a generated bucket with events and merged IDs whose merges join users that have events.
 */
final class StorageDemoBucket {
  static final String BUCKET = "amplitude-demo";
  /** scope _ date _ hour [#n] .json.gz, as Amplitude names its files. */
  private static final Pattern FILE =
      Pattern.compile("(-?[1-9]\\d{0,18})_(\\d{4}-\\d{2}-\\d{2})_(\\d{1,2})(#\\d+)?\\.json\\.gz");

  /**
   * What the bucket holds.
   *
   * @param orgId null with legacy merged IDs (under the app ID) or none at all
   * @param mergeIds whether there are merged-ID files
   */
  record Contents(String appId, String orgId, boolean mergeIds, List<Instant> hours, int objects) {
    boolean legacyMergeIds() {
      return mergeIds && orgId == null;
    }
  }

  private StorageDemoBucket() {}

  /**
   * Serves DIR: files keep their path relative to DIR ({@code 187520/187520_2026-11-28_7#1.json.gz},
   * {@code -189524/-189524_2026-11-28_7.json.gz}); files directly in DIR go under their scope's folder, as
   * Amplitude lays them out.
   */
  static Contents serve(CloudStorageStandIn gcs, Path dir) throws IOException {
    gcs.createBucket(BUCKET);
    String appId = null;
    String orgId = null;
    boolean mergeIds = false;
    TreeSet<Instant> hours = new TreeSet<>();
    int objects = 0;
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dir)) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    }
    for (Path file : files) {
      Matcher m = FILE.matcher(file.getFileName().toString());
      if (!m.matches()) {
        continue;
      }
      String scope = m.group(1);
      if (m.group(4) != null) {
        appId = scope;
        hours.add(LocalDate.parse(m.group(2)).atStartOfDay(ZoneOffset.UTC).toInstant()
            .plusSeconds(3600L * Integer.parseInt(m.group(3))));
      } else {
        mergeIds = true;
        if (scope.startsWith("-")) {
          orgId = scope.substring(1);
        }
      }
      String name = file.getParent().equals(dir) ? scope + "/" + file.getFileName()
          : dir.relativize(file).toString().replace('\\', '/');
      gcs.put(BUCKET, name, Files.readAllBytes(file));
      objects++;
    }
    return new Contents(appId, orgId, mergeIds, List.copyOf(hours), objects);
  }

  /** Writes the events of each hour, and merges of some of the hour's users into others who have events too. */
  static Contents generate(CloudStorageStandIn gcs, GeneratedEvents events, List<Instant> hours,
      int mergesPerHour) {
    String appId = Long.toString(events.generator().appId());
    String orgId = "189524";
    var layout = new StorageLayout("", appId, orgId);
    var bucket = new AmplitudeStorageExport(gcs, BUCKET, layout);
    int objects = 0;
    for (Instant hour : hours) {
      objects += bucket.writeEvents(events, hour).size();
      List<String> ids = new ArrayList<>(new TreeSet<>(events.values(hour, "amplitude_id")));
      List<String> merges = new ArrayList<>();
      for (int i = 0; i + 1 < ids.size() && merges.size() < mergesPerHour; i += 2) {
        long serverTime = hour.toEpochMilli() + 60_000L * (i + 1);
        merges.add("{\"scope\":-" + orgId + ",\"merge_time\":" + (serverTime - 30_000) + ",\"merge_server_time\":"
            + serverTime + ",\"amplitude_id\":" + ids.get(i + 1) + ",\"merged_amplitude_id\":" + ids.get(i) + "}");
      }
      gcs.put(BUCKET, layout.mergeIdsObject(hour), AmplitudeStorageExport.gzip(merges));
      objects++;
    }
    return new Contents(appId, orgId, true, List.copyOf(hours), objects);
  }

  /** Where the events are, for the demo's narration. */
  static String eventsFolder(Contents contents) {
    return "gs://" + BUCKET + "/" + new StorageLayout("", contents.appId(), contents.orgId())
        .directory(StorageObjectKind.EVENTS);
  }
}
