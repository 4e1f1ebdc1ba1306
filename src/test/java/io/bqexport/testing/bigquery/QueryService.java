package io.bqexport.testing.bigquery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * jobs.insert for queries, jobs.query, jobs.getQueryResults and tabledata.list. Query jobs run asynchronously; like
 * BigQuery, jobs.query and jobs.getQueryResults wait up to {@code timeoutMs} (default 10 s) for the job and answer
 * {@code jobComplete: false} when it is still running
 * (https://cloud.google.com/bigquery/docs/reference/rest/v2/jobs/query, .../jobs/getQueryResults).
 */
final class QueryService {
  static final String ANONYMOUS_DATASET = "_emulator_query_results";
  /** BigQuery's default and the emulator's ceiling for timeoutMs. */
  private static final long DEFAULT_TIMEOUT_MS = 10_000;

  private final JobStore jobs;
  private final ScriptRunner runner;
  private final Catalog catalog;
  private final DuckDb db;
  private final JobExecutor executor;

  QueryService(JobStore jobs, JobExecutor executor, ScriptRunner runner, Catalog catalog, DuckDb db) {
    this.jobs = jobs;
    this.executor = executor;
    this.runner = runner;
    this.catalog = catalog;
    this.db = db;
  }

  /**
   * jobs.insert with a query configuration: answers the PENDING job and runs it in the background; a failing query
   * ends as a DONE job with errorResult.
   */
  ObjectNode insertQueryJob(String project, JsonNode body, String userEmail) {
    JsonNode config = body.path("configuration");
    JobLabelRules.check(config.get("labels"));
    JsonNode query = config.path("query");
    if (config.path("dryRun").asBoolean(false)) {
      return dryRun(project, body, query).toJson();
    }
    if (query.has("destinationTable")) {
      throw SqlTranslator.unsupported("query jobs with a destinationTable (use CREATE TABLE ... AS or INSERT)");
    }
    String location = Json.text(body.path("jobReference"), "location");
    EmulatorJob job = jobs.create(project, JobStore.jobIdOf(body), location == null ? inferredLocation(project, query)
        : location, "QUERY", config);
    job.setUserEmail(userEmail);
    ObjectNode pending = job.toJson();
    executor.submit(job, () -> execute(job, project, query, location));
    return pending;
  }

  /**
   * Without a location in the request, "BigQuery determines the location ... based on the datasets referenced in
   * the request" (jobs.insert, JobReference.location): the first named table's dataset, else the default dataset's.
   */
  private String inferredLocation(String project, JsonNode query) {
    JsonNode defaultDataset = query.get("defaultDataset");
    for (TableRef table : GoogleSqlAnalyzer.referencedTables(query.path("query").asText(""), project,
        defaultDataset)) {
      String location = catalog.locationOf(table.project(), table.dataset());
      if (location != null) {
        return location;
      }
    }
    String dataset = defaultDataset == null ? null : Json.text(defaultDataset, "datasetId");
    String datasetProject = defaultDataset == null || Json.text(defaultDataset, "projectId") == null ? project
        : Json.text(defaultDataset, "projectId");
    String location = dataset == null ? null : catalog.locationOf(datasetProject, dataset);
    return location == null ? "US" : location;
  }

  /** A dry run validates the query and answers a DONE job that is not stored, as BigQuery does. */
  private EmulatorJob dryRun(String project, JsonNode body, JsonNode query) {
    runner.validate(query.path("query").asText(""), project, query.get("defaultDataset"),
        QueryParameters.from(query.get("queryParameters")));
    EmulatorJob job = new EmulatorJob(project, JobStore.jobIdOf(body), JobStore.locationOf(body), "QUERY",
        ((ObjectNode) body.path("configuration")).deepCopy(), jobs.now());
    ObjectNode statistics = Json.object().put("totalBytesProcessed", "0").put("cacheHit", false);
    job.succeed(statistics, QueryResult.empty(), List.of(), jobs.now());
    return job;
  }

  /** Runs the query; {@code location} is the one the caller sent, null when it sent none. */
  private void execute(EmulatorJob job, String project, JsonNode query, String location) {
    try {
      if (query.path("useLegacySql").asBoolean(false)) {
        throw ApiException.invalidQuery("Legacy SQL is not supported by the BigQuery emulator; set useLegacySql=false.");
      }
      ScriptRunner.Outcome outcome = runner.run(query.path("query").asText(""), project,
          query.get("defaultDataset"), QueryParameters.from(query.get("queryParameters")), location);
      ObjectNode statistics = Json.object();
      statistics.put("totalBytesProcessed", "0");
      statistics.put("totalBytesBilled", "0");
      statistics.put("cacheHit", false);
      statistics.put("statementType", outcome.statementType());
      if (outcome.hadDml()) {
        statistics.put("numDmlAffectedRows", Long.toString(outcome.dmlAffectedRows()));
      }
      if (outcome.result().schemaFields() != null) {
        statistics.putObject("schema").set("fields", outcome.result().schemaFields().deepCopy());
        job.setQueryDestination(Json.object().put("projectId", project).put("datasetId", ANONYMOUS_DATASET)
            .put("tableId", "anon_" + job.jobId));
      }
      job.succeed(statistics, outcome.result(), List.of(), jobs.now());
    } catch (ApiException e) {
      ObjectNode error = e.errorProto();
      error.put("location", "query");
      job.fail(error, List.of(error.deepCopy()), jobs.now());
    }
  }

  /** jobs.query: creates a job, runs it, answers the first page; a failing query answers an HTTP error. */
  ObjectNode query(String project, JsonNode request, String userEmail) {
    ObjectNode config = Json.object();
    JobLabelRules.check(request.get("labels"));
    if (request.has("labels")) {
      config.set("labels", request.get("labels").deepCopy()); // jobs.query's labels become the job's
    }
    ObjectNode query = config.putObject("query");
    for (String field : List.of("query", "useLegacySql", "defaultDataset", "queryParameters", "parameterMode")) {
      if (request.has(field)) {
        query.set(field, request.get(field).deepCopy());
      }
    }
    if (request.path("dryRun").asBoolean(false)) {
      runner.validate(request.path("query").asText(""), project, request.get("defaultDataset"),
          QueryParameters.from(request.get("queryParameters")));
      return Json.object().put("kind", "bigquery#queryResponse").put("jobComplete", true)
          .put("totalBytesProcessed", "0").put("cacheHit", false);
    }
    String location = request.hasNonNull("location") ? request.get("location").asText() : null;
    EmulatorJob job = jobs.create(project, JobStore.jobIdOf(Json.object()),
        location == null ? inferredLocation(project, query) : location, "QUERY", config);
    job.setUserEmail(userEmail);
    executor.submit(job, () -> execute(job, project, query, location));
    if (!awaitDone(job, request.path("timeoutMs").asLong(DEFAULT_TIMEOUT_MS))) {
      return incomplete(job, "bigquery#queryResponse");
    }
    throwIfFailed(job);
    ObjectNode response = resultsPage(job, request.path("maxResults").asLong(Long.MAX_VALUE), 0,
        request.path("formatOptions").path("useInt64Timestamp").asBoolean(false));
    response.put("kind", "bigquery#queryResponse");
    response.put("cacheHit", false);
    response.put("totalBytesProcessed", "0");
    return response;
  }

  ObjectNode getQueryResults(String project, String jobId, Map<String, String> params) {
    EmulatorJob job = jobs.get(project, jobId, params.get("location"));
    long timeout = params.containsKey("timeoutMs") ? Long.parseLong(params.get("timeoutMs")) : DEFAULT_TIMEOUT_MS;
    if (!awaitDone(job, timeout)) {
      return incomplete(job, "bigquery#getQueryResultsResponse");
    }
    throwIfFailed(job);
    ObjectNode response = resultsPage(job, maxResults(params), startIndex(params),
        Boolean.parseBoolean(params.getOrDefault("formatOptions.useInt64Timestamp", "false")));
    response.put("kind", "bigquery#getQueryResultsResponse");
    response.put("etag", "q" + job.creationTime);
    return response;
  }

  private static boolean awaitDone(EmulatorJob job, long timeoutMs) {
    try {
      return job.awaitDone(Math.min(timeoutMs, DEFAULT_TIMEOUT_MS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The answer while the job still runs: the client polls again. */
  private static ObjectNode incomplete(EmulatorJob job, String kind) {
    ObjectNode response = Json.object().put("kind", kind).put("jobComplete", false);
    response.putObject("jobReference")
        .put("projectId", job.project).put("jobId", job.jobId).put("location", job.location);
    return response;
  }

  private static void throwIfFailed(EmulatorJob job) {
    ObjectNode error = job.errorResult();
    if (error != null) {
      String reason = error.path("reason").asText("invalid");
      int status = switch (reason) {
        case "notFound" -> 404;
        case "duplicate" -> 409;
        case "accessDenied" -> 403;
        default -> 400;
      };
      throw new ApiException(status, reason, error.path("message").asText());
    }
  }

  private ObjectNode resultsPage(EmulatorJob job, long maxResults, long start, boolean int64Timestamps) {
    QueryResult result = job.result();
    ObjectNode response = Json.object();
    response.putObject("jobReference")
        .put("projectId", job.project).put("jobId", job.jobId).put("location", job.location);
    response.put("jobComplete", "DONE".equals(job.state()));
    if (result.schemaFields() != null) {
      response.putObject("schema").set("fields", result.schemaFields().deepCopy());
    }
    int total = result.rows().size();
    response.put("totalRows", Integer.toString(total));
    int from = (int) Math.min(start, total);
    int to = (int) Math.min(total, from + Math.max(0, Math.min(maxResults, Integer.MAX_VALUE)));
    response.set("rows", result.encodeRows(from, to, int64Timestamps));
    if (to < total) {
      response.put("pageToken", Integer.toString(to));
    }
    ObjectNode statistics = job.typeStatistics();
    if (statistics.has("numDmlAffectedRows")) {
      response.put("numDmlAffectedRows", statistics.get("numDmlAffectedRows").asText());
    }
    return response;
  }

  /** tabledata.list on a table, or on a query job's anonymous result table. */
  ObjectNode listTableData(TableRef ref, Map<String, String> params) {
    QueryResult result;
    if (ANONYMOUS_DATASET.equals(ref.dataset()) && ref.table().startsWith("anon_")) {
      result = jobs.get(ref.project(), ref.table().substring(5), null).result();
    } else {
      result = db.locked(() -> {
        if (catalog.find(ref) == null) {
          catalog.getTable(ref);
        }
        try (var s = db.connection().createStatement();
            var rs = s.executeQuery("SELECT * FROM " + ref.sqlName() + " ORDER BY rowid")) {
          return QueryResult.read(rs);
        }
      });
    }
    int total = result.rows().size();
    int from = (int) Math.min(startIndex(params), total);
    int to = (int) Math.min(total, from + Math.min(maxResults(params), Integer.MAX_VALUE));
    ObjectNode response = Json.object();
    response.put("kind", "bigquery#tableDataList");
    response.put("etag", "d" + total);
    response.put("totalRows", Integer.toString(total));
    response.set("rows", result.encodeRows(from, to,
        Boolean.parseBoolean(params.getOrDefault("formatOptions.useInt64Timestamp", "false"))));
    if (to < total) {
      response.put("pageToken", Integer.toString(to));
    }
    return response;
  }

  private static long maxResults(Map<String, String> params) {
    return params.containsKey("maxResults") ? Long.parseLong(params.get("maxResults")) : Long.MAX_VALUE;
  }

  private static long startIndex(Map<String, String> params) {
    if (params.containsKey("pageToken")) {
      return Long.parseLong(params.get("pageToken"));
    }
    return params.containsKey("startIndex") ? Long.parseLong(params.get("startIndex")) : 0;
  }
}
