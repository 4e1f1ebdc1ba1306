package io.bqexport.storage;

import java.time.Instant;
import java.util.List;

/**
 * The files of one hour and kind, in file-number order ({@code #2} before {@code #10}). Empty when Amplitude
 * wrote nothing for the hour (yet): that is not an error, and {@link #listedPrefix} says where it looked.
 */
public record HourObjects(StorageObjectKind kind, Instant hour, String bucket, String listedPrefix,
    List<ListedObject> objects) {

  public HourObjects {
    objects = List.copyOf(objects);
  }

  public boolean isEmpty() {
    return objects.isEmpty();
  }

  /** Compressed bytes of the hour. */
  public long totalBytes() {
    return objects.stream().mapToLong(ListedObject::size).sum();
  }

  /** gs://bucket/prefix, for messages such as "no export files under ...". */
  public String location() {
    return "gs://" + bucket + "/" + listedPrefix;
  }
}
