package io.bqexport.testing.amplitude;

import java.time.Duration;

/**
 * One injected failure of the Amplitude stand-in. Byte offsets count the response body (the zip) from 0;
 * entry indexes count the zip's entries from 0.
 */
public record StandInFault(Kind kind, int status, String retryAfter, long bytes, int entry, Duration pause) {

  public enum Kind {
    /** Answer with a status (and Retry-After when set) instead of the data. */
    STATUS,
    /** Close the connection without any response. */
    RESET_BEFORE_RESPONSE,
    /** Send {@code bytes} of the body, then close the connection (chunked body left unterminated). */
    RESET_MID_BODY,
    /** End the body cleanly some bytes into entry {@code entry}'s data: a zip truncated mid-entry. */
    TRUNCATE_MID_ENTRY,
    /** End the body cleanly right after {@code entry} entries (all of them: only the central directory is lost). */
    TRUNCATE_AFTER_ENTRIES,
    /** Break the gzip header of entry {@code entry}. */
    CORRUPT_GZIP,
    /** Send the body in pieces of {@code bytes} bytes, pausing {@code pause} between them. */
    TRICKLE,
    /** After {@code bytes} of the body, send nothing for {@code pause}, then continue. */
    STALL
  }

  public static StandInFault status(int status) {
    return new StandInFault(Kind.STATUS, status, null, 0, 0, Duration.ZERO);
  }

  /** 429 with a Retry-After header (seconds, or an HTTP date). */
  public static StandInFault tooManyRequests(String retryAfter) {
    return new StandInFault(Kind.STATUS, 429, retryAfter, 0, 0, Duration.ZERO);
  }

  public static StandInFault resetBeforeResponse() {
    return new StandInFault(Kind.RESET_BEFORE_RESPONSE, 0, null, 0, 0, Duration.ZERO);
  }

  public static StandInFault resetMidBody(long afterBytes) {
    return new StandInFault(Kind.RESET_MID_BODY, 0, null, afterBytes, 0, Duration.ZERO);
  }

  public static StandInFault truncateMidEntry(int entry) {
    return new StandInFault(Kind.TRUNCATE_MID_ENTRY, 0, null, 0, entry, Duration.ZERO);
  }

  public static StandInFault truncateAfterEntries(int entries) {
    return new StandInFault(Kind.TRUNCATE_AFTER_ENTRIES, 0, null, 0, entries, Duration.ZERO);
  }

  public static StandInFault corruptGzip(int entry) {
    return new StandInFault(Kind.CORRUPT_GZIP, 0, null, 0, entry, Duration.ZERO);
  }

  public static StandInFault trickle(int pieceBytes, Duration pause) {
    return new StandInFault(Kind.TRICKLE, 0, null, pieceBytes, 0, pause);
  }

  public static StandInFault stall(long afterBytes, Duration pause) {
    return new StandInFault(Kind.STALL, 0, null, afterBytes, 0, pause);
  }
}
