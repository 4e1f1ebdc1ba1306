package io.bqexport.testing.bigquery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** Starts load jobs by upload and completes them when the last byte arrived. */
final class LoadService {
  private final JobStore jobs;
  private final NdjsonLoader loader;
  private final UploadSessions uploads;

  LoadService(JobStore jobs, NdjsonLoader loader, UploadSessions uploads) {
    this.jobs = jobs;
    this.loader = loader;
    this.uploads = uploads;
  }

  /**
   * Upload initiation. A job id that already belongs to a job is refused here with 409 duplicate, as jobs.insert
   * would; two unfinished uploads with the same id may coexist, and the later to finish gets the 409.
   */
  String open(String project, JsonNode body, String userEmail) {
    JsonNode load = body.path("configuration").path("load");
    if (load.isMissingNode()) {
      throw ApiException.invalid("An upload needs a job with configuration.load.");
    }
    if (Json.text(load.path("destinationTable"), "tableId") == null) {
      throw ApiException.invalid("configuration.load.destinationTable is required.");
    }
    String jobId = Json.text(body.path("jobReference"), "jobId");
    if (jobId != null) {
      JobStore.validateJobId(jobId);
      jobs.requireUnused(project, jobId, JobStore.locationOf(body));
    }
    return uploads.open(project, body, userEmail);
  }

  UploadSessions.ChunkOutcome put(String uploadId, String contentRange, byte[] chunk) {
    return uploads.put(uploadId, contentRange, chunk, this::finish);
  }

  private ObjectNode finish(UploadSessions.Session session) {
    JsonNode config = session.jobBody.path("configuration");
    EmulatorJob job = jobs.create(session.project, JobStore.jobIdOf(session.jobBody),
        JobStore.locationOf(session.jobBody), "LOAD", config);
    job.setUserEmail(session.userEmail);
    try {
      NdjsonLoader.Outcome outcome = loader.load(session.project, config.path("load"), session.file);
      ObjectNode statistics = Json.object();
      statistics.put("inputFiles", "1");
      statistics.put("inputFileBytes", Long.toString(outcome.inputBytes()));
      statistics.put("outputRows", Long.toString(outcome.outputRows()));
      statistics.put("outputBytes", Long.toString(outcome.inputBytes()));
      statistics.put("badRecords", Long.toString(outcome.badRecords()));
      job.succeed(statistics, QueryResult.empty(), outcome.errors(), jobs.now());
    } catch (NdjsonLoader.LoadFailed e) {
      job.fail(e.errorResult, e.errors, jobs.now());
    } catch (ApiException e) {
      job.fail(e.errorProto(), List.of(e.errorProto()), jobs.now());
    } finally {
      session.file.toFile().delete();
    }
    return job.toJson();
  }
}
