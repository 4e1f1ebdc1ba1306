package io.bqexport.storage;

import io.bqexport.amplitude.AmplitudeException;

/** The bucket does not exist (404 on objects.list). Never retried. */
public final class BucketNotFoundException extends AmplitudeException {
  public static final String REASON = "BucketNotFound";

  BucketNotFoundException(String bucket) {
    super(REASON, "the bucket gs://" + bucket + " does not exist: check the bucket name given to Amplitude's "
        + "Cloud Storage export (spec.source.storage.gcs.bucket)");
  }
}
