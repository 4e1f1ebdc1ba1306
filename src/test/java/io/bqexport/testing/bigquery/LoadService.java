package io.bqexport.testing.bigquery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** Starts load jobs by upload; the last byte starts the job, which runs in the background. */
final class LoadService {
  private final JobStore jobs;
  private final JobExecutor executor;
  private final NdjsonLoader loader;
  private final UploadSessions uploads;
  private final Catalog catalog;
  private final LoadQuota quota;

  LoadService(JobStore jobs, JobExecutor executor, NdjsonLoader loader, UploadSessions uploads, Catalog catalog,
      LoadQuota quota) {
    this.jobs = jobs;
    this.executor = executor;
    this.loader = loader;
    this.uploads = uploads;
    this.catalog = catalog;
    this.quota = quota;
  }

  /**
   * Upload initiation. A job id that already belongs to a job is refused here with 409 duplicate, as jobs.insert
   * would; two unfinished uploads with the same id may coexist, and the later to finish gets the 409.
   */
  String open(String project, JsonNode body, String userEmail) {
    JobLabelRules.check(body.path("configuration").get("labels"));
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

  /**
   * The last chunk arrived: registers the load job (a used id is 409 duplicate, failed jobs included) and answers it
   * PENDING; the load runs in the background and ends DONE, with errorResult and errors[] when it failed
   * (https://cloud.google.com/bigquery/docs/reference/rest/v2/Job#JobStatus). A bad row never turns into an HTTP
   * error on the upload.
   */
  private ObjectNode finish(UploadSessions.Session session) {
    JsonNode config = session.jobBody.path("configuration");
    String location = Json.text(session.jobBody.path("jobReference"), "location");
    TableRef destination = destination(session.project, config.path("load"));
    String datasetLocation = catalog.locationOf(destination.project(), destination.dataset());
    String jobLocation = location != null ? location : datasetLocation != null ? datasetLocation : "US";
    EmulatorJob job = jobs.create(session.project, JobStore.jobIdOf(session.jobBody), jobLocation, "LOAD", config);
    job.setUserEmail(session.userEmail);
    ObjectNode pending = job.toJson();
    executor.submit(job, () -> run(job, session, destination, location));
    return pending;
  }

  private void run(EmulatorJob job, UploadSessions.Session session, TableRef destination, String location) {
    JsonNode config = session.jobBody.path("configuration");
    try {
      quota.admit(destination);
      if (location != null) {
        catalog.requireDatasetIn(destination.project(), destination.dataset(), location);
      }
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
  }

  private static TableRef destination(String project, JsonNode load) {
    JsonNode dest = load.path("destinationTable");
    String destProject = Json.text(dest, "projectId") == null ? project : Json.text(dest, "projectId");
    return new TableRef(destProject, Json.text(dest, "datasetId"), Json.text(dest, "tableId"));
  }
}
