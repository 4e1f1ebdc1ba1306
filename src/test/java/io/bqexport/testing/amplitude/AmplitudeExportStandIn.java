package io.bqexport.testing.amplitude;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.bqexport.amplitude.AmplitudeCredentials;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

/**
 * A local stand-in for Amplitude's Export API (JDK HttpServer on 127.0.0.1, random port).
 * <ul>
 *   <li>GET /api/2/export?start=YYYYMMDDTHH&end=YYYYMMDDTHH: both hours inclusive; a streamed (chunked) zip of
 *       {@code <appId>/<appId>_yyyy-MM-dd_H#n.json.gz} entries; 404 when the range has no data; 400 above
 *       {@link #maxEventsPerRequest(long)}; Basic auth (none: 401, wrong: 403).</li>
 *   <li>GET /api/2/events/list: the credential check, same auth.</li>
 * </ul>
 * Faults come from {@link #faults()}; {@link #requests()} records what was asked. Hours can gain late events or
 * answer 404 before their data, as Amplitude's can ({@link #lateEvents}, {@link #notFoundFirst}).
 */
public final class AmplitudeExportStandIn implements AutoCloseable {
  public static final String EXPORT_PATH = "/api/2/export";
  public static final String EVENTS_LIST_PATH = "/api/2/events/list";

  private static final DateTimeFormatter API_HOUR = DateTimeFormatter.ofPattern("yyyyMMdd'T'HH");
  private static final Pattern HOUR_PARAM = Pattern.compile("\\d{8}T\\d{2}");

  private final HttpServer server;
  private final ExecutorService executor;
  private final ExportDataSource source;
  private final String expectedAuthorization;
  private final AmplitudeCredentials credentials;
  private final StandInFaults faults = new StandInFaults();
  private final LateArrivals lateArrivals;
  private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
  private volatile long maxEventsPerRequest = Long.MAX_VALUE;
  private volatile boolean contentLength;
  private volatile ExportArchiveWriter.EntryMethod entryMethod = ExportArchiveWriter.EntryMethod.DEFLATED;

  private AmplitudeExportStandIn(ExportDataSource source, String apiKey, String secretKey) throws IOException {
    this.source = source;
    this.lateArrivals = new LateArrivals(source);
    this.credentials = new AmplitudeCredentials(apiKey, secretKey);
    this.expectedAuthorization = "Basic " + Base64.getEncoder()
        .encodeToString((apiKey + ":" + secretKey).getBytes(StandardCharsets.UTF_8));
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    this.executor = Executors.newCachedThreadPool(runnable -> {
      Thread thread = new Thread(runnable, "amplitude-stand-in");
      thread.setDaemon(true);
      return thread;
    });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** Starts a stand-in serving {@code source} to clients using this API key / secret key. */
  public static AmplitudeExportStandIn start(ExportDataSource source, String apiKey, String secretKey) {
    try {
      return new AmplitudeExportStandIn(source, apiKey, secretKey);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the Amplitude stand-in", e);
    }
  }

  /** Starts a stand-in with test credentials (see {@link #credentials()}). */
  public static AmplitudeExportStandIn start(ExportDataSource source) {
    return start(source, "test-api-key", "test-secret-key");
  }

  /** The endpoint override to give the client: http://127.0.0.1:PORT. */
  public URI baseUri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** The credentials the stand-in accepts. */
  public AmplitudeCredentials credentials() {
    return credentials;
  }

  public ExportDataSource source() {
    return source;
  }

  public StandInFaults faults() {
    return faults;
  }

  /** Requests above this many events get 400, like Amplitude's 4 GB limit. */
  public AmplitudeExportStandIn maxEventsPerRequest(long max) {
    this.maxEventsPerRequest = max;
    return this;
  }

  /**
   * Answer with a Content-Length (the archive is built in a temporary file first) instead of a chunked stream.
   */
  public AmplitudeExportStandIn contentLength(boolean enabled) {
    this.contentLength = enabled;
    return this;
  }

  /** How zip entries are stored (default DEFLATED at level 0, streamed with data descriptors). */
  public AmplitudeExportStandIn entryMethod(ExportArchiveWriter.EntryMethod method) {
    this.entryMethod = method;
    return this;
  }

  /**
   * Late data (see {@link LateArrivals}): from the request after the first {@code afterRequests} that include the
   * hour, it has {@code extra} more events. Needs a {@link GeneratedEvents} source.
   */
  public AmplitudeExportStandIn lateEvents(Instant hour, long extra, int afterRequests) {
    lateArrivals.grow(hour, extra, afterRequests);
    return this;
  }

  /** Late data on command: the hour has {@code extra} more events from now on. */
  public AmplitudeExportStandIn appendLateEvents(Instant hour, long extra) {
    lateArrivals.append(hour, extra);
    return this;
  }

  /** The first {@code requests} requests that include the hour see no data for it (404 if no other hour has any). */
  public AmplitudeExportStandIn notFoundFirst(Instant hour, int requests) {
    lateArrivals.notFoundFirst(hour, requests);
    return this;
  }

  public List<RecordedRequest> requests() {
    return List.copyOf(requests);
  }

  public List<RecordedRequest> exportRequests() {
    return requests.stream().filter(RecordedRequest::isExport).toList();
  }

  public void clearRequests() {
    requests.clear();
  }

  /** Events the stand-in holds for the upload hours [start, end). */
  public long expectedCount(Instant start, Instant end) {
    return hours(start, end).stream().mapToLong(source::count).sum();
  }

  /** The uuids of the events of the upload hours [start, end), in archive order. */
  public List<String> expectedUuids(Instant start, Instant end) {
    return expectedValues(start, end, "uuid");
  }

  /** A top-level field (e.g. "$insert_id") of every event of the upload hours [start, end), in archive order. */
  public List<String> expectedValues(Instant start, Instant end, String field) {
    List<String> values = new ArrayList<>();
    hours(start, end).forEach(hour -> values.addAll(source.values(hour, field)));
    return values;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try {
      route(exchange);
      exchange.close();
    } catch (InjectedReset reset) {
      // Not closing the exchange: that would end the chunked body cleanly. The server drops the connection.
      throw reset;
    } catch (IOException | RuntimeException e) {
      exchange.close();
      throw e;
    }
  }

  private void route(HttpExchange exchange) throws IOException {
    Instant receivedAt = Instant.now();
    String path = exchange.getRequestURI().getPath();
    if (!"GET".equals(exchange.getRequestMethod())
        || !path.equals(EXPORT_PATH) && !path.equals(EVENTS_LIST_PATH)) {
      respond(exchange, receivedAt, 404, "{\"error\":\"not found\"}", null);
      return;
    }
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    if (authorization == null) {
      exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"Amplitude\"");
      respond(exchange, receivedAt, 401, "{\"error\":\"missing credentials\"}", null);
      return;
    }
    if (!expectedAuthorization.equals(authorization)) {
      respond(exchange, receivedAt, 403, "{\"error\":\"Invalid API key or secret key\"}", null);
      return;
    }
    if (path.equals(EVENTS_LIST_PATH)) {
      Optional<StandInFault> fault = faults.take(List.of());
      if (fault.isPresent() && answerFault(exchange, receivedAt, fault.get())) {
        return;
      }
      respond(exchange, receivedAt, 200,
          "{\"data\":[{\"value\":\"Page Viewed\",\"totals\":1024,\"hidden\":false,\"deleted\":false}]}", null);
      return;
    }
    handleExport(exchange, receivedAt, exchange.getRequestURI().getRawQuery());
  }

