package io.bqexport.bigquery;

import com.google.cloud.RetryOption;
import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.DatasetId;
import com.google.cloud.bigquery.Field;
import com.google.cloud.bigquery.FormatOptions;
import com.google.cloud.bigquery.Job;
import com.google.cloud.bigquery.JobId;
import com.google.cloud.bigquery.JobInfo;
import com.google.cloud.bigquery.Schema;
import com.google.cloud.bigquery.StandardSQLTypeName;
import com.google.cloud.bigquery.StandardTableDefinition;
import com.google.cloud.bigquery.Table;
import com.google.cloud.bigquery.TableDataWriteChannel;
import com.google.cloud.bigquery.TableId;
import com.google.cloud.bigquery.TableInfo;
import com.google.cloud.bigquery.WriteChannelConfiguration;
import com.google.auth.oauth2.GoogleCredentials;
import io.bqexport.amplitude.AmplitudeClientSettings;
import io.bqexport.amplitude.AmplitudeException;
import io.bqexport.amplitude.AmplitudeExportClient;
import io.bqexport.exporter.ExportFailure;
import io.bqexport.exporter.FailureReason;
import java.io.IOException;
import java.time.Clock;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

/**
 * Proves that an export's credentials work, like Amplitude's own "test upload": the key yields a token, the dataset
 * is there (or is created), the tables are created or upgraded, one row loads into a temporary table that expires by
 * itself and reads back, and Amplitude accepts its keys. Each failure carries its own reason and fix.
 */
public final class CredentialProbe {
  /** Reason of a test upload that did not load or read back, beyond permission and auth errors. */
  public static final String TEST_UPLOAD_FAILED = "TestUploadFailed";
  /** How long the one-row test load may take; BigQuery runs it in seconds. */
  static final Duration LOAD_WAIT = Duration.ofMinutes(1);
  private static final Schema PROBE_SCHEMA = Schema.of(Field.of("probe", StandardSQLTypeName.STRING));

  /**
   * What to probe. The key JSON and the source check hold secrets and are never logged.
   *
   * @param keyJson the destination's key; null with Workload Identity, where {@code ambient} is used instead
   * @param ambient the operator's own Application Default Credentials (Workload Identity); null with a key
   * @param mergeIdsTable the Merge IDs table to create or upgrade as well; null when merged IDs are not exported
   * @param source proves the source accepts its credentials (Amplitude's keys, the bucket's reader)
   */
  public record Target(String keyJson, ServiceAccountKeyInfo key, GoogleCredentials ambient, String ambientAccount,
      String projectId, String dataset, String location, String endpoint, boolean createDataset, String eventsTable,
      String mergeIdsTable, SourceCheck source) {

    /** A key-authenticated destination and the Export API source. */
    public Target(String keyJson, ServiceAccountKeyInfo key, String projectId, String dataset, String location,
        String endpoint, boolean createDataset, String eventsTable, AmplitudeClientSettings amplitude) {
      this(keyJson, key, null, null, projectId, dataset, location, endpoint, createDataset, eventsTable, null,
          amplitudeCheck(amplitude));
    }

    String identity() {
      return key != null ? key.clientEmail() : ambientAccount;
    }

    @Override
    public String toString() {
      return "Target[" + projectId + "." + dataset + "]";
    }
  }

  /** One cheap authenticated call to the source; throws an {@link AmplitudeException} with its reason. */
  @FunctionalInterface
  public interface SourceCheck {
    /** @return what was proven, e.g. "Amplitude accepts the project's keys" */
    String verify();
  }

  /** The Export API accepts the project's keys. */
  public static SourceCheck amplitudeCheck(AmplitudeClientSettings settings) {
    return () -> {
      try (AmplitudeExportClient amplitude = new AmplitudeExportClient(settings)) {
        amplitude.verifyCredentials();
      }
      return "Amplitude accepts the project's keys";
    };
  }

  /** The outcome: ok, or a reason and a message that names the fix. */
  public record Result(boolean ok, String reason, String message, String serviceAccount, String projectId) {}

  private final Clock clock;

  /** @param clock sets the temporary table's expiry; BigQuery compares it with its own clock */
  public CredentialProbe(Clock clock) {
    this.clock = clock;
  }

