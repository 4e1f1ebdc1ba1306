package io.bqexport.testing.storage;

/** The JSON API operations the stand-in serves, with the IAM permission each one needs. */
public enum StorageOperation {
  /** objects.list: GET /storage/v1/b/{bucket}/o */
  LIST("storage.objects.list"),
  /** objects.get: GET /storage/v1/b/{bucket}/o/{object} (metadata) */
  GET_METADATA("storage.objects.get"),
  /** objects.get with alt=media (the object's bytes) */
  GET_MEDIA("storage.objects.get");

  private final String permission;

  StorageOperation(String permission) {
    this.permission = permission;
  }

  public String permission() {
    return permission;
  }
}
