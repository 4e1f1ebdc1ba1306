package io.bqexport.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A BigQuery endpoint that measures the exporter without the emulator's ingest: every API call is forwarded to the
 * emulator, except the chunks of resumable uploads, whose bytes are read off the socket and dropped (answered 308
 * like BigQuery). When the last chunk arrives, the emulator is asked to finish the same upload session as an empty
 * one, so the exporter gets a real, succeeded load job and completes its run (the table stays empty).
 */
final class DiscardingUploadProxy implements AutoCloseable {
  private static final Pattern RANGE = Pattern.compile("bytes (?:(\\d+)-(\\d+)|\\*)/(\\d+|\\*)");
  private static final Set<String> HOP_HEADERS = Set.of("host", "connection", "content-length", "expect", "upgrade",
      "transfer-encoding", "keep-alive", "date");

  private final String target;
  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "discarding-upload-proxy");
    t.setDaemon(true);
    return t;
  });
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final Map<String, AtomicLong> received = new ConcurrentHashMap<>();
  private final AtomicLong discardedBytes = new AtomicLong();
  private volatile long lastUploadByteNanos;

  DiscardingUploadProxy(String emulatorEndpoint) throws IOException {
    this.target = emulatorEndpoint;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  long discardedBytes() {
    return discardedBytes.get();
  }

  /** System.nanoTime() when the last upload chunk was completely read. */
  long lastUploadByteNanos() {
    return lastUploadByteNanos;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String query = exchange.getRequestURI().getRawQuery();
      String uploadId = query == null ? null : param(query, "upload_id");
      if ("PUT".equals(exchange.getRequestMethod()) && uploadId != null) {
        discardChunk(exchange, uploadId);
      } else {
        forward(exchange, exchange.getRequestMethod(), exchange.getRequestBody().readAllBytes(), Map.of());
      }
    } catch (IOException | RuntimeException e) {
      e.printStackTrace();
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void discardChunk(HttpExchange exchange, String uploadId) throws IOException, InterruptedException {
    long n = drain(exchange.getRequestBody());
    discardedBytes.addAndGet(n);
    AtomicLong count = received.computeIfAbsent(uploadId, id -> new AtomicLong());
    long committed = count.addAndGet(n);
    String range = exchange.getRequestHeaders().getFirst("Content-Range");
    Matcher m = RANGE.matcher(range == null ? "" : range.trim());
    boolean last = m.matches() && !"*".equals(m.group(3)) && Long.parseLong(m.group(3)) == committed;
    lastUploadByteNanos = System.nanoTime();
    if (!last) {
      if (committed > 0) {
        exchange.getResponseHeaders().add("Range", "bytes=0-" + (committed - 1));
      }
      exchange.sendResponseHeaders(308, -1);
      return;
    }
    // The emulator finishes the session as an empty upload: a real load job, no rows.
    forward(exchange, "PUT", new byte[0], Map.of("Content-Range", "bytes */0"));
  }

  private static long drain(InputStream in) throws IOException {
    byte[] buffer = new byte[1 << 16];
    long total = 0;
    for (int n; (n = in.read(buffer)) >= 0; ) {
      total += n;
    }
    return total;
  }

  private void forward(HttpExchange exchange, String method, byte[] body, Map<String, String> override)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target + exchange.getRequestURI()))
        .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body));
    exchange.getRequestHeaders().forEach((name, values) -> {
      boolean overridden = override.keySet().stream().anyMatch(name::equalsIgnoreCase);
      if (!HOP_HEADERS.contains(name.toLowerCase(Locale.ROOT)) && !overridden) {
        values.forEach(v -> request.header(name, v));
      }
    });
    override.forEach(request::header);
    HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    response.headers().map().forEach((name, values) -> {
      String lower = name.toLowerCase(Locale.ROOT);
      if (lower.equals("location")) {
        values.forEach(v -> exchange.getResponseHeaders().add(name, v.replace(target, endpoint())));
      } else if (!HOP_HEADERS.contains(lower) && !lower.equals(":status")) {
        exchange.getResponseHeaders().put(name, List.copyOf(values));
      }
    });
    byte[] bytes = response.body();
    int status = response.statusCode();
    boolean noBody = bytes.length == 0 || status == 204 || status == 304 || "HEAD".equals(method);
    exchange.sendResponseHeaders(status, noBody ? -1 : bytes.length);
    if (!noBody) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  private static String param(String query, String name) {
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).equals(name)) {
        return pair.substring(eq + 1);
      }
    }
    return null;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
