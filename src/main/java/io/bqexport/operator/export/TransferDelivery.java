package io.bqexport.operator.export;

import com.google.auth.oauth2.GoogleCredentials;
import com.google.cloud.bigquery.datatransfer.v1.TransferConfig;
import com.google.cloud.bigquery.datatransfer.v1.TransferRun;
import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.DatasetId;
import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.TransferConfigStatus;
import io.bqexport.bigquery.BigQueryClientFactory;
import io.bqexport.bigquery.TableManager;
import io.bqexport.exporter.ExportFailure;
import io.bqexport.storage.StorageObjectKind;
import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.exporter.ExporterConfig;
import io.bqexport.operator.status.Problem;
import io.bqexport.transfer.TransferClient;
import io.bqexport.transfer.TransferClients;
import io.bqexport.transfer.TransferConfigSpec;
import io.bqexport.transfer.TransferConfigSync;
import io.bqexport.transfer.TransferFailure;
import io.bqexport.transfer.TransferSchedule;
import io.bqexport.transfer.TransferSpecException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Transfer Service delivery of one export, at the edge: opens a client with the export's Google credentials, makes
 * the service's configs match the spec ({@link TransferConfigSync}, which also proves the credentials may list and
 * update configs), reads each config's runs, starts the run-now runs, and deletes the configs when the export goes.
 * Every Transfer Service failure becomes a {@link Problem} with the reason of its {@link TransferFailure}.
 */
public final class TransferDelivery {
  /** How often runs are polled: the Transfer Service has no watch. Runs are hourly and take minutes. */
  public static final Duration DEFAULT_POLL = Duration.ofMinutes(2);
  static final String SCOPE = "https://www.googleapis.com/auth/cloud-platform";

  private final TransferClients clients;
  private final AmbientCredentials ambient;
  /** Run-now nonces started by this process: a status write that fails must not start the runs twice. */
  private final Map<String, String> startedRunNow = new ConcurrentHashMap<>();

  public TransferDelivery(TransferClients clients, AmbientCredentials ambient) {
    this.clients = clients;
    this.ambient = ambient;
  }

  /** The table the Transfer Service appends merged IDs to: Amplitude's raw records (see the README's view). */
  public static String rawMergeIdsTable(String table) {
    return table + "_raw";
  }

  /** Makes the configs match, reads their runs and starts a pending run-now. */
  public TransferObservation reconcile(BigQueryExport export, ExportSecrets.Observation secrets, Instant now) {
    List<TransferConfigSpec> desired;
    try {
      desired = specs(export, secrets, now);
    } catch (TransferSpecException e) {
      return TransferObservation.failed(Problem.of(Reasons.INVALID_SPEC, e.getMessage()), false);
    }
    String parent = desired.get(0).parent();
    String prefix = ownedPrefix(export);
    Optional<String> runNow = RunNow.pending(export);
    GoogleCredentials credentials;
    try {
      credentials = credentials(export, secrets);
      ensureRawMergeIdTable(export, desired, credentials);
    } catch (IOException e) {
      return TransferObservation.failed(credentialsProblem(export, e), false);
    } catch (ExportFailure e) {
      return TransferObservation.failed(Problem.of(e.reason().name(), e.getMessage()), false);
    }
    try (TransferClient client = clients.open(credentials)) {
      TransferConfigSync.Result synced = TransferConfigSync.syncAndRead(client, parent, prefix, desired);
      List<TransferConfigSync.Change> changes = new ArrayList<>(synced.changes());
      // A config just created is read back from the list before it is used: the backfill finds it there.
      Map<String, TransferConfig> owned = !synced.created() ? synced.current() : client.list(parent).stream()
          .filter(c -> TransferConfigSpec.owned(prefix, c.getDisplayName()))
          .collect(Collectors.toMap(TransferConfig::getDisplayName, Function.identity(),
              (a, b) -> a.getName().compareTo(b.getName()) <= 0 ? a : b));
      if (!desired.stream().allMatch(spec -> owned.containsKey(spec.displayName()))) {
        return TransferObservation.failed(Problem.of(TransferFailure.Reason.SERVICE_UNAVAILABLE.conditionReason(),
            "A transfer config just created is not listed yet; read again shortly."), true);
      }
      // Only once every desired config is listed: a list that is not yet complete proves nothing is left elsewhere.
      changes.addAll(deleteRecordedElsewhere(client, export, prefix,
          owned.values().stream().map(TransferConfig::getName).collect(Collectors.toSet())));
      TransferSchedule schedule = schedule(export);
      String handled = null;
      if (runNow.isPresent()) {
        if (!runNow.get().equals(startedRunNow.get(export.getMetadata().getUid()))) {
          Instant runTime = latestDueRunTime(schedule, now);
          for (TransferConfigSpec spec : desired) {
            client.startManualRun(owned.get(spec.displayName()).getName(), runTime);
          }
          startedRunNow.put(export.getMetadata().getUid(), runNow.get());
        }
        handled = runNow.get();
      }
      List<TransferObservation.ConfigRuns> configs = new ArrayList<>();
      for (TransferConfigSpec spec : desired) {
        TransferConfig config = owned.get(spec.displayName());
        List<TransferRun> runs = client.runs(config.getName());
        configs.add(new TransferObservation.ConfigRuns(spec.params().get("destination_table_name_template"),
            config, runs));
      }
      return new TransferObservation(schedule, configs, changes, null, false, handled);
    } catch (TransferFailure e) {
      return TransferObservation.failed(Problem.of(e.reason().conditionReason(), e.getMessage()),
          e.reason().isTransient());
    }
  }

