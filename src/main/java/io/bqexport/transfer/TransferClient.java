package io.bqexport.transfer;

import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.NotFoundException;
import com.google.cloud.bigquery.datatransfer.v1.CreateTransferConfigRequest;
import com.google.cloud.bigquery.datatransfer.v1.DataTransferServiceClient;
import com.google.cloud.bigquery.datatransfer.v1.DataTransferServiceSettings;
import com.google.cloud.bigquery.datatransfer.v1.ListTransferConfigsRequest;
import com.google.cloud.bigquery.datatransfer.v1.ListTransferRunsRequest;
import com.google.cloud.bigquery.datatransfer.v1.StartManualTransferRunsRequest;
import com.google.cloud.bigquery.datatransfer.v1.TransferConfig;
import com.google.cloud.bigquery.datatransfer.v1.TransferRun;
import com.google.cloud.bigquery.datatransfer.v1.UpdateTransferConfigRequest;
import com.google.protobuf.FieldMask;
import com.google.protobuf.Timestamp;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The Transfer Service calls bqexport makes, over the generated {@code DataTransferServiceClient}. Every failure is
 * a {@link TransferFailure} naming the operation, the permission it needs and the fix.
 */
public final class TransferClient implements AutoCloseable {
  static final String GET = "bigquery.transfers.get";
  static final String UPDATE = "bigquery.transfers.update";

  private final DataTransferServiceClient client;

  private TransferClient(DataTransferServiceClient client) {
    this.client = client;
  }

  public static TransferClient create(TransferClientSettings settings) {
    try {
      DataTransferServiceSettings.Builder builder = DataTransferServiceSettings.newBuilder()
          .setCredentialsProvider(settings.credentials())
          .setTransportChannelProvider(settings.channels());
      if (settings.endpoint() != null) {
        builder.setEndpoint(settings.endpoint());
      }
      return new TransferClient(DataTransferServiceClient.create(builder.build()));
    } catch (IOException e) {
      throw new TransferFailure(TransferFailure.Reason.SERVICE_UNAVAILABLE,
          "could not open a connection to the Transfer Service: " + e.getMessage());
    }
  }

  /** The config, or empty when it does not exist (deleted outside bqexport). */
  public Optional<TransferConfig> get(String name) {
    try {
      return Optional.of(client.getTransferConfig(name));
    } catch (NotFoundException e) {
      return Optional.empty();
    } catch (ApiException e) {
      throw TransferErrors.map(e, "read the transfer config " + name, GET, project(name));
    }
  }

  /** The Cloud Storage transfer configs under {@code projects/P/locations/L}, every page. */
  public List<TransferConfig> list(String parent) {
    return call(() -> {
      List<TransferConfig> configs = new ArrayList<>();
      client.listTransferConfigs(ListTransferConfigsRequest.newBuilder().setParent(parent)
              .addDataSourceIds(TransferConfigSpec.DATA_SOURCE).build())
          .iterateAll().forEach(configs::add);
      return configs;
    }, "list the transfer configs of " + parent, GET, project(parent));
  }

  public TransferConfig create(TransferConfigSpec spec) {
    return call(() -> client.createTransferConfig(CreateTransferConfigRequest.newBuilder()
            .setParent(spec.parent()).setTransferConfig(spec.toTransferConfig()).build()),
        "create the transfer config " + spec.displayName(), UPDATE, project(spec.parent()));
  }

  /** Updates the fields of {@code mask} (see {@link TransferConfigDrift}) of the config {@code name}. */
  public TransferConfig update(String name, TransferConfigSpec spec, FieldMask mask) {
    return call(() -> client.updateTransferConfig(UpdateTransferConfigRequest.newBuilder()
            .setTransferConfig(spec.toTransferConfig().toBuilder().setName(name)).setUpdateMask(mask).build()),
        "update the transfer config " + spec.displayName(), UPDATE, project(name));
  }

  /** Deletes the config and its runs; a config that is already gone is fine. */
  public void delete(String name) {
    try {
      client.deleteTransferConfig(name);
    } catch (NotFoundException e) {
      // already deleted: what deletion wanted
    } catch (ApiException e) {
      throw TransferErrors.map(e, "delete the transfer config " + name, UPDATE, project(name));
    }
  }

  /** One manual run for {@code runTime} (run-now; must be in the past, as the service requires). */
  public List<TransferRun> startManualRun(String configName, Instant runTime) {
    return startManualRuns(StartManualTransferRunsRequest.newBuilder().setParent(configName)
        .setRequestedRunTime(timestamp(runTime)).build());
  }

  /** Manual runs for every scheduled run time in [start, end) (a backfill). */
  public List<TransferRun> startManualRuns(String configName, Instant start, Instant end) {
    return startManualRuns(StartManualTransferRunsRequest.newBuilder().setParent(configName)
        .setRequestedTimeRange(StartManualTransferRunsRequest.TimeRange.newBuilder()
            .setStartTime(timestamp(start)).setEndTime(timestamp(end)))
        .build());
  }

  private List<TransferRun> startManualRuns(StartManualTransferRunsRequest request) {
    return call(() -> client.startManualTransferRuns(request).getRunsList(),
        "start transfer runs of " + request.getParent(), UPDATE, project(request.getParent()));
  }

  /** The config's runs, newest first as the service lists them, every page. */
  public List<TransferRun> runs(String configName) {
    return call(() -> {
      List<TransferRun> runs = new ArrayList<>();
      client.listTransferRuns(ListTransferRunsRequest.newBuilder().setParent(configName).build())
          .iterateAll().forEach(runs::add);
      return runs;
    }, "list the runs of " + configName, GET, project(configName));
  }

  public TransferRun run(String runName) {
    return call(() -> client.getTransferRun(runName), "read the transfer run " + runName, GET, project(runName));
  }

  private static <T> T call(Supplier<T> call, String operation, String permission, String project) {
    try {
      return call.get();
    } catch (ApiException e) {
      throw TransferErrors.map(e, operation, permission, project);
    }
  }

  private static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
  }

  /** P of projects/P/..., for messages. */
  static String project(String resourceName) {
    String[] parts = resourceName.split("/");
    return parts.length > 1 && "projects".equals(parts[0]) ? parts[1] : resourceName;
  }

  @Override
  public void close() {
    client.close();
  }
}