  public Result probe(Target target) {
    String serviceAccount = target.identity();
    String projectId = target.projectId() != null ? target.projectId() : target.key().projectId();
    try {
      BigQuery bigquery = target.keyJson() != null
          ? BigQueryClientFactory.fromKeyJson(target.keyJson(), projectId, target.location(), target.endpoint())
          : BigQueryClientFactory.fromCredentials(target.ambient(), projectId, target.location(), target.endpoint());
      DatasetId dataset = DatasetId.of(projectId, target.dataset());
      TableManager tables = new TableManager(bigquery, dataset);
      tables.ensureDataset(target.location(), target.createDataset());
      tables.ensureTables(target.eventsTable());
      if (target.mergeIdsTable() != null) {
        tables.ensureMergeIdTable(target.mergeIdsTable(), JobLabels.NONE);
      }
      testUpload(bigquery, dataset);
      String source = target.source().verify();
      return new Result(true, "Validated", (target.keyJson() != null ? "The key of " : "Workload Identity ")
          + serviceAccount + " can load into " + projectId + "." + target.dataset() + ", and " + source + ".",
          serviceAccount, projectId);
    } catch (ExportFailure e) {
      String reason = e.reason() == FailureReason.LoadFailed ? TEST_UPLOAD_FAILED : e.reason().name();
      return new Result(false, reason, e.getMessage(), serviceAccount, projectId);
    } catch (AmplitudeException e) {
      return new Result(false, e.reason(), e.getMessage(), serviceAccount, projectId);
    }
  }

  /** One row into a table that expires in an hour even if the delete below never runs. */
  private void testUpload(BigQuery bigquery, DatasetId dataset) {
    TableId probe = TableId.of(dataset.getProject(), dataset.getDataset(),
        "_bqexport_probe_" + UUID.randomUUID().toString().replace("-", ""));
    String step = "creating the temporary table " + probe.getTable();
    boolean interrupted = false;
    try {
      bigquery.create(TableInfo.newBuilder(probe, StandardTableDefinition.of(PROBE_SCHEMA))
          .setExpirationTime(clock.instant().plus(Duration.ofHours(1)).toEpochMilli()).build());
      step = "loading one row into " + probe.getTable();
      WriteChannelConfiguration load = WriteChannelConfiguration.newBuilder(probe)
          .setFormatOptions(FormatOptions.json()).setSchema(PROBE_SCHEMA)
          .setWriteDisposition(JobInfo.WriteDisposition.WRITE_APPEND).build();
      TableDataWriteChannel channel = bigquery.writer(JobId.of(UUID.randomUUID().toString()), load);
      try (channel) {
        channel.write(ByteBuffer.wrap("{\"probe\":\"bqexport\"}\n".getBytes(StandardCharsets.UTF_8)));
      }
      // Bounded: waitFor() alone polls for up to 12 hours, holding a probe thread that others wait for.
      Job job = channel.getJob().waitFor(RetryOption.totalTimeoutDuration(LOAD_WAIT));
      if (job != null && job.getStatus().getState() != com.google.cloud.bigquery.JobStatus.State.DONE) {
        throw new ExportFailure(FailureReason.DestinationUnavailable, "the test upload into " + probe.getTable()
            + " did not finish within " + LOAD_WAIT.toSeconds() + " s; BigQuery may be busy, it is retried");
      }
      if (job == null || job.getStatus().getError() != null) {
        throw new ExportFailure(FailureReason.LoadFailed, "the test upload into " + probe.getTable() + " failed ("
            + (job == null ? "job vanished" : BigQueryErrors.shortMessage(job.getStatus().getError().getMessage()))
            + ")");
      }
      step = "reading back " + probe.getTable();
      Table loaded = bigquery.getTable(probe);
      if (loaded == null || loaded.getNumRows() == null || loaded.getNumRows().longValue() != 1) {
        throw new ExportFailure(FailureReason.LoadFailed, "the test upload into " + probe.getTable()
            + " did not read back one row");
      }
    } catch (BigQueryException e) {
      // The client hands an interrupt of its waits back as a BigQueryException caused by it, the flag cleared.
      if (causedByInterrupt(e)) {
        interrupted = true;
        throw new ExportFailure(FailureReason.DestinationUnavailable, "the test upload was interrupted while "
            + step + "; the probe is retried");
      }
      throw BigQueryErrors.translate(e, step);
    } catch (IOException | InterruptedException e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new ExportFailure(FailureReason.DestinationUnavailable, "the test upload failed while " + step + " ("
          + BigQueryErrors.shortMessage(e) + "); it is retried");
    } finally {
      // The delete runs with the interrupt cleared, as the client would consume it, and the caller gets it back.
      interrupted |= Thread.interrupted();
      try {
        bigquery.delete(probe);
      } catch (BigQueryException ignored) {
        // The table expires by itself within the hour.
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static boolean causedByInterrupt(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof InterruptedException) {
        return true;
      }
    }
    return false;
  }
}
