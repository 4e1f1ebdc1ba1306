package io.bqexport.testing.amplitude;

import java.time.Instant;

/** A request the stand-in received, and the status it chose (0: the connection was dropped before any answer). */
public record RecordedRequest(String method, String path, String query, Instant receivedAt, int status,
    String userAgent) {

  public boolean isExport() {
    return path.equals(AmplitudeExportStandIn.EXPORT_PATH);
  }
}
