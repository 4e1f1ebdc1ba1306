package io.bqexport.storage;

import com.google.cloud.storage.StorageException;
import io.bqexport.amplitude.AmplitudeException;
import io.bqexport.amplitude.SourceUnavailableException;

/** Turns what the Cloud Storage client throws, after its own bounded retries, into the exporter's failures. */
final class StorageFailures {
  static final String LIST = "storage.objects.list";
  static final String GET = "storage.objects.get";

  private StorageFailures() {
  }

  /** The StorageException in a cause chain (the read channel wraps it in IOExceptions), or null. */
  static StorageException storageCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof StorageException storage) {
        return storage;
      }
    }
    return null;
  }

  /** The failure of google-auth to get a token (thrown from com.google.auth code), or null. */
  static Throwable authCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.io.IOException && t.getStackTrace().length > 0
          && t.getStackTrace()[0].getClassName().startsWith("com.google.auth.")) {
        return t;
      }
    }
    return null;
  }

  private static String firstSentence(String message) {
    if (message == null) {
      return "no detail";
    }
    int end = message.indexOf(". ");
    return end < 0 ? message : message.substring(0, end);
  }

  /**
   * @param what e.g. "listing gs://b/events/1/1_2026-11-28_1#"
   * @param objectGone true when a 404 means a listed object disappeared (for a listing it means no bucket)
   */
  static AmplitudeException translate(Throwable e, String bucket, String permission, String what,
      boolean objectGone) {
    StorageException storage = storageCause(e);
    int code = storage == null ? 0 : storage.getCode();
    Throwable auth = authCause(e);
    if (code == 0 && auth != null) {
      return new StorageAuthException(firstSentence(auth.getMessage()), e);
    }
    if (code == 401 || code == 403) {
      return new StorageAccessDeniedException(code, permission, bucket);
    }
    if (code == 404 && !objectGone) {
      return new BucketNotFoundException(bucket);
    }
    if (code == 404) {
      return new SourceUnavailableException("the object was listed but is gone when " + what + " (deleted or "
          + "replaced by Amplitude meanwhile); nothing was committed, the next run lists the hour again", e);
    }
    String failure = code == 0 ? String.valueOf(e.getMessage()) : "HTTP " + code;
    return new SourceUnavailableException("Cloud Storage failed " + what + " after the client's retries (last: "
        + failure + "); nothing was committed, the next run retries. If this persists check the network path to "
        + "storage.googleapis.com and https://status.cloud.google.com", e);
  }
}
