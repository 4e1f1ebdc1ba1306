package io.bqexport.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import io.fabric8.mockwebserver.vertx.Protocol;
import java.net.InetAddress;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A Kubernetes API for the operator benchmark at a scale fabric8's CRUD mock cannot hold: an {@link ExportFleet}
 * (exports with status, Jobs and Pods rendered on demand), the two Secrets, and the ConfigMaps and CronJobs the
 * operator writes, which it stores. Lists are paged as the API server pages them: with {@code limit}, at most that
 * many items and a {@code metadata.continue} token to pass back for the rest, none on the last page; without,
 * everything at once ("Retrieving large results sets in chunks",
 * https://kubernetes.io/docs/reference/using-api/api-concepts/#retrieving-large-results-sets-in-chunks). Watches
 * stay idle but for the stored children's writes (ADDED/MODIFIED, as the API server sends them). Status patches and
 * Events are counted and answered but not applied: a steady state has none. Every request is counted by verb and
 * resource. Label and field selectors are honoured as the API server honours them ({@link LabelSelector},
 * {@link FieldSelector}: an unsupported field is refused with 400).
 */
final class ScaleApiStandIn implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, String[]> TYPES = Map.of(
      "bigqueryexports", new String[] {"bqexport.io/v1alpha1", "BigQueryExport"},
      "bigquerybackfills", new String[] {"bqexport.io/v1alpha1", "BigQueryBackfill"},
      "cronjobs", new String[] {"batch/v1", "CronJob"},
      "jobs", new String[] {"batch/v1", "Job"},
      "pods", new String[] {"v1", "Pod"},
      "configmaps", new String[] {"v1", "ConfigMap"},
      "secrets", new String[] {"v1", "Secret"},
      "events", new String[] {"v1", "Event"});
  private static final Set<String> STORED = Set.of("cronjobs", "configmaps");

  private record Stored(String json, Map<String, String> labels, String resourceVersion) {}

  private final ExportFleet fleet;
  private final Map<String, String> secrets;
  private final Map<String, Map<String, Stored>> stored = Map.of("cronjobs", new ConcurrentSkipListMap<>(),
      "configmaps", new ConcurrentSkipListMap<>());
  private final Map<String, List<WebSocket>> watches = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
  private final AtomicLong resourceVersion = new AtomicLong(1_000_000);
  private final MockWebServer server = new MockWebServer();

  /** @param secrets the Secrets' JSON by name */
  ScaleApiStandIn(ExportFleet fleet, Map<String, String> secrets) {
    this.fleet = fleet;
    this.secrets = Map.copyOf(secrets);
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return ScaleApiStandIn.this.dispatch(request);
      }
    });
    // HTTP/1.1 only: the JDK client's h2c upgrade on this server garbles large responses ("Frame type(48) ...
    // exceeds MAX_FRAME_SIZE"), and the operator talks HTTP/1.1 or TLS-negotiated HTTP/2 to a real API server.
    server.setProtocols(List.of(Protocol.HTTP_1_1));
    server.start(InetAddress.getLoopbackAddress(), 0);
  }

  String url() {
    return "http://" + server.getHostName() + ":" + server.getPort();
  }

  /** Requests so far by "VERB resource[/sub] [list|watch]". */
  Map<String, Long> counts() {
    Map<String, Long> copy = new TreeMap<>();
    counts.forEach((k, v) -> copy.put(k, v.sum()));
    return copy;
  }

  /** Writes so far: every request that is not a GET. */
  long writes() {
    return counts().entrySet().stream().filter(e -> !e.getKey().startsWith("GET ")).mapToLong(Map.Entry::getValue)
        .sum();
  }

  private MockResponse dispatch(RecordedRequest request) {
    ApiRequestPath path = ApiRequestPath.parse(request.getPath());
    String method = request.getMethod();
    String key = method + " " + path.plural() + (path.subresource() == null ? "" : "/" + path.subresource())
        + (!"GET".equals(method) || path.name() != null ? "" : path.watch() ? " watch" : " list");
    counts.computeIfAbsent(key, k -> new LongAdder()).increment();
    try {
      if (path.plural() == null || !TYPES.containsKey(path.plural())) {
        return status(404, "NotFound", "not served by the benchmark's API: " + request.getPath());
      }
      if ("GET".equals(method) && path.name() == null) {
        FieldSelector fields;
        try {
          fields = FieldSelector.parse(path.plural(), path.query().get("fieldSelector"));
        } catch (FieldSelector.Refused e) {
          return status(400, "BadRequest", "Unable to find \"" + path.plural() + "\" that match label selector \""
              + path.query().getOrDefault("labelSelector", "") + "\", field selector \""
              + path.query().get("fieldSelector") + "\": " + e.getMessage());
        }
        return path.watch() ? watch(path.plural()) : list(path, fields);
      }
      if ("GET".equals(method)) {
        return get(path);
      }
      if (STORED.contains(path.plural()) && ("POST".equals(method) || "PUT".equals(method))) {
        return write(path.plural(), method, request.getUtf8Body());
      }
      if ("bigqueryexports".equals(path.plural()) && path.name() != null) {
        int i = ExportFleet.index(path.name());
        return i >= 0 && i < fleet.exports ? json(200, fleet.export(i)) : status(404, "NotFound", path.name());
      }
      // Events (create, patch) and anything else written: answered with what was sent.
      return json("POST".equals(method) ? 201 : 200, request.getUtf8Body());
    } catch (Exception e) {
      return status(500, "InternalError", e.toString());
    }
  }

  private MockResponse get(ApiRequestPath path) {
    String json = switch (path.plural()) {
      case "bigqueryexports" -> {
        int i = ExportFleet.index(path.name());
        yield i >= 0 && i < fleet.exports && path.name().equals(ExportFleet.name(i)) ? fleet.export(i) : null;
      }
      case "secrets" -> secrets.get(path.name());
      case "cronjobs", "configmaps" -> {
        Stored s = stored.get(path.plural()).get(path.name());
        yield s == null ? null : s.json();
      }
      default -> null;
    };
    return json == null ? status(404, "NotFound", path.plural() + " \"" + path.name() + "\" not found")
        : json(200, json);
  }

  /** One page of a list; the continue token is the position to go on from. */
  private MockResponse list(ApiRequestPath path, FieldSelector fields) throws Exception {
    String plural = path.plural();
    LabelSelector selector = LabelSelector.parse(path.query().get("labelSelector"));
    int limit = path.query().containsKey("limit") ? Integer.parseInt(path.query().get("limit")) : Integer.MAX_VALUE;
    int position = path.query().containsKey("continue") ? Integer.parseInt(path.query().get("continue")) : 0;
    Items items = items(plural);
    String[] type = TYPES.get(plural);
    // One builder, the items before the list's metadata (JSON objects are unordered): a list of 10,000 exports is
    // about 100 MB, and each copy of it stalls the server's event loop for seconds.
    StringBuilder out = new StringBuilder(1 << 16);
    out.append("{\"apiVersion\":\"").append(type[0]).append("\",\"kind\":\"").append(type[1])
        .append("List\",\"items\":[");
    int taken = 0;
    while (position < items.size() && taken < limit) {
      if (selector.matches(items.labels(position)) && (fields.isEmpty() || fields.matches(items.fields(position)))) {
        out.append(taken == 0 ? "" : ",");
        items.render(position, out);
        taken++;
      }
      position++;
    }
    out.append("],\"metadata\":{\"resourceVersion\":\"").append(resourceVersion.get()).append('"');
    if (position < items.size()) {
      out.append(",\"continue\":\"").append(position).append('"');
    }
    out.append("}}");
    return new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json")
        .setBody(out.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** The items of a list, in a stable order. */
  private interface Items {
    int size();

    Map<String, String> labels(int position) throws Exception;

    void render(int position, StringBuilder out);

    /** metadata.name, metadata.namespace and what else a field selector may ask of the item. */
    default Map<String, String> fields(int position) throws Exception {
      StringBuilder json = new StringBuilder();
      render(position, json);
      var metadata = JSON.readTree(json.toString()).path("metadata");
      return Map.of("metadata.name", metadata.path("name").asText(), "metadata.namespace",
          metadata.path("namespace").asText());
    }
  }

  private Items items(String plural) throws Exception {
    int runs = fleet.runs;
    int history = fleet.exports * runs;
    return switch (plural) {
      case "bigqueryexports" -> new Items() {
        public int size() {
          return fleet.exports;
        }

        public Map<String, String> labels(int position) {
          return Map.of();
        }

        public void render(int position, StringBuilder out) {
          fleet.export(position, out);
        }

        public Map<String, String> fields(int position) {
          return Map.of("metadata.name", ExportFleet.name(position), "metadata.namespace", OperatorBench.NAMESPACE);
        }
      };
      case "jobs", "pods" -> new Items() {
        public int size() {
          return history;
        }

        public Map<String, String> labels(int p) {
          return "jobs".equals(plural) ? fleet.jobLabels(p / runs, p % runs) : fleet.podLabels(p / runs, p % runs);
        }

        public void render(int p, StringBuilder out) {
          if ("jobs".equals(plural)) {
            fleet.job(p / runs, p % runs, out);
          } else {
            fleet.pod(p / runs, p % runs, out);
          }
        }

        public Map<String, String> fields(int p) {
          return "jobs".equals(plural) ? fleet.jobFields(p / runs, p % runs) : fleet.podFields(p / runs, p % runs);
        }
      };
      case "cronjobs", "configmaps" -> snapshot(List.copyOf(stored.get(plural).values()).stream()
          .map(s -> new Object[] {s.json(), s.labels()}).toList());
      case "secrets" -> snapshot(secrets.values().stream()
          .map(s -> new Object[] {s, uncheckedLabels(s)}).toList());
      default -> snapshot(List.of());
    };
  }

  @SuppressWarnings("unchecked")
  private static Items snapshot(List<Object[]> jsonAndLabels) {
    return new Items() {
      public int size() {
        return jsonAndLabels.size();
      }

      public Map<String, String> labels(int position) {
        return (Map<String, String>) jsonAndLabels.get(position)[1];
      }

      public void render(int position, StringBuilder out) {
        out.append((String) jsonAndLabels.get(position)[0]);
      }
    };
  }

  private static Map<String, String> uncheckedLabels(String json) {
    try {
      return ExportFleet.labels(json);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Creates (POST; 409 AlreadyExists when the name is taken) or replaces (PUT; 409 Conflict when the sent
   * resourceVersion is not the stored one, the API server's optimistic concurrency) a ConfigMap or CronJob.
   */
  private MockResponse write(String plural, String method, String body) throws Exception {
    ObjectNode object = (ObjectNode) JSON.readTree(body);
    ObjectNode metadata = (ObjectNode) object.path("metadata");
    String name = metadata.path("name").asText();
    Map<String, Stored> store = stored.get(plural);
    synchronized (store) {
      Stored existing = store.get(name);
      if ("POST".equals(method) && existing != null) {
        return status(409, "AlreadyExists", plural + " \"" + name + "\" already exists");
      }
      if ("PUT".equals(method) && existing == null) {
        return status(404, "NotFound", plural + " \"" + name + "\" not found");
      }
      if ("PUT".equals(method) && !existing.resourceVersion().equals(metadata.path("resourceVersion").asText())) {
        return status(409, "Conflict", "the object has been modified; please apply your changes to the latest"
            + " version and try again");
      }
      String version = String.valueOf(resourceVersion.incrementAndGet());
      metadata.put("resourceVersion", version);
      metadata.put("uid", ExportFleet.uid("cronjobs".equals(plural) ? ExportFleet.CRONJOB : ExportFleet.CONFIGMAP,
          0, ExportFleet.index(name)));
      metadata.put("creationTimestamp", existing == null
          ? Instant.now().truncatedTo(ChronoUnit.SECONDS).toString()
          : JSON.readTree(existing.json()).path("metadata").path("creationTimestamp").asText());
      metadata.put("namespace", OperatorBench.NAMESPACE);
      String json = JSON.writeValueAsString(object);
      store.put(name, new Stored(json, ExportFleet.labels(json), version));
      String event = "{\"type\":\"" + (existing == null ? "ADDED" : "MODIFIED") + "\",\"object\":" + json + "}";
      watches.getOrDefault(plural, List.of()).forEach(w -> w.send(event));
      return json(existing == null ? 201 : 200, json);
    }
  }

  private MockResponse watch(String plural) {
    return new MockResponse().withWebSocketUpgrade(new WebSocketListener() {
      @Override
      public void onOpen(WebSocket webSocket, Response response) {
        watches.computeIfAbsent(plural, k -> new CopyOnWriteArrayList<>()).add(webSocket);
      }

      @Override
      public void onClosed(WebSocket webSocket, int code, String reason) {
        watches.getOrDefault(plural, List.of()).remove(webSocket);
      }
    });
  }

  private static MockResponse json(int code, String body) {
    return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json").setBody(body);
  }

  private static MockResponse status(int code, String reason, String message) {
    ObjectNode status = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Status")
        .put("status", "Failure").put("reason", reason).put("message", message).put("code", code);
    return json(code, status.toString());
  }

  @Override
  public void close() {
    server.shutdown();
  }
}