  private void handleExport(HttpExchange exchange, Instant receivedAt, String query) throws IOException {
    Map<String, String> params = QueryParams.parse(query);
    Optional<Instant> start = parseHour(params.get("start"));
    Optional<Instant> last = parseHour(params.get("end"));
    if (start.isEmpty() || last.isEmpty() || last.get().isBefore(start.get())) {
      respond(exchange, receivedAt, 400, "{\"error\":\"start and end must be YYYYMMDDTHH, start <= end\"}", null);
      return;
    }
    Instant end = last.get().plus(Duration.ofHours(1));
    List<Instant> hours = hours(start.get(), end);
    Optional<StandInFault> fault = faults.take(hours);
    if (fault.isPresent() && answerFault(exchange, receivedAt, fault.get())) {
      return;
    }
    Set<Instant> hidden = lateArrivals.request(hours);
    ExportDataSource served = hour -> hidden.contains(hour) ? List.of() : source.files(hour);
    List<ExportFile> files = new ArrayList<>();
    long events = 0;
    for (Instant hour : hours) {
      for (ExportFile file : served.files(hour)) {
        files.add(file);
        events += file.events();
      }
    }
    if (files.isEmpty()) {
      respond(exchange, receivedAt, 404, "{\"error\":\"No data for the requested time range\"}", null);
      return;
    }
    if (events > maxEventsPerRequest) {
      respond(exchange, receivedAt, 400,
          "{\"error\":\"Raw data files were too large to download; choose a smaller time range\"}", null);
      return;
    }
    record(exchange, receivedAt, 200);
    exchange.getResponseHeaders().add("Content-Type", "application/zip");
    exchange.getResponseHeaders().add("Content-Disposition", "attachment; filename=\"export.zip\"");
    ArchiveResponse response = new ArchiveResponse(served, start.get(), end, files.size(), entryMethod);
    if (contentLength) {
      response.sendWithContentLength(exchange, fault);
      return;
    }
    response.sendChunked(exchange, fault);
  }

  /** Answers a fault that replaces the response; false when the fault affects the body instead. */
  private boolean answerFault(HttpExchange exchange, Instant receivedAt, StandInFault fault) throws IOException {
    switch (fault.kind()) {
      case STATUS -> {
        respond(exchange, receivedAt, fault.status(),
            "{\"error\":\"stand-in: injected HTTP " + fault.status() + "\"}", fault.retryAfter());
        return true;
      }
      case RESET_BEFORE_RESPONSE -> {
        record(exchange, receivedAt, 0);
        throw new InjectedReset("stand-in: injected connection reset before the response");
      }
      default -> {
        return false;
      }
    }
  }

  private void respond(HttpExchange exchange, Instant receivedAt, int status, String json, String retryAfter)
      throws IOException {
    record(exchange, receivedAt, status);
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    if (retryAfter != null) {
      exchange.getResponseHeaders().add("Retry-After", retryAfter);
    }
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private void record(HttpExchange exchange, Instant receivedAt, int status) {
    requests.add(new RecordedRequest(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
        exchange.getRequestURI().getRawQuery(), receivedAt, status,
        exchange.getRequestHeaders().getFirst("User-Agent")));
  }

  private static Optional<Instant> parseHour(String value) {
    if (value == null || !HOUR_PARAM.matcher(value).matches()) {
      return Optional.empty();
    }
    try {
      return Optional.of(LocalDateTime.parse(value, API_HOUR).toInstant(ZoneOffset.UTC));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private static List<Instant> hours(Instant start, Instant end) {
    List<Instant> hours = new ArrayList<>();
    for (Instant hour = start; hour.isBefore(end); hour = hour.plus(Duration.ofHours(1))) {
      hours.add(hour);
    }
    return hours;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
