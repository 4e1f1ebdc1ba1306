package io.bqexport.operator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * Serves /healthz (the process works), /readyz (informers synced and healthy) and /metrics (Prometheus). Probes and
 * scrapes run on separate threads: a slow scrape (thousands of series) never delays a probe into a restart.
 */
public final class HealthServer implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService probes = Executors.newFixedThreadPool(2, daemon("health-probe"));
  private final ExecutorService scrapes = Executors.newSingleThreadExecutor(daemon("metrics-scrape"));

  public HealthServer(int port, BooleanSupplier live, BooleanSupplier ready, PrometheusMeterRegistry registry)
      throws IOException {
    server = HttpServer.create(new InetSocketAddress(port), 0);
    server.setExecutor(probes);
    server.createContext("/healthz", exchange -> probe(exchange, live.getAsBoolean()));
    server.createContext("/readyz", exchange -> probe(exchange, ready.getAsBoolean()));
    // Handed to the scrape thread; the exchange stays open until that thread answers it.
    server.createContext("/metrics", exchange -> scrapes.execute(() -> {
      try {
        respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } finally {
        exchange.close();
      }
    }));
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static void probe(HttpExchange exchange, boolean ok) throws IOException {
    respond(exchange, ok ? 200 : 503, "text/plain", ok ? "ok\n" : "not ready\n");
  }

  private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }

  @Override
  public void close() {
    server.stop(0);
    probes.shutdownNow();
    scrapes.shutdownNow();
  }
}
