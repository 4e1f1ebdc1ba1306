package io.bqexport.amplitude;

import io.bqexport.ExportWindow;
/**
 * 400 or 504 from the Export API: the window holds too much data (Amplitude's limit is 4 GB per request, and
 * large ranges time out). The caller splits the window; one hour that is still too large is fatal.
 */
public final class WindowTooLargeException extends AmplitudeException {
  public static final String REASON = "WindowTooLarge";

  private final ExportWindow window;
  private final int status;

  public WindowTooLargeException(ExportWindow window, int status) {
    super(REASON, "Amplitude refused to export " + window + " as too large (HTTP " + status
        + "); export smaller windows");
    this.window = window;
    this.status = status;
  }

  public ExportWindow window() {
    return window;
  }

  public int status() {
    return status;
  }
}
