package io.bqexport.storage;

import com.google.cloud.ReadChannel;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.Storage.BlobField;
import com.google.cloud.storage.Storage.BlobListOption;
import io.bqexport.amplitude.AmplitudeException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * The storage source's check before activation, like the test upload: list the events folder
 * (storage.objects.list) and read the start of one export file (storage.objects.get), with the exporter's
 * credentials. Reads at most one page of names and {@link #READ_BYTES} bytes, whatever the bucket holds.
 */
public final class StorageAccessProbe {
  /** Names looked at in the events folder; Amplitude's files sort by date, so the first page has some if any. */
  static final int PAGE = 100;
  static final long READ_BYTES = 1024;

  private final Storage storage;
  private final String bucket;
  private final StorageLayout layout;

  public StorageAccessProbe(Storage storage, String bucket, StorageLayout layout) {
    this.storage = storage;
    this.bucket = bucket;
    this.layout = layout;
  }

  /**
   * @return what was proven, for the condition message
   * @throws AmplitudeException BucketNotFound, StorageAccessDenied (naming the permission), StorageAuthFailed,
   *     NoExportFiles (naming where it looked) or SourceUnavailable
   */
  public String verify() {
    String folder = layout.directory(StorageObjectKind.EVENTS);
    Optional<Blob> file = firstEventsFile(folder);
    if (file.isEmpty()) {
      throw new NoExportFilesException(bucket, folder, layout.appId() + "_yyyy-MM-dd_H#n.json.gz");
    }
    Blob blob = file.get();
    try (ReadChannel reader = storage.reader(BlobId.of(bucket, blob.getName(), blob.getGeneration()))) {
      reader.limit(READ_BYTES);
      reader.read(ByteBuffer.allocate((int) READ_BYTES));
    } catch (IOException | RuntimeException e) {
      throw StorageFailures.translate(e, bucket, StorageFailures.GET, "reading gs://" + bucket + "/"
          + blob.getName(), true);
    }
    return "gs://" + bucket + "/" + folder + " lists Amplitude's export files, and "
        + blob.getName().substring(folder.length()) + " reads";
  }

  private Optional<Blob> firstEventsFile(String folder) {
    try {
      for (Blob blob : storage.list(bucket, BlobListOption.prefix(folder), BlobListOption.pageSize(PAGE),
          BlobListOption.fields(BlobField.NAME, BlobField.GENERATION, BlobField.SIZE)).getValues()) {
        if (layout.parse(StorageObjectKind.EVENTS, blob.getName()).isPresent()) {
          return Optional.of(blob);
        }
      }
      return Optional.empty();
    } catch (RuntimeException e) {
      throw StorageFailures.translate(e, bucket, StorageFailures.LIST, "listing gs://" + bucket + "/" + folder,
          false);
    }
  }
}
