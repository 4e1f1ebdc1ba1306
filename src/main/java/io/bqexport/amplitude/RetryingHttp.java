package io.bqexport.amplitude;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends GET requests and retries 429, 5xx (except 504, which the Export API uses for "too large") and network
 * errors within the {@link RetryPolicy}, honouring Retry-After. Every other status goes to the caller.
 */
final class RetryingHttp {
  private static final Logger LOG = LoggerFactory.getLogger(RetryingHttp.class);

  private static final String USER_AGENT = "bqexport/" + Optional.ofNullable(
      RetryingHttp.class.getPackage().getImplementationVersion()).orElse("dev");

  private final HttpClient http;
  private final AmplitudeClientSettings settings;
  private final Clock clock;
  private final Sleeper sleeper;

  RetryingHttp(HttpClient http, AmplitudeClientSettings settings, Clock clock, Sleeper sleeper) {
    this.http = http;
    this.settings = settings;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  /** The first response that is not retryable; its body is still open. */
  HttpResponse<InputStream> get(String pathAndQuery, String what) {
    RetryPolicy policy = settings.retryPolicy();
    Instant started = clock.instant();
    HttpRequest request = HttpRequest.newBuilder(settings.resolve(pathAndQuery))
        .timeout(settings.readTimeout())
        .header("Authorization", settings.credentials().basicAuthorization())
        .header("Accept", "application/zip, application/json")
        .header("User-Agent", USER_AGENT)
        .GET()
        .build();
    for (int attempt = 1; ; attempt++) {
      String failure;
      Optional<Duration> retryAfter = Optional.empty();
      Throwable cause = null;
      try {
        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        int status = response.statusCode();
        if (!isRetryable(status)) {
          return response;
        }
        discardBody(response);
        failure = "HTTP " + status;
        retryAfter = response.headers().firstValue("Retry-After").flatMap(v -> RetryAfter.parse(v, clock));
      } catch (IOException e) {
        failure = e.toString();
        cause = e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SourceUnavailableException("interrupted while requesting " + what, e);
      }
      Duration elapsed = Duration.between(started, clock.instant());
      Duration wait = retryAfter.isPresent() ? retryAfter.get()
          : policy.backoff(attempt, ThreadLocalRandom.current()::nextDouble);
      if (attempt >= policy.maxAttempts() || elapsed.plus(wait).compareTo(policy.maxElapsed()) > 0) {
        throw new SourceUnavailableException("Amplitude did not answer " + what + " after " + attempt
            + " attempt(s) in " + elapsed.toSeconds() + "s (last: " + failure + "); nothing was committed, the "
            + "next run retries. If this persists check https://status.amplitude.com, the network path and "
            + "spec.source.amplitude.endpoint", cause);
      }
      LOG.warn("Amplitude {} failed (attempt {} of {}): {}; retrying in {} ms", what, attempt,
          policy.maxAttempts(), failure, wait.toMillis());
      try {
        sleeper.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SourceUnavailableException("interrupted while waiting to retry " + what, e);
      }
    }
  }

  static boolean isRetryable(int status) {
    return status == 429 || status >= 500 && status != 504;
  }

  /**
   * Reads the body to its end and closes it, so the connection can be reused. Its content is never quoted in a
   * message: the answer may come from a host the export's author chose (an endpoint override), and whatever it says
   * would end up in status and Events for others to read.
   */
  static void discardBody(HttpResponse<InputStream> response) {
    try (InputStream body = response.body()) {
      body.transferTo(OutputStream.nullOutputStream());
    } catch (IOException e) {
      // Only closing matters.
    }
  }
}
