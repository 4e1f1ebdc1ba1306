package io.bqexport.storage;

import com.google.api.gax.paging.Page;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.Storage.BlobField;
import com.google.cloud.storage.Storage.BlobListOption;
import io.bqexport.ExportWindow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads hours of Amplitude's Cloud Storage export: lists an hour's objects (objects.list, storage.objects.list)
 * and streams their lines (objects.get with alt=media, storage.objects.get) as {@link
 * io.bqexport.amplitude.SourceLine}s, the records the Export API path hands to the mapping and commit pipeline.
 * No other permission is used.
 */
public final class StorageHourReader {
  private static final Logger LOG = LoggerFactory.getLogger(StorageHourReader.class);

  private final Storage storage;
  private final String bucket;
  private final StorageLayout layout;

  public StorageHourReader(Storage storage, String bucket, StorageLayout layout) {
    this.storage = storage;
    this.bucket = bucket;
    this.layout = layout;
  }

  public StorageLayout layout() {
    return layout;
  }

  /** The hour's files of this kind; an empty listing is an hour without files, not an error. */
  public HourObjects list(StorageObjectKind kind, Instant hour) {
    String prefix = layout.hourPrefix(kind, hour);
    List<ListedObject> objects = new ArrayList<>();
    try {
      Page<Blob> page = storage.list(bucket, BlobListOption.prefix(prefix),
          BlobListOption.fields(BlobField.NAME, BlobField.GENERATION, BlobField.SIZE));
      for (Blob blob : page.iterateAll()) {
        Optional<ExportObjectName> name = layout.parse(kind, hour, blob.getName());
        if (name.isEmpty()) {
          LOG.warn("ignoring gs://{}/{}: not a {} file of {} in Amplitude's layout", bucket, blob.getName(),
              kind, hour);
          continue;
        }
        objects.add(new ListedObject(blob.getName(), blob.getGeneration(), blob.getSize(),
            name.get().fileNumber()));
      }
    } catch (RuntimeException e) {
      throw StorageFailures.translate(e, bucket, StorageFailures.LIST, "listing gs://" + bucket + "/" + prefix,
          false);
    }
    objects.sort(Comparator.comparingLong(ListedObject::fileNumber));
    return new HourObjects(kind, hour, bucket, prefix, objects);
  }

  /** Lists every hour of the window, then streams their objects in hour and file order. */
  public StorageLineStream open(StorageObjectKind kind, ExportWindow window) {
    List<HourObjects> hours = new ArrayList<>();
    for (Instant hour : window.hourList()) {
      hours.add(list(kind, hour));
    }
    return open(hours);
  }

  /** Streams already listed hours (e.g. after checking that they have files). */
  public StorageLineStream open(List<HourObjects> hours) {
    return new StorageLineStream(storage, bucket, hours);
  }
}
