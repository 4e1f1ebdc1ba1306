package io.bqexport.testing.transfer;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.DatasetId;
import com.google.cloud.bigquery.datatransfer.v1.CreateTransferConfigRequest;
import com.google.cloud.bigquery.datatransfer.v1.DataTransferServiceGrpc;
import com.google.cloud.bigquery.datatransfer.v1.DeleteTransferConfigRequest;
import com.google.cloud.bigquery.datatransfer.v1.GetTransferConfigRequest;
import com.google.cloud.bigquery.datatransfer.v1.GetTransferRunRequest;
import com.google.cloud.bigquery.datatransfer.v1.ListTransferConfigsRequest;
import com.google.cloud.bigquery.datatransfer.v1.ListTransferConfigsResponse;
import com.google.cloud.bigquery.datatransfer.v1.ListTransferRunsRequest;
import com.google.cloud.bigquery.datatransfer.v1.ListTransferRunsResponse;
import com.google.cloud.bigquery.datatransfer.v1.StartManualTransferRunsRequest;
import com.google.cloud.bigquery.datatransfer.v1.StartManualTransferRunsResponse;
import com.google.cloud.bigquery.datatransfer.v1.TransferConfig;
import com.google.cloud.bigquery.datatransfer.v1.TransferRun;
import com.google.cloud.bigquery.datatransfer.v1.TransferState;
import com.google.cloud.bigquery.datatransfer.v1.UpdateTransferConfigRequest;
import com.google.protobuf.Any;
import com.google.protobuf.Empty;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The stand-in's DataTransferService, validating requests as the API reference documents them
 * (https://cloud.google.com/bigquery/docs/reference/datatransfer/rest/v1/projects.locations.transferConfigs) and the
 * Cloud Storage data source's parameters as https://cloud.google.com/bigquery/docs/cloud-storage-transfer lists them.
 * Runs are performed one at a time on a background thread, PENDING then RUNNING then SUCCEEDED or FAILED, as the
 * real service reports {@code TransferRun.state}.
 */
public final class TransferServiceHandler extends DataTransferServiceGrpc.DataTransferServiceImplBase {
  static final String GET = "bigquery.transfers.get";
  static final String UPDATE = "bigquery.transfers.update";
  /** The data sources this stand-in knows; the real service knows more, all of them other products. */
  private static final Set<String> DATA_SOURCES = Set.of("google_cloud_storage");
  /** The Cloud Storage data source's parameters (cloud-storage-transfer, "Set up a Cloud Storage transfer"). */
  private static final Set<String> GCS_PARAMS = Set.of("data_path_template", "destination_table_name_template",
      "file_format", "write_disposition", "max_bad_records", "ignore_unknown_values", "skip_leading_rows",
      "field_delimiter", "allow_quoted_newlines", "allow_jagged_rows", "delete_source_files", "encoding", "quote");
  private static final Set<String> FILE_FORMATS = Set.of("CSV", "JSON", "AVRO", "PARQUET", "ORC");
  /** Fields an update mask may name; data_source_id is fixed at creation. */
  private static final Set<String> UPDATABLE = Set.of("display_name", "destination_dataset_id", "schedule", "params",
      "notification_pubsub_topic", "disabled", "schedule_options", "email_preferences", "data_refresh_window_days",
      "encryption_configuration");
  private static final Pattern PARENT = Pattern.compile("projects/([^/]+)(?:/locations/([^/]+))?");
  private static final Pattern CONFIG = Pattern.compile("projects/([^/]+)/locations/([^/]+)/transferConfigs/[^/]+");
  private static final Pattern TOPIC = Pattern.compile("projects/[^/]+/topics/[^/]+");

  private final TransferServiceStandIn standIn;
  private final Clock clock;
  private final TransferRunLoader loader;
  private final Function<String, BigQuery> bigQuery;
  private final Map<String, TransferConfig> configs = new ConcurrentHashMap<>();
  private final Map<String, TransferRun> runs = new ConcurrentHashMap<>();
  private final Map<String, List<String>> loadedObjects = new ConcurrentHashMap<>();
  private final ExecutorService runner = Executors.newSingleThreadExecutor(runnable -> {
    Thread thread = new Thread(runnable, "transfer-stand-in-runs");
    thread.setDaemon(true);
    return thread;
  });

  TransferServiceHandler(TransferServiceStandIn standIn, Clock clock, TransferRunLoader loader,
      Function<String, BigQuery> bigQuery) {
    this.standIn = standIn;
    this.clock = clock;
    this.loader = loader;
    this.bigQuery = bigQuery;
  }

  // ---- configs ----

  @Override
  public void createTransferConfig(CreateTransferConfigRequest request, StreamObserver<TransferConfig> response) {
    Matcher parent = PARENT.matcher(request.getParent());
    respond(response, UPDATE, parent.matches() ? parent.group(1) : request.getParent(), () -> {
      if (!parent.matches()) {
        throw invalid("parent must be projects/{project} or projects/{project}/locations/{location}, got '"
            + request.getParent() + "'");
      }
      String location = parent.group(2) == null ? "us" : parent.group(2);
      String name = "projects/" + parent.group(1) + "/locations/" + location + "/transferConfigs/"
          + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
      TransferConfig config = validated(parent.group(1), request.getTransferConfig().toBuilder().setName(name)
          .setDatasetRegion(location).build());
      configs.put(name, config);
      return config;
    });
  }

  @Override
  public void getTransferConfig(GetTransferConfigRequest request, StreamObserver<TransferConfig> response) {
    respond(response, GET, project(request.getName()), () -> config(request.getName()));
  }

  @Override
  public void listTransferConfigs(ListTransferConfigsRequest request,
      StreamObserver<ListTransferConfigsResponse> response) {
    Matcher parent = PARENT.matcher(request.getParent());
    respond(response, GET, project(request.getParent()), () -> {
      if (!parent.matches()) {
        throw invalid("parent must be projects/{project} or projects/{project}/locations/{location}");
      }
      String prefix = parent.group(2) == null ? "projects/" + parent.group(1) + "/"
          : request.getParent() + "/transferConfigs/";
      List<TransferConfig> matching = configs.values().stream()
          .filter(c -> c.getName().startsWith(prefix))
          .filter(c -> request.getDataSourceIdsCount() == 0
              || request.getDataSourceIdsList().contains(c.getDataSourceId()))
          .sorted(Comparator.comparing(TransferConfig::getName)).toList();
      Page<TransferConfig> page = Page.of(matching, request.getPageSize(), request.getPageToken());
      return ListTransferConfigsResponse.newBuilder().addAllTransferConfigs(page.items())
          .setNextPageToken(page.nextToken()).build();
    });
  }

  @Override
  public void updateTransferConfig(UpdateTransferConfigRequest request, StreamObserver<TransferConfig> response) {
    String name = request.getTransferConfig().getName();
    respond(response, UPDATE, project(name), () -> {
      TransferConfig current = config(name);
      // update_mask is required (UpdateTransferConfigRequest reference); only named fields change.
      if (request.getUpdateMask().getPathsCount() == 0) {
        throw invalid("update_mask is required: name the fields to update");
      }
      TransferConfig.Builder updated = current.toBuilder();
      TransferConfig given = request.getTransferConfig();
      for (String path : request.getUpdateMask().getPathsList()) {
        if (!UPDATABLE.contains(path)) {
          throw invalid("invalid update_mask path '" + path + "'"
              + ("data_source_id".equals(path) ? ": the data source of a transfer config cannot be changed" : ""));
        }
        switch (path) {
          case "display_name" -> updated.setDisplayName(given.getDisplayName());
          case "destination_dataset_id" -> updated.setDestinationDatasetId(given.getDestinationDatasetId());
          case "schedule" -> updated.setSchedule(given.getSchedule());
          case "params" -> updated.setParams(given.getParams());
          case "notification_pubsub_topic" -> updated.setNotificationPubsubTopic(given.getNotificationPubsubTopic());
          case "disabled" -> updated.setDisabled(given.getDisabled());
          case "schedule_options" -> updated.setScheduleOptions(given.getScheduleOptions());
          case "email_preferences" -> updated.setEmailPreferences(given.getEmailPreferences());
          default -> { } // accepted and kept as they are: bqexport never sets them
        }
      }
      TransferConfig config = validated(project(name), updated.setUpdateTime(now()).build());
      configs.put(name, config);
      return config;
    });
  }

  @Override
  public void deleteTransferConfig(DeleteTransferConfigRequest request, StreamObserver<Empty> response) {
    respond(response, UPDATE, project(request.getName()), () -> {
      config(request.getName());
      configs.remove(request.getName());
      // Deleting a config deletes its runs (projects.locations.transferConfigs.delete).
      runs.keySet().removeIf(run -> run.startsWith(request.getName() + "/runs/"));
      return Empty.getDefaultInstance();
    });
  }

  // ---- runs ----

  @Override
  public void startManualTransferRuns(StartManualTransferRunsRequest request,
      StreamObserver<StartManualTransferRunsResponse> response) {
    respond(response, UPDATE, project(request.getParent()), () -> {
      TransferConfig config = config(request.getParent());
      Instant now = clock.instant();
      List<Instant> runTimes;
      // "requested_run_time must be a past time", "requested_time_range must be a past time and cannot include
      // future time values" (StartManualTransferRunsRequest reference); exactly one of the two is set.
      switch (request.getTimeCase()) {
        case REQUESTED_RUN_TIME -> {
          Instant runTime = instant(request.getRequestedRunTime());
          if (runTime.isAfter(now)) {
            throw invalid("requested_run_time must be a past time, got " + runTime);
          }
          runTimes = List.of(runTime);
        }
        case REQUESTED_TIME_RANGE -> {
          Instant start = instant(request.getRequestedTimeRange().getStartTime());
          Instant end = instant(request.getRequestedTimeRange().getEndTime());
          if (!start.isBefore(end) || end.isAfter(now)) {
            throw invalid("requested_time_range must be a past range with start_time before end_time, got "
                + start + " to " + end);
          }
          // "Creates transfer runs where run_time is in the range between start_time (inclusive) and end_time
          // (exclusive)" (StartManualTransferRunsRequest.TimeRange), one per slot of the config's schedule: "for each
          // date - or whatever granularity the data source supports - in the range, one transfer run is created"
          // (transferConfigs.scheduleRuns, which startManualRuns replaces).
          runTimes = schedule(config).runTimes(start, end);
        }
        default -> throw invalid("set requested_run_time or requested_time_range");
      }
      StartManualTransferRunsResponse.Builder started = StartManualTransferRunsResponse.newBuilder();
      runTimes.forEach(runTime -> started.addRuns(enqueue(config, runTime)));
      return started.build();
    });
  }

  @Override
  public void getTransferRun(GetTransferRunRequest request, StreamObserver<TransferRun> response) {
    respond(response, GET, project(request.getName()), () -> {
      TransferRun run = runs.get(request.getName());
      if (run == null) {
        throw Status.NOT_FOUND.withDescription("Transfer run " + request.getName() + " not found")
            .asRuntimeException();
      }
      return run;
    });
  }

  @Override
  public void listTransferRuns(ListTransferRunsRequest request, StreamObserver<ListTransferRunsResponse> response) {
    respond(response, GET, project(request.getParent()), () -> {
      config(request.getParent());
      List<TransferRun> matching = runs.values().stream()
          .filter(run -> run.getName().startsWith(request.getParent() + "/runs/"))
          .filter(run -> request.getStatesCount() == 0 || request.getStatesList().contains(run.getState()))
          .sorted(Comparator.comparing((TransferRun run) -> instant(run.getRunTime())).reversed()
              .thenComparing(TransferRun::getName))
          .toList();
      Page<TransferRun> page = Page.of(matching, request.getPageSize(), request.getPageToken());
      return ListTransferRunsResponse.newBuilder().addAllTransferRuns(page.items())
          .setNextPageToken(page.nextToken()).build();
    });
  }

  /** What the scheduler does at a scheduled time: a run of the config for {@code runTime}. */
  public TransferRun triggerScheduledRun(String configName, Instant runTime) {
    TransferConfig config = configs.get(configName);
    if (config == null) {
      throw new IllegalArgumentException("no config " + configName);
    }
    return enqueue(config, runTime);
  }

  /** The objects a finished run loaded (empty for a failed run or one that found nothing new). */
  public List<String> loadedObjects(String runName) {
    return loadedObjects.getOrDefault(runName, List.of());
  }

  /** A run as getTransferRun returns it, without a caller's permissions (for tests that wait on one). */
  public TransferRun run(String runName) {
    return runs.get(runName);
  }

  public List<TransferConfig> configs() {
    return List.copyOf(configs.values());
  }

  /** Edits a config as someone in the console would (for drift tests), bypassing permissions. */
  public void editOutsideBqexport(TransferConfig edited) {
    configs.put(edited.getName(), edited);
  }

  private TransferRun enqueue(TransferConfig config, Instant runTime) {
    String name = config.getName() + "/runs/" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    TransferRun run = TransferRun.newBuilder().setName(name)
        .setScheduleTime(timestamp(runTime)).setRunTime(timestamp(runTime))
        .setDataSourceId(config.getDataSourceId()).setDestinationDatasetId(config.getDestinationDatasetId())
        .setParams(config.getParams()).setSchedule(config.getSchedule())
        .setNotificationPubsubTopic(config.getNotificationPubsubTopic())
        .setState(TransferState.PENDING).setUpdateTime(now()).build();
    runs.put(name, run);
    runner.execute(() -> perform(config, name, runTime));
    return run;
  }

  private void perform(TransferConfig config, String runName, Instant runTime) {
    if (runs.computeIfPresent(runName, (name, run) -> run.toBuilder().setState(TransferState.RUNNING)
        .setStartTime(now()).setUpdateTime(now()).build()) == null) {
      return; // its config was deleted meanwhile
    }
    TransferRunLoader.Outcome outcome;
    try {
      outcome = loader.load(config.getName(), project(config.getName()), config.getDestinationDatasetId(),
          params(config), runTime);
    } catch (RuntimeException e) {
      outcome = new TransferRunLoader.Outcome(List.of(), 0, String.valueOf(e.getMessage()));
    }
    TransferRunLoader.Outcome done = outcome;
    loadedObjects.put(runName, done.objects());
    runs.computeIfPresent(runName, (name, run) -> {
      TransferRun.Builder finished = run.toBuilder().setEndTime(now()).setUpdateTime(now())
          .setState(done.succeeded() ? TransferState.SUCCEEDED : TransferState.FAILED);
      if (!done.succeeded()) {
        finished.setErrorStatus(com.google.rpc.Status.newBuilder().setCode(Code.INVALID_ARGUMENT_VALUE)
            .setMessage(done.error()));
      }
      return finished.build();
    });
  }

  // ---- validation ----

  private TransferConfig validated(String project, TransferConfig config) {
    if (!DATA_SOURCES.contains(config.getDataSourceId())) {
      throw invalid("data_source_id '" + config.getDataSourceId() + "' is not a known data source");
    }
    if (config.getDestinationDatasetId().isEmpty()) {
      throw invalid("destination_dataset_id is required for data source google_cloud_storage");
    }
    if (bigQuery.apply(project).getDataset(DatasetId.of(project, config.getDestinationDatasetId())) == null) {
      throw Status.NOT_FOUND.withDescription("Not found: Dataset " + project + ":"
          + config.getDestinationDatasetId()).asRuntimeException();
    }
    String schedule = config.getSchedule().isEmpty() ? "every 24 hours" : config.getSchedule();
    try {
      ScheduleSyntax.parse(schedule);
    } catch (IllegalArgumentException e) {
      throw invalid(e.getMessage());
    }
    if (!config.getNotificationPubsubTopic().isEmpty()
        && !TOPIC.matcher(config.getNotificationPubsubTopic()).matches()) {
      throw invalid("notification_pubsub_topic must be projects/{project}/topics/{topic}");
    }
    validateParams(params(config));
    return config.toBuilder().setSchedule(schedule).setUpdateTime(now())
        .setNextRunTime(timestamp(clock.instant())).build();
  }

  private static void validateParams(Map<String, String> params) {
    for (String key : params.keySet()) {
      if (!GCS_PARAMS.contains(key)) {
        throw invalid("params." + key + " is not a parameter of data source google_cloud_storage");
      }
    }
    String path = params.get("data_path_template");
    if (path == null || path.isEmpty()) {
      throw invalid("params.data_path_template is required: the Cloud Storage URI, gs://bucket/object");
    }
    if (!path.startsWith("gs://") || path.indexOf('/', 5) < 0 || path.indexOf('/', 5) == 5) {
      throw invalid("params.data_path_template must be a Cloud Storage URI gs://bucket/object, got " + path);
    }
    // "Appending a wildcard to the bucket name is unsupported" (BigQuery, loading from Cloud Storage).
    if (path.substring(5, path.indexOf('/', 5)).matches(".*[*{}].*")) {
      throw invalid("params.data_path_template: the bucket name cannot hold wildcards or parameters");
    }
    String table = params.get("destination_table_name_template");
    if (table == null || table.isEmpty()) {
      throw invalid("params.destination_table_name_template is required");
    }
    try {
      RunTimeTemplate.validate(path, "params.data_path_template");
      RunTimeTemplate.validate(table, "params.destination_table_name_template");
    } catch (IllegalArgumentException e) {
      throw invalid(e.getMessage());
    }
    // file_format defaults to CSV; write_disposition to APPEND (cloud-storage-transfer, "Write preference").
    if (!FILE_FORMATS.contains(params.getOrDefault("file_format", "CSV"))) {
      throw invalid("params.file_format must be one of " + FILE_FORMATS + ", got " + params.get("file_format"));
    }
    if (!Set.of("APPEND", "MIRROR").contains(params.getOrDefault("write_disposition", "APPEND"))) {
      throw invalid("params.write_disposition must be APPEND or MIRROR, got " + params.get("write_disposition"));
    }
    if (!Set.of("true", "false").contains(params.getOrDefault("ignore_unknown_values", "false"))) {
      throw invalid("params.ignore_unknown_values must be true or false");
    }
    if (!params.getOrDefault("max_bad_records", "0").matches("\\d{1,9}")) {
      throw invalid("params.max_bad_records must be a non-negative integer");
    }
  }

  // ---- plumbing ----

  /**
   * Answers as the real service does: disabled API, then authentication, then the IAM permission, then the quota,
   * then the call.
   */
  private <T> void respond(StreamObserver<T> response, String permission, String project, Supplier<T> call) {
    try {
      if (standIn.serviceDisabled()) {
        throw serviceDisabled(project);
      }
      String principal = TransferServiceStandIn.PRINCIPAL.get();
      if (principal == null) {
        throw Status.UNAUTHENTICATED.withDescription("Request had invalid authentication credentials. Expected "
            + "OAuth 2 access token, login cookie or other valid authentication credential.").asRuntimeException();
      }
      if (!standIn.permitted(principal, permission, project)) {
        throw Status.PERMISSION_DENIED.withDescription("The caller does not have permission").asRuntimeException();
      }
      if (standIn.quotaExhausted(project)) {
        throw Status.RESOURCE_EXHAUSTED.withDescription("Quota exceeded for quota metric 'Requests' of service "
            + "bigquerydatatransfer.googleapis.com for consumer 'project:" + project + "'.").asRuntimeException();
      }
      response.onNext(call.get());
      response.onCompleted();
    } catch (StatusRuntimeException e) {
      response.onError(e);
    }
  }

  /** A disabled API: PERMISSION_DENIED with ErrorInfo reason SERVICE_DISABLED (https://cloud.google.com/apis/design/errors). */
  private static StatusRuntimeException serviceDisabled(String project) {
    String service = "bigquerydatatransfer.googleapis.com";
    return StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder()
        .setCode(Code.PERMISSION_DENIED_VALUE)
        .setMessage("BigQuery Data Transfer API has not been used in project " + project + " before or it is "
            + "disabled. Enable it by visiting https://console.developers.google.com/apis/api/" + service
            + "/overview?project=" + project + " then retry.")
        .addDetails(Any.pack(ErrorInfo.newBuilder().setReason("SERVICE_DISABLED").setDomain("googleapis.com")
            .putMetadata("service", service).putMetadata("consumer", "projects/" + project).build()))
        .build());
  }

  private TransferConfig config(String name) {
    if (!CONFIG.matcher(name).matches()) {
      throw invalid("name must be projects/{project}/locations/{location}/transferConfigs/{config}, got " + name);
    }
    TransferConfig config = configs.get(name);
    if (config == null) {
      throw Status.NOT_FOUND.withDescription("Transfer config " + name + " not found").asRuntimeException();
    }
    return config;
  }

  private static ScheduleSyntax schedule(TransferConfig config) {
    return ScheduleSyntax.parse(config.getSchedule());
  }

  static Map<String, String> params(TransferConfig config) {
    Map<String, String> params = new java.util.TreeMap<>();
    config.getParams().getFieldsMap().forEach((key, value) -> params.put(key, text(value)));
    return params;
  }

  private static String text(Value value) {
    return switch (value.getKindCase()) {
      case STRING_VALUE -> value.getStringValue();
      case BOOL_VALUE -> Boolean.toString(value.getBoolValue());
      case NUMBER_VALUE -> Long.toString((long) value.getNumberValue());
      default -> "";
    };
  }

  /** P of projects/P/..., for the disabled-service message; the name's format is checked by the call. */
  private static String project(String resourceName) {
    String[] parts = resourceName.split("/");
    return parts.length > 1 && "projects".equals(parts[0]) ? parts[1] : resourceName;
  }

  private static StatusRuntimeException invalid(String message) {
    return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
  }

  private Timestamp now() {
    return timestamp(clock.instant());
  }

  private static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
  }

  private static Instant instant(Timestamp timestamp) {
    return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
  }

  void close() {
    runner.shutdownNow();
  }

  /** page_token is the offset of the page's first item; page_size 0 means the service's default. */
  private record Page<T>(List<T> items, String nextToken) {
    static <T> Page<T> of(List<T> all, int pageSize, String token) {
      int from = token.isEmpty() ? 0 : Integer.parseInt(token);
      int size = pageSize <= 0 ? 1000 : pageSize;
      int to = Math.min(all.size(), from + size);
      return new Page<>(new ArrayList<>(all.subList(from, to)), to < all.size() ? Integer.toString(to) : "");
    }
  }
}
