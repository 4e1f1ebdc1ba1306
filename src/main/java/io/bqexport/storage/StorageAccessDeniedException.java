package io.bqexport.storage;

import io.bqexport.amplitude.AmplitudeException;

/**
 * Cloud Storage refused the reader's identity (401 or 403). Never retried. The message names the permission and
 * the bucket, not Cloud Storage's own text: responses of the storage endpoint are not copied into status.
 */
public final class StorageAccessDeniedException extends AmplitudeException {
  public static final String REASON = "StorageAccessDenied";

  private final String permission;
  private final String bucket;

  StorageAccessDeniedException(int status, String permission, String bucket) {
    super(REASON, status == 401
        ? "Cloud Storage rejected the credentials (HTTP 401) reading gs://" + bucket + ": check the key or the "
            + "Workload Identity binding of the exporter's service account"
        : "the exporter's service account lacks " + permission + " on gs://" + bucket + " (HTTP 403): grant it "
            + "roles/storage.objectViewer on the bucket (the storage source needs storage.objects.list and "
            + "storage.objects.get only)");
    this.permission = permission;
    this.bucket = bucket;
  }

  /** storage.objects.list or storage.objects.get. */
  public String permission() {
    return permission;
  }

  public String bucket() {
    return bucket;
  }
}
