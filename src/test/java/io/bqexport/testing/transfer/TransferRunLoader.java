package io.bqexport.testing.transfer;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.FormatOptions;
import com.google.cloud.bigquery.Job;
import com.google.cloud.bigquery.JobId;
import com.google.cloud.bigquery.JobInfo;
import com.google.cloud.bigquery.JobStatistics;
import com.google.cloud.bigquery.TableDataWriteChannel;
import com.google.cloud.bigquery.TableId;
import com.google.cloud.bigquery.WriteChannelConfiguration;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.Storage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * Performs a Cloud Storage transfer run the way the documentation describes it
 * (https://cloud.google.com/bigquery/docs/cloud-storage-transfer, "Limitations"; and the overview's "Data
 * ingestion"): the run's data path (run-time parameters rendered for its run_time) selects the live objects; one
 * load job appends them to the destination table, which must exist ("BigQuery cannot create the table as part of the
 * recurring data transfer process"), with the config's ignore_unknown_values and max_bad_records. In APPEND mode
 * "an unmodified file can only be loaded into BigQuery once. If the file's last modification time property is
 * updated, then the file will be reloaded": the loader remembers each object's generation per config, so a rewritten
 * object is loaded again (delivery is at least once), an unchanged one is not; MIRROR replaces the table with every
 * matching file on each run. The load goes through the real
 * BigQuery client into the emulator, so the emulator's load semantics apply (unknown keys dropped, bad records
 * counted, the load atomic).
 */
final class TransferRunLoader {
  private final Storage gcs;
  private final Function<String, BigQuery> bigQueryForProject;
  /** config name -> "object#generation" already loaded. */
  private final Map<String, Set<String>> loaded = new ConcurrentHashMap<>();

  TransferRunLoader(Storage gcs, Function<String, BigQuery> bigQueryForProject) {
    this.gcs = gcs;
    this.bigQueryForProject = bigQueryForProject;
  }

  /** What a run did: the objects it loaded and the rows, or the error that failed it. */
  record Outcome(List<String> objects, long rows, String error) {
    boolean succeeded() {
      return error == null;
    }
  }

  Outcome load(String configName, String project, String dataset, Map<String, String> params,
      java.time.Instant runTime) {
    String path = RunTimeTemplate.render(params.get("data_path_template"), runTime, "data_path_template");
    String table = RunTimeTemplate.render(params.get("destination_table_name_template"), runTime,
        "destination_table_name_template");
    String withoutScheme = path.substring("gs://".length());
    String bucket = withoutScheme.substring(0, withoutScheme.indexOf('/'));
    String objectPattern = withoutScheme.substring(bucket.length() + 1);
    int wildcard = objectPattern.indexOf('*');
    String prefix = wildcard < 0 ? objectPattern : objectPattern.substring(0, wildcard);
    Pattern matcher = Pattern.compile(globToRegex(objectPattern));

    BigQuery bigQuery = bigQueryForProject.apply(project);
    TableId tableId = TableId.of(project, dataset, table);
    if (bigQuery.getTable(tableId) == null) {
      return new Outcome(List.of(), 0, "Not found: Table " + project + ":" + dataset + "." + table
          + " (create the destination table before the transfer runs)");
    }
    // MIRROR "overwrites data in the destination table" with every matching file, each run; APPEND is incremental.
    boolean mirror = "MIRROR".equals(params.get("write_disposition"));
    Set<String> done = mirror ? Set.of() : loaded.computeIfAbsent(configName, name -> ConcurrentHashMap.newKeySet());
    List<Blob> selected = new ArrayList<>();
    try {
      for (Blob blob : gcs.list(bucket, Storage.BlobListOption.prefix(prefix)).iterateAll()) {
        if (matcher.matcher(blob.getName()).matches() && !done.contains(key(blob))) {
          selected.add(blob);
        }
      }
    } catch (com.google.cloud.storage.StorageException e) {
      return new Outcome(List.of(), 0, "Cloud Storage: " + e.getMessage());
    }
    if (selected.isEmpty()) {
      return new Outcome(List.of(), 0, null);
    }
    ByteArrayOutputStream ndjson = new ByteArrayOutputStream();
    for (Blob blob : selected) {
      try {
        append(gcs.readAllBytes(blob.getBlobId()), ndjson);
      } catch (IOException e) {
        return new Outcome(List.of(), 0, "gs://" + bucket + "/" + blob.getName() + ": " + e.getMessage());
      }
    }
    WriteChannelConfiguration load = WriteChannelConfiguration.newBuilder(tableId)
        .setFormatOptions(FormatOptions.json())
        .setWriteDisposition(mirror ? JobInfo.WriteDisposition.WRITE_TRUNCATE
            : JobInfo.WriteDisposition.WRITE_APPEND)
        .setCreateDisposition(JobInfo.CreateDisposition.CREATE_NEVER)
        .setIgnoreUnknownValues(Boolean.parseBoolean(params.getOrDefault("ignore_unknown_values", "false")))
        .setMaxBadRecords(Integer.parseInt(params.getOrDefault("max_bad_records", "0")))
        .build();
    try {
      JobId jobId = JobId.newBuilder().setProject(project).setJob("bqts_" + UUID.randomUUID()).build();
      TableDataWriteChannel writer = bigQuery.writer(jobId, load);
      try (OutputStream out = Channels.newOutputStream(writer)) {
        out.write(ndjson.toByteArray());
      }
      Job job = writer.getJob().reload();
      while (job.getStatus().getState() != com.google.cloud.bigquery.JobStatus.State.DONE) {
        job = job.reload();
      }
      if (job.getStatus().getError() != null) {
        return new Outcome(List.of(), 0, job.getStatus().getError().getMessage());
      }
      if (!mirror) {
        selected.forEach(blob -> done.add(key(blob)));
      }
      long rows = ((JobStatistics.LoadStatistics) job.getStatistics()).getOutputRows();
      return new Outcome(selected.stream().map(Blob::getName).toList(), rows, null);
    } catch (BigQueryException | IOException e) {
      return new Outcome(List.of(), 0, e.getMessage());
    }
  }

  private static String key(Blob blob) {
    return blob.getName() + "#" + blob.getGeneration();
  }

  /** Compressed objects are decompressed by the load, as BigQuery loads gzip files. */
  private static void append(byte[] bytes, ByteArrayOutputStream out) throws IOException {
    boolean gzip = bytes.length > 2 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b;
    try (InputStream in = gzip ? new GZIPInputStream(new ByteArrayInputStream(bytes))
        : new ByteArrayInputStream(bytes)) {
      byte[] content = in.readAllBytes();
      out.write(content);
      if (content.length > 0 && content[content.length - 1] != '\n') {
        out.write('\n');
      }
    }
  }

  /** '*' matches any run of characters (object names are flat); everything else is literal. */
  static String globToRegex(String glob) {
    return java.util.Arrays.stream(glob.split("\\*", -1)).map(Pattern::quote)
        .collect(java.util.stream.Collectors.joining(".*"));
  }
}
