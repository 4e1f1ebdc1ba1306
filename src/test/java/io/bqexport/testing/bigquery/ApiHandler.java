package io.bqexport.testing.bigquery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** HTTP entry point: faults first, then authentication, then routing to the REST resources. */
final class ApiHandler implements HttpHandler {
  private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);
  private static final String API = "^/bigquery/v2/projects/([^/]+)";
  private static final Pattern DATASETS = Pattern.compile(API + "/datasets$");
  private static final Pattern DATASET = Pattern.compile(API + "/datasets/([^/]+)$");
  private static final Pattern TABLES = Pattern.compile(API + "/datasets/([^/]+)/tables$");
  private static final Pattern TABLE = Pattern.compile(API + "/datasets/([^/]+)/tables/([^/]+)$");
  private static final Pattern TABLE_DATA = Pattern.compile(API + "/datasets/([^/]+)/tables/([^/]+)/data$");
  private static final Pattern JOBS = Pattern.compile(API + "/jobs$");
  private static final Pattern JOB = Pattern.compile(API + "/jobs/([^/]+)$");
  private static final Pattern JOB_CANCEL = Pattern.compile(API + "/jobs/([^/]+)/cancel$");
  private static final Pattern QUERIES = Pattern.compile(API + "/queries$");
  private static final Pattern QUERY_RESULTS = Pattern.compile(API + "/queries/([^/]+)$");
  private static final Pattern UPLOAD = Pattern.compile("^/upload/bigquery/v2/projects/([^/]+)/jobs$");

  private final Catalog catalog;
  private final JobStore jobs;
  private final QueryService queries;
  private final LoadService loads;
  private final TokenService tokens;
  private final FaultInjector faults;
  private volatile boolean authenticationRequired;

  ApiHandler(Catalog catalog, JobStore jobs, QueryService queries, LoadService loads, TokenService tokens,
      FaultInjector faults) {
    this.catalog = catalog;
    this.jobs = jobs;
    this.queries = queries;
    this.loads = loads;
    this.tokens = tokens;
    this.faults = faults;
  }

  void requireAuthentication(boolean required) {
    this.authenticationRequired = required;
  }

  private record Response(int status, JsonNode body, Map<String, String> headers) {
    static Response json(JsonNode body) {
      return new Response(200, body, Map.of());
    }
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      String override = exchange.getRequestHeaders().getFirst("X-HTTP-Method-Override");
      if (override != null) {
        method = override.toUpperCase();
      }
      String path = exchange.getRequestURI().getRawPath();
      Map<String, String> query = parseQuery(exchange.getRequestURI().getRawQuery());
      EmulatorRequest request = new EmulatorRequest(method, path, query);
      LOG.debug("{} {}", method, exchange.getRequestURI());
      FaultInjector.Decision decision = faults.decide(request);
      if (!decision.delay().isZero()) {
        Thread.sleep(decision.delay().toMillis());
      }
      if (decision.dropUploadAfterBytes() != null) {
        exchange.getRequestBody().readNBytes(decision.dropUploadAfterBytes());
        LOG.debug("dropping the connection of {} {} as injected", method, path);
        return; // closing the exchange before any response closes the connection
      }
      byte[] body = exchange.getRequestBody().readAllBytes();
      if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
        body = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(body)).readAllBytes();
      }
      Response response;
      try {
        if (decision.failure() != null) {
          throw decision.failure();
        }
        response = decision.answer() != null ? Response.json(decision.answer())
            : "/token".equals(path) ? token(body) : authenticatedRoute(exchange, request, body);
      } catch (ApiException e) {
        response = new Response(e.status, e.body(), Map.of());
      } catch (TokenService.OAuthError e) {
        response = new Response(400, e.body(), Map.of());
      } catch (RuntimeException e) {
        LOG.warn("BigQuery emulator failed on {} {}", method, path, e);
        response = new Response(500, ApiException.errorBody(500, "backendError",
            "BigQuery emulator error: " + e), Map.of());
      }
      faults.handled(request);
      if (decision.dropResponse()) {
        LOG.debug("dropping the response of {} {} as injected", method, path);
        return;
      }
      send(exchange, response);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Response token(byte[] body) {
    return Response.json(tokens.exchange(new String(body, StandardCharsets.UTF_8)));
  }

  private Response authenticatedRoute(HttpExchange exchange, EmulatorRequest request, byte[] body) {
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    String bearer = authorization != null && authorization.startsWith("Bearer ")
        ? authorization.substring(7).trim() : null;
    String email = tokens.emailOf(bearer);
    if (authenticationRequired && email == null) {
      throw bearer == null
          ? new ApiException(401, "required", "Request is missing required authentication credential. Expected "
              + "OAuth 2 access token, login cookie or other valid authentication credential.")
          : new ApiException(401, "authError", "Request had invalid authentication credentials. Expected OAuth 2 "
              + "access token, login cookie or other valid authentication credential.");
    }
    String user = email == null ? "emulator@bqexport.local" : email;
    return route(exchange, request, body, user);
  }

  private Response route(HttpExchange exchange, EmulatorRequest r, byte[] body, String user) {
    String method = r.method();
    String path = r.path();
    Matcher m;
    if ((m = UPLOAD.matcher(path)).matches()) {
      return upload(exchange, r, m.group(1), body, user);
    }
    if ((m = DATASETS.matcher(path)).matches()) {
      if (method.equals("POST")) {
        return Response.json(catalog.insertDataset(segment(m, 1), Json.parse(body)));
      }
      if (method.equals("GET")) {
        ObjectNode list = Json.object().put("kind", "bigquery#datasetList");
        ArrayNode items = list.putArray("datasets");
        catalog.listDatasets(segment(m, 1)).forEach(items::add);
        return Response.json(list);
      }
    } else if ((m = DATASET.matcher(path)).matches()) {
      if (method.equals("GET")) {
        return Response.json(selectFields(catalog.getDataset(segment(m, 1), segment(m, 2)), r));
      }
      if (method.equals("PATCH") || method.equals("PUT")) {
        return Response.json(catalog.patchDataset(segment(m, 1), segment(m, 2), Json.parse(body)));
      }
      if (method.equals("DELETE")) {
        catalog.deleteDataset(segment(m, 1), segment(m, 2), Boolean.parseBoolean(r.query().get("deleteContents")));
        return new Response(204, null, Map.of());
      }
    } else if ((m = TABLES.matcher(path)).matches()) {
      if (method.equals("POST")) {
        return Response.json(catalog.insertTable(segment(m, 1), segment(m, 2), Json.parse(body)));
      }
      if (method.equals("GET")) {
        ObjectNode list = Json.object().put("kind", "bigquery#tableList");
        List<ObjectNode> tables = catalog.listTables(segment(m, 1), segment(m, 2));
        tables.forEach(list.putArray("tables")::add);
        list.put("totalItems", tables.size());
        return Response.json(list);
      }
    } else if ((m = TABLE.matcher(path)).matches()) {
      TableRef ref = new TableRef(segment(m, 1), segment(m, 2), segment(m, 3));
      switch (method) {
        case "GET": return Response.json(selectFields(catalog.getTable(ref), r));
        case "PATCH": case "PUT": return Response.json(catalog.patchTable(ref, Json.parse(body)));
        case "DELETE":
          catalog.deleteTable(ref);
          return new Response(204, null, Map.of());
        default: break;
      }
    } else if ((m = TABLE_DATA.matcher(path)).matches() && method.equals("GET")) {
      return Response.json(queries.listTableData(new TableRef(segment(m, 1), segment(m, 2), segment(m, 3)), r.query()));
    } else if ((m = JOBS.matcher(path)).matches()) {
      if (method.equals("POST")) {
        return Response.json(insertJob(segment(m, 1), Json.parse(body), user));
      }
      if (method.equals("GET")) {
        ObjectNode list = Json.object().put("kind", "bigquery#jobList");
        ArrayNode items = list.putArray("jobs");
        for (EmulatorJob job : jobs.all()) {
          if (job.project.equals(segment(m, 1))) {
            ObjectNode item = job.toJson();
            item.put("state", job.state());
            items.add(item);
          }
        }
        return Response.json(list);
      }
    } else if ((m = JOB.matcher(path)).matches() && method.equals("GET")) {
      ObjectNode job = jobs.get(segment(m, 1), segment(m, 2), r.query().get("location")).toJson();
      if (faults.pretendRunning(r)) {
        job.putObject("status").put("state", "RUNNING");
        ((ObjectNode) job.get("statistics")).remove(List.of("endTime", "load", "query"));
      }
      return Response.json(selectFields(job, r));
    } else if ((m = JOB_CANCEL.matcher(path)).matches() && method.equals("POST")) {
      ObjectNode response = Json.object().put("kind", "bigquery#jobCancelResponse");
      response.set("job", jobs.get(segment(m, 1), segment(m, 2), r.query().get("location")).toJson());
      return Response.json(response);
    } else if ((m = QUERIES.matcher(path)).matches() && method.equals("POST")) {
      return Response.json(queries.query(segment(m, 1), Json.parse(body), user));
    } else if ((m = QUERY_RESULTS.matcher(path)).matches() && method.equals("GET")) {
      if (faults.pretendRunning(r)) {
        jobs.get(segment(m, 1), segment(m, 2), r.query().get("location"));
        ObjectNode pending = Json.object().put("kind", "bigquery#getQueryResultsResponse").put("jobComplete", false);
        pending.putObject("jobReference").put("projectId", segment(m, 1)).put("jobId", segment(m, 2));
        return Response.json(pending);
      }
      return Response.json(queries.getQueryResults(segment(m, 1), segment(m, 2), r.query()));
    }
    // 400, not 404: a caller must not mistake a gap of the emulator for a missing resource.
    throw ApiException.invalid("Unsupported by the BigQuery emulator: " + method + " " + path
        + ". Add a route in io.bqexport.testing.bigquery.ApiHandler if the project needs it.");
  }

  /** Honours the partial-response parameter {@code fields} on single-resource reads (top-level names). */
  private static ObjectNode selectFields(ObjectNode resource, EmulatorRequest r) {
    String fields = r.query().get("fields");
    if (fields == null || fields.isBlank()) {
      return resource;
    }
    ObjectNode selected = Json.object();
    for (String field : fields.split(",")) {
      String top = field.trim().split("[/(]", 2)[0];
      if (resource.has(top)) {
        selected.set(top, resource.get(top));
      }
    }
    return selected;
  }

  private ObjectNode insertJob(String project, JsonNode body, String user) {
    JsonNode config = body.path("configuration");
    if (config.has("query")) {
      return queries.insertQueryJob(project, body, user);
    }
    if (config.has("load")) {
      throw SqlTranslator.unsupported("load jobs from sourceUris; load by resumable upload instead");
    }
    throw SqlTranslator.unsupported("job types other than query and load (copy, extract)");
  }

  private Response upload(HttpExchange exchange, EmulatorRequest r, String project, byte[] body, String user) {
    if (r.method().equals("POST")) {
      if (!"resumable".equals(r.query().get("uploadType"))) {
        throw SqlTranslator.unsupported("uploadType=" + r.query().get("uploadType") + " (use resumable)");
      }
      String uploadId = loads.open(decode(project), Json.parse(body), user);
      String host = exchange.getRequestHeaders().getFirst("Host");
      String location = "http://" + host + "/upload/bigquery/v2/projects/" + project
          + "/jobs?uploadType=resumable&upload_id=" + uploadId;
      return new Response(200, null, Map.of("Location", location));
    }
    if (r.method().equals("PUT")) {
      String uploadId = r.query().get("upload_id");
      if (uploadId == null) {
        throw ApiException.invalid("upload_id query parameter is required for an upload chunk.");
      }
      UploadSessions.ChunkOutcome outcome =
          loads.put(uploadId, exchange.getRequestHeaders().getFirst("Content-Range"), body);
      if (outcome.job() != null) {
        return Response.json(outcome.job());
      }
      Map<String, String> headers = outcome.committed() == 0 ? Map.of()
          : Map.of("Range", "bytes=0-" + (outcome.committed() - 1));
      return new Response(308, null, headers);
    }
    throw new ApiException(405, "badRequest", "Method " + r.method() + " is not allowed on uploads.");
  }

  private static void send(HttpExchange exchange, Response response) throws IOException {
    response.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
    if (response.body() == null) {
      exchange.sendResponseHeaders(response.status(), -1);
      return;
    }
    byte[] bytes = Json.write(response.body()).getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
    exchange.sendResponseHeaders(response.status(), bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static String segment(Matcher m, int group) {
    return decode(m.group(group));
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static Map<String, String> parseQuery(String rawQuery) {
    Map<String, String> query = new LinkedHashMap<>();
    if (rawQuery != null) {
      for (String pair : rawQuery.split("&")) {
        int eq = pair.indexOf('=');
        String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        query.put(key, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return query;
  }

}
