package io.bqexport.testing.storage;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.api.gax.retrying.RetrySettings;
import com.google.cloud.NoCredentials;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local stand-in for the Cloud Storage JSON API v1 (JDK HttpServer on 127.0.0.1, random port): the read side
 * that the storage source uses, strict where GCS is strict. The real {@code google-cloud-storage} client talks to
 * it through {@code StorageOptions.newBuilder().setHost(endpoint())}.
 * <ul>
 *   <li>objects.list (https://cloud.google.com/storage/docs/json_api/v1/objects/list): prefix, delimiter
 *       (matching names collapse into {@code prefixes[]}), maxResults (combined items and prefixes per page,
 *       at most 1000) and pageToken / nextPageToken; lexicographic order.</li>
 *   <li>objects.get (https://cloud.google.com/storage/docs/json_api/v1/objects/get): the object resource, or its
 *       bytes with {@code alt=media}; a Range header gets 206 and Content-Range
 *       (https://cloud.google.com/storage/docs/json_api/v1/parameters#range); {@code generation} and
 *       {@code ifGenerationMatch} are honoured.</li>
 *   <li>Errors with GCS's JSON body (https://cloud.google.com/storage/docs/json_api/v1/status-codes): 404 for a
 *       missing bucket or object, 403 naming the denied permission, 401 when bearer tokens are required.</li>
 * </ul>
 * Objects can be added at any time (an object that appears late). Faults come from {@link #fail}.
 */
public final class CloudStorageStandIn implements AutoCloseable {
  /** objects.list returns at most 1000 entries per page, whatever maxResults asks. */
  static final int MAX_PAGE = 1000;

  private static final Logger LOG = LoggerFactory.getLogger(CloudStorageStandIn.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern OBJECTS = Pattern.compile("^(?:/download)?/storage/v1/b/([^/]+)/o(?:/(.+))?$");

  private final HttpServer server;
  private final ExecutorService executor;
  private final Clock clock;
  private final Map<String, NavigableMap<String, StoredObject>> buckets = new ConcurrentHashMap<>();
  private final AtomicLong generations = new AtomicLong(1_700_000_000_000_000L);
  private final Map<StorageOperation, Deque<StorageFault>> faults = new EnumMap<>(StorageOperation.class);
  private final Set<StorageOperation> denied = ConcurrentHashMap.newKeySet();
  private final Map<String, String> principalsByToken = new ConcurrentHashMap<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private volatile boolean requireBearerToken;
  private volatile String anonymousPrincipal = "reader@acme-analytics.iam.gserviceaccount.com";

  /** A request the stand-in answered, with its status (0: the connection was dropped). */
  public record Request(StorageOperation operation, String path, String query, String range, int status) {}

  private CloudStorageStandIn(Clock clock) throws IOException {
    this.clock = clock;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    executor = Executors.newCachedThreadPool(runnable -> {
      Thread thread = new Thread(runnable, "gcs-stand-in");
      thread.setDaemon(true);
      return thread;
    });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  public static CloudStorageStandIn start() {
    return start(Clock.systemUTC());
  }

  /** A stand-in whose objects' creation times follow {@code clock}. */
  public static CloudStorageStandIn start(Clock clock) {
    try {
      return new CloudStorageStandIn(clock);
    } catch (IOException e) {
      throw new IllegalStateException("the Cloud Storage stand-in could not listen on 127.0.0.1", e);
    }
  }

  /** The value for {@code StorageOptions.Builder.setHost}, e.g. http://127.0.0.1:41234. */
  public String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The real client with no credentials and millisecond retry delays (the client's own retries, faster). */
  public Storage client() {
    return StorageOptions.newBuilder()
        .setHost(endpoint())
        .setProjectId("bqexport-test")
        .setCredentials(NoCredentials.getInstance())
        .setRetrySettings(RetrySettings.newBuilder()
            .setMaxAttempts(6)
            .setInitialRetryDelayDuration(Duration.ofMillis(5))
            .setRetryDelayMultiplier(2.0)
            .setMaxRetryDelayDuration(Duration.ofMillis(100))
            .setTotalTimeoutDuration(Duration.ofSeconds(30))
            .build())
        .build()
        .getService();
  }

  public CloudStorageStandIn createBucket(String bucket) {
    buckets.putIfAbsent(bucket, new ConcurrentSkipListMap<>());
    return this;
  }

  /** Stores (or replaces, with a new generation) an object; the bucket must exist. */
  public StoredObjectInfo put(String bucket, String name, byte[] data) {
    NavigableMap<String, StoredObject> objects = buckets.get(bucket);
    if (objects == null) {
      throw new IllegalArgumentException("no bucket " + bucket + ": call createBucket first");
    }
    StoredObject object = new StoredObject(bucket, name, data.clone(), generations.incrementAndGet(),
        name.endsWith(".gz") ? "application/gzip" : "application/octet-stream", clock.instant());
    objects.put(name, object);
    return new StoredObjectInfo(name, object.generation(), data.length);
  }

  /**
   * Deletes an object, as a bucket lifecycle rule or a re-export does (later gets of its generation answer 404, as
   * GCS does without object versioning).
   */
  public void delete(String bucket, String name) {
    NavigableMap<String, StoredObject> objects = buckets.get(bucket);
    if (objects == null || objects.remove(name) == null) {
      throw new IllegalArgumentException("no object gs://" + bucket + "/" + name);
    }
  }

  /** What {@link #put} stored. */
  public record StoredObjectInfo(String name, long generation, long size) {}

  /** The names in a bucket, in GCS's (lexicographic) order. */
  public List<String> names(String bucket) {
    return List.copyOf(buckets.getOrDefault(bucket, new ConcurrentSkipListMap<>()).keySet());
  }

  /** The next {@code times} requests of {@code operation} fail with {@code fault}. */
  public synchronized CloudStorageStandIn fail(StorageOperation operation, int times, StorageFault fault) {
    Deque<StorageFault> queue = faults.computeIfAbsent(operation, o -> new ArrayDeque<>());
    for (int i = 0; i < times; i++) {
      queue.addLast(fault);
    }
    return this;
  }

  /** Denies the permission of {@code operation} (storage.objects.list or storage.objects.get): 403. */
  public CloudStorageStandIn deny(StorageOperation operation) {
    denied.add(operation);
    return this;
  }

  public CloudStorageStandIn allowAll() {
    denied.clear();
    return this;
  }

  /** When on, every request needs {@code Authorization: Bearer <an accepted token>}, else 401. */
  public CloudStorageStandIn requireBearerToken(boolean required) {
    this.requireBearerToken = required;
    return this;
  }

  /** Accepts a bearer token as {@code principal} (e.g. one a metadata server issued). */
  public void acceptToken(String token, String principal) {
    principalsByToken.put(token, principal);
  }

  /** The principal named in 403 messages when no token is required. */
  public CloudStorageStandIn anonymousPrincipal(String principal) {
    this.anonymousPrincipal = principal;
    return this;
  }

  public List<Request> requests() {
    return List.copyOf(requests);
  }

  public List<Request> requests(StorageOperation operation) {
    return requests.stream().filter(r -> r.operation() == operation).toList();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      route(exchange);
    } catch (InjectedTruncation e) {
      // the connection is dropped mid-body, as injected
    } catch (IOException | RuntimeException e) {
      LOG.warn("Cloud Storage stand-in failed on {} {}", exchange.getRequestMethod(), exchange.getRequestURI(), e);
    }
  }

  private void route(HttpExchange exchange) throws IOException {
    String rawPath = exchange.getRequestURI().getRawPath();
    Map<String, String> query = parseQuery(exchange.getRequestURI().getRawQuery());
    Matcher m = OBJECTS.matcher(rawPath);
    if (!"GET".equals(exchange.getRequestMethod()) || !m.matches()) {
      respondError(exchange, null, StorageErrors.badRequest("stand-in: unsupported request "
          + exchange.getRequestMethod() + " " + rawPath));
      return;
    }
    String bucket = decode(m.group(1));
    String object = m.group(2) == null ? null : decode(m.group(2));
    boolean media = "media".equals(query.get("alt")) || rawPath.startsWith("/download/");
    StorageOperation operation = object == null ? StorageOperation.LIST
        : media ? StorageOperation.GET_MEDIA : StorageOperation.GET_METADATA;
    Optional<String> principal = authenticate(exchange, operation);
    if (principal.isEmpty()) {
      return;
    }
    if (denied.contains(operation)) {
      respondError(exchange, operation, StorageErrors.permissionDenied(principal.get(), operation));
      return;
    }
    Optional<StorageFault> fault = takeFault(operation);
    if (fault.isPresent() && fault.get().kind() == StorageFault.Kind.STATUS) {
      if (fault.get().retryAfter() != null) {
        exchange.getResponseHeaders().add("Retry-After", fault.get().retryAfter());
      }
      respondError(exchange, operation, StorageErrors.injected(fault.get().status()));
      return;
    }
    NavigableMap<String, StoredObject> objects = buckets.get(bucket);
    if (objects == null) {
      respondError(exchange, operation, StorageErrors.noSuchBucket());
      return;
    }
    if (operation == StorageOperation.LIST) {
      list(exchange, bucket, objects, query);
      return;
    }
    StoredObject stored = objects.get(object);
    if (stored == null || query.containsKey("generation")
        && !query.get("generation").equals(Long.toString(stored.generation()))) {
      respondError(exchange, operation, StorageErrors.noSuchObject(bucket, object));
      return;
    }
    if (query.containsKey("ifGenerationMatch")
        && !query.get("ifGenerationMatch").equals(Long.toString(stored.generation()))) {
      respondError(exchange, operation, StorageErrors.preconditionFailed());
      return;
    }
    if (operation == StorageOperation.GET_METADATA) {
      respondJson(exchange, operation, 200, resource(stored).toString());
      return;
    }
    media(exchange, stored, fault.orElse(null));
  }

  private Optional<String> authenticate(HttpExchange exchange, StorageOperation operation) throws IOException {
    if (!requireBearerToken) {
      return Optional.of(anonymousPrincipal);
    }
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    if (authorization == null || !authorization.startsWith("Bearer ")) {
      respondError(exchange, operation, StorageErrors.loginRequired());
      return Optional.empty();
    }
    String principal = principalsByToken.get(authorization.substring("Bearer ".length()).trim());
    if (principal == null) {
      respondError(exchange, operation, StorageErrors.invalidCredentials());
      return Optional.empty();
    }
    return Optional.of(principal);
  }

  private synchronized Optional<StorageFault> takeFault(StorageOperation operation) {
    Deque<StorageFault> queue = faults.get(operation);
    return queue == null || queue.isEmpty() ? Optional.empty() : Optional.of(queue.removeFirst());
  }

  private void list(HttpExchange exchange, String bucket, NavigableMap<String, StoredObject> objects,
      Map<String, String> query) throws IOException {
    String prefix = query.getOrDefault("prefix", "");
    String delimiter = query.get("delimiter");
    int maxResults;
    try {
      maxResults = Math.min(MAX_PAGE, Integer.parseInt(query.getOrDefault("maxResults", "1000")));
    } catch (NumberFormatException e) {
      respondError(exchange, StorageOperation.LIST, StorageErrors.badRequest("Invalid value for maxResults"));
      return;
    }
    if (maxResults < 1) {
      respondError(exchange, StorageOperation.LIST, StorageErrors.badRequest("Invalid value for maxResults"));
      return;
    }
    String after = null;
    if (query.containsKey("pageToken")) {
      try {
        after = new String(Base64.getUrlDecoder().decode(query.get("pageToken")), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        respondError(exchange, StorageOperation.LIST, StorageErrors.badRequest("Invalid page token"));
        return;
      }
    }
    ObjectNode page = JSON.createObjectNode().put("kind", "storage#objects");
    ArrayNode items = JSON.createArrayNode();
    ArrayNode prefixes = JSON.createArrayNode();
    String lastPrefix = null;
    int entries = 0;
    String lastEntry = null;
    boolean more = false;
    // A page token is the last entry (object name or collapsed prefix) handed out; the next page starts after it.
    NavigableMap<String, StoredObject> range = after == null ? objects.tailMap(prefix, true)
        : objects.tailMap(after, false);
    for (StoredObject object : range.values()) {
      String name = object.name();
      if (!name.startsWith(prefix)) {
        break;
      }
      int cut = delimiter == null || delimiter.isEmpty() ? -1 : name.indexOf(delimiter, prefix.length());
      String entry = cut < 0 ? name : name.substring(0, cut + delimiter.length());
      if (cut >= 0 && (entry.equals(lastPrefix) || after != null && entry.compareTo(after) <= 0)) {
        continue;
      }
      if (entries == maxResults) {
        more = true;
        break;
      }
      if (cut >= 0) {
        prefixes.add(entry);
        lastPrefix = entry;
      } else {
        items.add(resource(object));
      }
      entries++;
      lastEntry = entry;
    }
    if (!items.isEmpty()) {
      page.set("items", items);
    }
    if (!prefixes.isEmpty()) {
      page.set("prefixes", prefixes);
    }
    if (more) {
      page.put("nextPageToken",
          Base64.getUrlEncoder().withoutPadding().encodeToString(lastEntry.getBytes(StandardCharsets.UTF_8)));
    }
    respondJson(exchange, StorageOperation.LIST, 200, page.toString());
  }

  private void media(HttpExchange exchange, StoredObject object, StorageFault fault) throws IOException {
    byte[] data = object.data();
    int from = 0;
    int to = data.length - 1;
    int status = 200;
    String range = exchange.getRequestHeaders().getFirst("Range");
    if (range != null) {
      Optional<int[]> bounds = ByteRange.parse(range, data.length);
      if (bounds.isEmpty()) {
        exchange.getResponseHeaders().add("Content-Range", "bytes */" + data.length);
        respondError(exchange, StorageOperation.GET_MEDIA, StorageErrors.rangeNotSatisfiable());
        return;
      }
      from = bounds.get()[0];
      to = bounds.get()[1];
      status = 206;
      exchange.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + to + "/" + data.length);
    }
    exchange.getResponseHeaders().add("Content-Type", object.contentType());
    exchange.getResponseHeaders().add("x-goog-generation", Long.toString(object.generation()));
    exchange.getResponseHeaders().add("x-goog-metageneration", "1");
    exchange.getResponseHeaders().add("x-goog-stored-content-length", Integer.toString(data.length));
    exchange.getResponseHeaders().add("x-goog-hash", "crc32c=" + object.crc32c() + ",md5=" + object.md5());
    int length = to - from + 1;
    boolean truncate = fault != null && fault.kind() == StorageFault.Kind.TRUNCATED_BODY;
    record(exchange, StorageOperation.GET_MEDIA, truncate ? 0 : status);
    exchange.sendResponseHeaders(status, length == 0 ? -1 : length);
    OutputStream out = exchange.getResponseBody();
    if (truncate) {
      out.write(data, from, (int) Math.min(length, fault.afterBytes()));
      out.flush();
      // Closing a fixed-length body before its end makes the JDK server drop the connection.
      throw new InjectedTruncation();
    }
    out.write(data, from, length);
    out.close();
  }

  /** The object resource (https://cloud.google.com/storage/docs/json_api/v1/objects#resource). */
  private ObjectNode resource(StoredObject object) {
    String id = object.bucket() + "/" + object.name() + "/" + object.generation();
    String created = object.created().toString();
    return JSON.createObjectNode()
        .put("kind", "storage#object")
        .put("id", id)
        .put("selfLink", endpoint() + "/storage/v1/b/" + object.bucket() + "/o/" + encode(object.name()))
        .put("mediaLink", endpoint() + "/download/storage/v1/b/" + object.bucket() + "/o/"
            + encode(object.name()) + "?generation=" + object.generation() + "&alt=media")
        .put("name", object.name())
        .put("bucket", object.bucket())
        .put("generation", Long.toString(object.generation()))
        .put("metageneration", "1")
        .put("contentType", object.contentType())
        .put("storageClass", "STANDARD")
        .put("size", Integer.toString(object.data().length))
        .put("md5Hash", object.md5())
        .put("crc32c", object.crc32c())
        .put("etag", "CAE=")
        .put("timeCreated", created)
        .put("updated", created);
  }

  private void respondError(HttpExchange exchange, StorageOperation operation, StorageErrors.Error error)
      throws IOException {
    respondJson(exchange, operation, error.status(), error.body());
  }

  private void respondJson(HttpExchange exchange, StorageOperation operation, int status, String json)
      throws IOException {
    record(exchange, operation, status);
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json; charset=UTF-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private void record(HttpExchange exchange, StorageOperation operation, int status) {
    requests.add(new Request(operation, exchange.getRequestURI().getRawPath(),
        exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders().getFirst("Range"), status));
  }

  private static Map<String, String> parseQuery(String rawQuery) {
    Map<String, String> params = new HashMap<>();
    if (rawQuery != null) {
      for (String pair : rawQuery.split("&")) {
        int eq = pair.indexOf('=');
        params.putIfAbsent(decode(eq < 0 ? pair : pair.substring(0, eq)), eq < 0 ? "" : decode(pair.substring(eq + 1)));
      }
    }
    return params;
  }

  private static String decode(String value) {
    return URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static String encode(String name) {
    return java.net.URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** Ends a body early: the JDK server drops the connection of a fixed-length body closed before its end. */
  private static final class InjectedTruncation extends IOException {
    InjectedTruncation() {
      super("stand-in: injected truncated body");
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