  /** The merged-ID config's table must exist before its first run (the service appends, it never creates). */
  private static void ensureRawMergeIdTable(BigQueryExport export, List<TransferConfigSpec> desired,
      GoogleCredentials credentials) {
    for (TransferConfigSpec spec : desired) {
      if (spec.kind() == StorageObjectKind.MERGE_IDS) {
        var destination = export.getSpec().destination();
        String project = spec.parent().split("/")[1];
        BigQuery bigquery = BigQueryClientFactory.fromCredentials(credentials, project, destination.location(),
            destination.endpoint());
        new TableManager(bigquery, DatasetId.of(project, destination.dataset()))
            .ensureRawMergeIdTable(spec.params().get("destination_table_name_template"));
      }
    }
  }

  /**
   * Deletes every config of the export (deletion, or a switch back to Direct).
   *
   * @return what was done: DELETED, or ORPHANED for a config of an earlier destination the credentials cannot reach
   * @throws TransferFailure when the service refuses; the caller keeps the finalizer and retries
   * @throws IOException when no credentials can be had (the key Secret is gone or unusable)
   */
  public List<TransferConfigSync.Change> deleteAll(BigQueryExport export, ExportSecrets.Observation secrets,
      String parent)
      throws IOException {
    try (TransferClient client = clients.open(credentials(export, secrets))) {
      List<TransferConfigSync.Change> changes = new ArrayList<>(
          TransferConfigSync.sync(client, parent, ownedPrefix(export), List.of()));
      changes.addAll(deleteRecordedElsewhere(client, export, ownedPrefix(export), Set.of()));
      return changes;
    }
  }

  /**
   * Deletes the configs status.transfer names that are no longer the export's current ones: those left in another
   * project or location by an earlier spec (the sync lists only the current parent, so they would keep loading
   * into the old dataset). Each is read first and deleted only if its display name is still one of this export's,
   * so a status naming someone else's config deletes nothing. A config already gone is skipped.
   */
  private static List<TransferConfigSync.Change> deleteRecordedElsewhere(TransferClient client, BigQueryExport export,
      String prefix, Set<String> current) {
    var status = export.getStatus();
    if (status == null || status.transfer() == null || status.transfer().configs() == null) {
      return List.of();
    }
    List<TransferConfigSync.Change> deleted = new ArrayList<>();
    for (TransferConfigStatus recorded : status.transfer().configs()) {
      if (recorded.name() == null || current.contains(recorded.name())) {
        continue;
      }
      try {
        Optional<TransferConfig> left = client.get(recorded.name())
            .filter(c -> TransferConfigSpec.owned(prefix, c.getDisplayName()));
        if (left.isPresent()) {
          client.delete(left.get().getName());
          deleted.add(new TransferConfigSync.Change(TransferConfigSync.Change.Kind.DELETED, left.get().getName(),
              List.of()));
        }
      } catch (TransferFailure e) {
        if (e.reason().isTransient()) {
          throw e;
        }
        // The credentials no longer reach the old project: the export goes on in the new one, and says what is left.
        deleted.add(new TransferConfigSync.Change(TransferConfigSync.Change.Kind.ORPHANED, recorded.name(),
            List.of(e.getMessage())));
      }
    }
    return deleted;
  }

