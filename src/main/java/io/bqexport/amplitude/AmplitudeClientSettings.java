package io.bqexport.amplitude;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How to reach Amplitude: the base URI (region host or an override for proxies and stand-ins), the credentials,
 * the timeouts and the retry budget.
 *
 * @param connectTimeout time to open the TCP/TLS connection
 * @param readTimeout the longest wait for the response headers and for each further piece of the body; the
 *     Export API may think for minutes before answering a large window, so the default is generous
 */
public record AmplitudeClientSettings(URI baseUri, AmplitudeCredentials credentials, Duration connectTimeout,
    Duration readTimeout, RetryPolicy retryPolicy) {

  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofMinutes(5);

  public AmplitudeClientSettings {
    Objects.requireNonNull(baseUri, "baseUri");
    Objects.requireNonNull(credentials, "credentials");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(readTimeout, "readTimeout");
    Objects.requireNonNull(retryPolicy, "retryPolicy");
    String scheme = baseUri.getScheme();
    if (!"https".equalsIgnoreCase(scheme) && !"http".equalsIgnoreCase(scheme) || baseUri.getHost() == null) {
      throw new IllegalArgumentException(
          "spec.source.amplitude.endpoint: '" + baseUri + "' is not an http(s) URL, e.g. https://amplitude.com");
    }
  }

  /** The region's host, unless {@code endpointOverride} (nullable) is given; default timeouts and retries. */
  public static AmplitudeClientSettings of(AmplitudeRegion region, URI endpointOverride,
      AmplitudeCredentials credentials) {
    URI base = endpointOverride != null ? endpointOverride : region.baseUri();
    return new AmplitudeClientSettings(base, credentials, DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT,
        RetryPolicy.DEFAULT);
  }

  public AmplitudeClientSettings withTimeouts(Duration connect, Duration read) {
    return new AmplitudeClientSettings(baseUri, credentials, connect, read, retryPolicy);
  }

  public AmplitudeClientSettings withRetryPolicy(RetryPolicy policy) {
    return new AmplitudeClientSettings(baseUri, credentials, connectTimeout, readTimeout, policy);
  }

  /** base + path, keeping a path prefix of the base (proxies mount the API under one). */
  URI resolve(String pathAndQuery) {
    String base = baseUri.toString();
    while (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    return URI.create(base + pathAndQuery);
  }
}
