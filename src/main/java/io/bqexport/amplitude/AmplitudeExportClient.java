package io.bqexport.amplitude;

import io.bqexport.ExportWindow;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Amplitude's Export API (GET /api/2/export), streamed. Statuses, as DESIGN section 3 wants them:
 * 200 -> lines; 404 -> an empty window; 400 and 504 -> {@link WindowTooLargeException}; 401 and 403 ->
 * {@link AmplitudeAuthException} without retry; 429, other 5xx and network errors -> retried within the
 * {@link RetryPolicy}, then {@link SourceUnavailableException}. A truncated or corrupt archive surfaces while
 * reading as {@link CorruptArchiveException}. Thread-safe; one client can serve parallel windows.
 */
public final class AmplitudeExportClient implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AmplitudeExportClient.class);

  private final AmplitudeClientSettings settings;
  private final RetryingHttp http;
  private final ScheduledExecutorService watchdogs;

  public AmplitudeExportClient(AmplitudeClientSettings settings) {
    this(settings, Clock.systemUTC(), Sleeper.system());
  }

  /** With an injected clock and sleeper, so that tests can observe retry waits without waiting. */
  public AmplitudeExportClient(AmplitudeClientSettings settings, Clock clock, Sleeper sleeper) {
    this.settings = settings;
    this.http = new RetryingHttp(SharedHttpClients.withConnectTimeout(settings.connectTimeout()), settings, clock,
        sleeper);
    this.watchdogs = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "amplitude-read-timeout");
      thread.setDaemon(true);
      return thread;
    });
  }

  public AmplitudeClientSettings settings() {
    return settings;
  }

  /**
   * Requests the window and returns its lines as a stream; the caller reads it to the end (null) before
   * committing anything, and closes it.
   */
  public ExportLineStream open(ExportWindow window) {
    String what = "export of " + window;
    HttpResponse<InputStream> response = http.get(
        "/api/2/export?start=" + window.apiStart() + "&end=" + window.apiEnd(), what);
    int status = response.statusCode();
    switch (status) {
      case 200 -> {
        long length = response.headers().firstValueAsLong("Content-Length").orElse(-1);
        LOG.info("Amplitude export of {} started (content length {})", window, length < 0 ? "unknown" : length);
        InputStream body = new IdleTimeoutInputStream(response.body(), settings.readTimeout(), watchdogs);
        return new ExportLineStream(window, body, length);
      }
      case 404 -> {
        RetryingHttp.discardBody(response);
        LOG.info("Amplitude has no data for {} (HTTP 404)", window);
        return ExportLineStream.empty(window);
      }
      case 400, 504 -> {
        RetryingHttp.discardBody(response);
        throw new WindowTooLargeException(window, status);
      }
      case 401, 403 -> {
        RetryingHttp.discardBody(response);
        throw new AmplitudeAuthException(status, "GET /api/2/export");
      }
      default -> {
        RetryingHttp.discardBody(response);
        throw unexpected(status, what);
      }
    }
  }

  /** Streams every line of the window to {@code consumer}; returns the number of lines. */
  public long forEachLine(ExportWindow window, Consumer<SourceLine> consumer) {
    try (ExportLineStream lines = open(window)) {
      for (SourceLine line = lines.next(); line != null; line = lines.next()) {
        consumer.accept(line);
      }
      return lines.linesRead();
    }
  }

  /**
   * One cheap authenticated call (GET /api/2/events/list of the Dashboard REST API, same keys): returns when
   * Amplitude accepts the credentials, else throws {@link AmplitudeAuthException}.
   */
  public void verifyCredentials() {
    String what = "credential check";
    HttpResponse<InputStream> response = http.get("/api/2/events/list", what);
    int status = response.statusCode();
    RetryingHttp.discardBody(response);
    if (status == 401 || status == 403) {
      throw new AmplitudeAuthException(status, "GET /api/2/events/list");
    }
    if (status / 100 != 2) {
      throw unexpected(status, what);
    }
  }

  /** A status the API does not document here (a proxy's 302 or 407, a wrong path's 405). */
  private static SourceUnavailableException unexpected(int status, String what) {
    return new SourceUnavailableException("Amplitude answered the " + what + " with an unexpected HTTP " + status
        + "; check spec.source.amplitude.endpoint (and any proxy in between) and region", null);
  }

  @Override
  public void close() {
    watchdogs.shutdownNow();
  }
}