  /** projects/P/locations/L of the export's configs, from the spec or the key's project. */
  static String parent(BigQueryExport export, ExportSecrets.Observation secrets) {
    var destination = export.getSpec().destination();
    String project = destination.projectId() != null ? destination.projectId()
        : secrets.key() == null ? null : secrets.key().projectId();
    return "projects/" + project + "/locations/" + destination.location().toLowerCase(java.util.Locale.ROOT);
  }

  /** Forgets what is kept about a deleted export. */
  void forget(BigQueryExport export) {
    startedRunNow.remove(export.getMetadata().getUid());
  }

  static List<TransferConfigSpec> specs(BigQueryExport export, ExportSecrets.Observation secrets, Instant now) {
    ExporterConfig config = ExporterConfigMap.config(export, now);
    ExporterConfig.Destination destination = config.destination();
    if (destination.projectId() == null && secrets.key() != null) {
      destination = new ExporterConfig.Destination(secrets.key().projectId(), destination.dataset(),
          destination.location(), destination.credentialsFile(), destination.endpoint(), destination.createDataset(),
          destination.workloadIdentity());
    }
    var transfer = export.getSpec().transfer();
    ExporterConfig.MergeIds mergeIds = config.data().mergeIds();
    ExporterConfig.Data data = mergeIds == null || !mergeIds.enabledOrDefault() ? config.data()
        : new ExporterConfig.Data(config.data().events(), new ExporterConfig.MergeIds(true,
            rawMergeIdsTable(mergeIds.tableOrDefault())));
    return TransferConfigSpec.builder()
        .export(config.export().namespace(), config.export().name())
        .storage(config.storage())
        .destination(destination)
        .data(data)
        .schedule(export.getSpec().schedule())
        .availabilityDelay(Duration.parse(config.availabilityDelay()))
        .notificationTopic(transfer == null ? null : transfer.notificationPubsubTopic())
        .build();
  }

  static TransferSchedule schedule(BigQueryExport export) {
    return TransferSchedule.fromCron(export.getSpec().schedule(), io.bqexport.api.v1alpha1.SpecDurations.parse(
        "spec.availabilityDelay", export.getSpec().availabilityDelay()));
  }

  /**
   * The run time whose run loads the latest due hour (H is due when H + 1h + availabilityDelay <= now): H plus the
   * schedule's offset, so never in the future, as StartManualTransferRuns requires.
   */
  static Instant latestDueRunTime(TransferSchedule schedule, Instant now) {
    Instant latestDue = now.minus(schedule.loadOffset()).truncatedTo(java.time.temporal.ChronoUnit.HOURS);
    return latestDue.plus(schedule.loadOffset());
  }

  private static String ownedPrefix(BigQueryExport export) {
    return TransferConfigSpec.ownedPrefix(export.getMetadata().getNamespace(), export.getMetadata().getName());
  }

  private GoogleCredentials credentials(BigQueryExport export, ExportSecrets.Observation secrets)
      throws IOException {
    return destinationCredentials(export, secrets, ambient);
  }

  /** The export's destination identity (its key, or with Workload Identity the operator's own), for the service. */
  public static GoogleCredentials destinationCredentials(BigQueryExport export, ExportSecrets.Observation secrets,
      AmbientCredentials ambient) throws IOException {
    if (export.getSpec().destination().usesWorkloadIdentity()) {
      return ambient.get();
    }
    String keyJson = secrets.values() == null ? null : secrets.values().keyJson();
    if (keyJson == null) {
      throw new IOException("no key");
    }
    return GoogleCredentials.fromStream(new ByteArrayInputStream(keyJson.getBytes(StandardCharsets.UTF_8)))
        .createScoped(SCOPE);
  }

  /** Why {@link #destinationCredentials} failed, as the condition reports it. */
  public static Problem credentialsProblem(BigQueryExport export, IOException e) {
    return export.getSpec().destination().usesWorkloadIdentity()
        ? Problem.of(Reasons.WORKLOAD_IDENTITY_UNAVAILABLE, "The operator's pod got no Google token for the Transfer"
            + " Service from Application Default Credentials (" + e.getClass().getSimpleName() + "); see the README,"
            + " Workload Identity on GKE.")
        : Problem.of(Reasons.INVALID_KEY_JSON, "The key in " + export.getSpec().destination().keySecretField()
            + " could not be read as a service-account key for the Transfer Service.");
  }
}
