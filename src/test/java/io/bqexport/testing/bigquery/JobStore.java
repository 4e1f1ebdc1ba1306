package io.bqexport.testing.bigquery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Every job by project and id. Job ids are unique per project: a second job with the same id gets a 409. */
final class JobStore {
  private final Map<String, EmulatorJob> jobs = new LinkedHashMap<>();
  private final Clock clock;

  JobStore(Clock clock) {
    this.clock = clock;
  }

  /** The caller's job id from a job resource, or a generated one when it gives none. */
  static String jobIdOf(JsonNode jobBody) {
    String id = Json.text(jobBody.path("jobReference"), "jobId");
    return id == null || id.isEmpty() ? "job_" + UUID.randomUUID().toString().replace("-", "") : id;
  }

  static String locationOf(JsonNode jobBody) {
    String location = Json.text(jobBody.path("jobReference"), "location");
    return location == null ? "US" : location;
  }

  static void validateJobId(String jobId) {
    if (!jobId.matches("[A-Za-z0-9_-]{1,1024}")) {
      throw ApiException.invalid("Invalid job ID \"" + jobId + "\". Job IDs must be alphanumeric (plus underscores "
          + "and dashes) and must be at most 1024 characters long.");
    }
  }

  synchronized void requireUnused(String project, String jobId, String location) {
    if (jobs.containsKey(project + ":" + jobId)) {
      throw ApiException.duplicate("Job " + project + ":" + location + "." + jobId);
    }
  }

  /** Registers a new running job, or throws 409 duplicate. */
  synchronized EmulatorJob create(String project, String jobId, String location, String type, JsonNode config) {
    validateJobId(jobId);
    requireUnused(project, jobId, location);
    EmulatorJob job = new EmulatorJob(project, jobId, location, type, ((ObjectNode) config).deepCopy(),
        clock.millis());
    jobs.put(project + ":" + jobId, job);
    return job;
  }

  /**
   * The job, or 404 "Not found: Job p:LOCATION.id" when there is none or when the caller names another location
   * than the job's: BigQuery looks a job up in the location given (null: the job's own).
   */
  synchronized EmulatorJob get(String project, String jobId, String location) {
    EmulatorJob job = jobs.get(project + ":" + jobId);
    if (job == null || location != null && !location.equalsIgnoreCase(job.location)) {
      throw ApiException.notFound("Job " + project + ":" + (location == null ? "US" : location) + "." + jobId);
    }
    return job;
  }

  synchronized List<EmulatorJob> all() {
    return new ArrayList<>(jobs.values());
  }

  long now() {
    return clock.millis();
  }
}
