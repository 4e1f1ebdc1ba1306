package io.bqexport.amplitude;

import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The HTTP clients to Amplitude, one per connect timeout for the whole process. A Java 17 HttpClient has no close():
 * each keeps a selector thread and its connection pool until it is garbage-collected, so one per export client (the
 * operator builds one per credential probe) piles up threads. Sharing is safe: credentials travel per request in
 * the Authorization header, and there is no cookie handler.
 */
final class SharedHttpClients {
  private static final Map<Duration, HttpClient> BY_CONNECT_TIMEOUT = new ConcurrentHashMap<>();

  private SharedHttpClients() {}

  /** The connect timeout is a setting of the client, not of a request, hence one client per value. */
  static HttpClient withConnectTimeout(Duration connectTimeout) {
    return BY_CONNECT_TIMEOUT.computeIfAbsent(connectTimeout, timeout -> HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(timeout)
        .followRedirects(HttpClient.Redirect.NEVER) // a redirect must never carry the keys elsewhere
        .proxy(ProxySelector.getDefault()) // honours -Dhttps.proxyHost/-Dhttp.nonProxyHosts for egress proxies
        .build());
  }
}
