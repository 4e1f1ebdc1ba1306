package io.bqexport.storage;

import io.bqexport.ExportWindow;
import io.bqexport.amplitude.LineSource;
import io.bqexport.amplitude.WindowSource;
import java.time.Instant;

/**
 * One kind of record (events or merged IDs) of Amplitude's Cloud Storage export, window by window: every hour of
 * the window is listed, then its objects are streamed in hour and file order. An hour without objects is reported
 * by {@link LineSource#hoursWithoutData()}, like the Export API's 404.
 */
public final class StorageWindowSource implements WindowSource {
  private final StorageHourReader reader;
  private final StorageObjectKind kind;
  private final String uriPrefix;

  public StorageWindowSource(StorageHourReader reader, String bucket, StorageObjectKind kind) {
    this.reader = reader;
    this.kind = kind;
    this.uriPrefix = "gs://" + bucket + "/";
  }

  @Override
  public LineSource open(ExportWindow window) {
    return reader.open(kind, window);
  }

  /** The hour in the object's name (gs://bucket/name), by the layout's rules for this kind. */
  @Override
  public Instant fileHour(String file) {
    if (file == null || !file.startsWith(uriPrefix)) {
      return null;
    }
    return reader.layout().parse(kind, file.substring(uriPrefix.length())).map(ExportObjectName::hour)
        .orElse(null);
  }
}
