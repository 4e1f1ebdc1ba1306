package io.bqexport.testing.storage;

/**
 * One injected failure of the Cloud Storage stand-in, for the next request of an operation.
 *
 * @param status the HTTP status to answer with (STATUS)
 * @param retryAfter a Retry-After value or null
 * @param afterBytes how many body bytes are sent before the connection is closed (TRUNCATED_BODY)
 */
public record StorageFault(Kind kind, int status, String retryAfter, long afterBytes) {

  public enum Kind {
    /** Answer with this status and GCS's JSON error body instead of the data. */
    STATUS,
    /** Announce the whole body (Content-Length), send {@code afterBytes} of it, then drop the connection. */
    TRUNCATED_BODY
  }

  public static StorageFault status(int status) {
    return new StorageFault(Kind.STATUS, status, null, 0);
  }

  public static StorageFault tooManyRequests(String retryAfter) {
    return new StorageFault(Kind.STATUS, 429, retryAfter, 0);
  }

  public static StorageFault truncatedBody(long afterBytes) {
    return new StorageFault(Kind.TRUNCATED_BODY, 0, null, afterBytes);
  }
}
