package io.bqexport.testing.bigquery;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * One job as BigQuery keeps it: reference, configuration, state, errors, statistics and (for queries) rows.
 * A job is PENDING when created, RUNNING once started and DONE when it succeeded or failed; per the REST reference
 * (https://cloud.google.com/bigquery/docs/reference/rest/v2/Job#JobStatus) a DONE job with an errorResult failed,
 * and statistics beyond creation and start time appear only when it is done
 * (https://cloud.google.com/bigquery/docs/reference/rest/v2/Job#JobStatistics).
 */
final class EmulatorJob {
  final String project;
  final String jobId;
  final String location;
  final String type;
  final ObjectNode configuration;
  final long creationTime;
  private String state = "PENDING";
  private long startTime;
  private long endTime;
  private ObjectNode errorResult;
  private List<ObjectNode> errors = List.of();
  private ObjectNode typeStatistics = Json.object();
  private QueryResult result = QueryResult.empty();
  private String userEmail = "emulator@bqexport.local";

  EmulatorJob(String project, String jobId, String location, String type, ObjectNode configuration, long now) {
    this.project = project;
    this.jobId = jobId;
    this.location = location;
    this.type = type;
    this.configuration = configuration;
    this.creationTime = now;
  }

  synchronized void start(long now) {
    if ("PENDING".equals(state)) {
      state = "RUNNING";
      startTime = Math.max(now, creationTime);
    }
  }

  /** Waits up to {@code millis} for the job to be DONE; answers whether it is. */
  synchronized boolean awaitDone(long millis) throws InterruptedException {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(millis);
    while (!"DONE".equals(state)) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return true;
  }

  synchronized void succeed(ObjectNode statistics, QueryResult rows, List<ObjectNode> warnings, long now) {
    this.typeStatistics = statistics;
    this.result = rows;
    this.errors = warnings;
    finish(now);
  }

  synchronized void fail(ObjectNode errorResult, List<ObjectNode> errors, long now) {
    this.errorResult = errorResult;
    this.errors = errors;
    finish(now);
  }

  private void finish(long now) {
    if ("PENDING".equals(state)) {
      startTime = Math.max(now, creationTime);
    }
    this.state = "DONE";
    this.endTime = Math.max(now, startTime);
    notifyAll();
  }

  /** Where the client reads a query's rows with tabledata.list: the job's anonymous result table. */
  synchronized void setQueryDestination(ObjectNode table) {
    configuration.withObjectProperty("query").set("destinationTable", table);
  }

  synchronized void setUserEmail(String email) {
    this.userEmail = email;
  }

  synchronized String state() {
    return state;
  }

  synchronized ObjectNode errorResult() {
    return errorResult == null ? null : errorResult.deepCopy();
  }

  synchronized QueryResult result() {
    return result;
  }

  synchronized ObjectNode typeStatistics() {
    return typeStatistics.deepCopy();
  }

  String fullId() {
    return project + ":" + location + "." + jobId;
  }

  synchronized ObjectNode toJson() {
    ObjectNode job = Json.object();
    job.put("kind", "bigquery#job");
    job.put("etag", "j" + creationTime + state);
    job.put("id", fullId());
    job.put("selfLink", "/bigquery/v2/projects/" + project + "/jobs/" + jobId + "?location=" + location);
    job.put("user_email", userEmail);
    job.putObject("jobReference").put("projectId", project).put("jobId", jobId).put("location", location);
    ObjectNode config = configuration.deepCopy();
    config.put("jobType", type);
    job.set("configuration", config);
    ObjectNode status = job.putObject("status");
    status.put("state", state);
    if (errorResult != null) {
      status.set("errorResult", errorResult.deepCopy());
    }
    if (!errors.isEmpty()) {
      errors.forEach(e -> status.withArray("errors").add(e.deepCopy()));
    }
    ObjectNode statistics = job.putObject("statistics");
    statistics.put("creationTime", Long.toString(creationTime));
    if (!"PENDING".equals(state)) {
      statistics.put("startTime", Long.toString(startTime));
    }
    if ("DONE".equals(state)) {
      statistics.put("endTime", Long.toString(endTime));
      if ("QUERY".equals(type)) {
        statistics.put("totalBytesProcessed", "0");
        statistics.set("query", typeStatistics.deepCopy());
      } else if ("LOAD".equals(type)) {
        statistics.set("load", typeStatistics.deepCopy());
      }
    }
    return job;
  }
}
