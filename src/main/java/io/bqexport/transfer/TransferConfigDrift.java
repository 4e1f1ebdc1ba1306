package io.bqexport.transfer;

import com.google.cloud.bigquery.datatransfer.v1.TransferConfig;
import com.google.protobuf.FieldMask;
import com.google.protobuf.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Desired against actual: the fields bqexport owns that differ, as the update mask of
 * {@code UpdateTransferConfigRequest} (snake_case field paths, as the Transfer Service documents). Fields the
 * service sets (name, state, update_time, next_run_time, user_id, dataset_region, owner_info, schedule_options) are
 * ignored. The data source cannot be updated: a config of another data source must be deleted and created again.
 */
public final class TransferConfigDrift {
  private TransferConfigDrift() {}

  /**
   * @param mask the fields to update, empty when none
   * @param differences one human-readable line per differing field, for Events and logs
   * @param recreate the data source differs: update cannot fix it
   */
  public record Drift(FieldMask mask, List<String> differences, boolean recreate) {
    public boolean none() {
      return mask.getPathsCount() == 0 && !recreate;
    }
  }

  public static Drift compare(TransferConfigSpec desired, TransferConfig actual) {
    FieldMask.Builder mask = FieldMask.newBuilder();
    List<String> differences = new ArrayList<>();
    check("display_name", desired.displayName(), actual.getDisplayName(), mask, differences);
    check("destination_dataset_id", desired.destinationDatasetId(), actual.getDestinationDatasetId(), mask,
        differences);
    check("schedule", desired.schedule(), actual.getSchedule(), mask, differences);
    check("params", desired.params(), params(actual), mask, differences);
    check("notification_pubsub_topic", Objects.toString(desired.notificationPubsubTopic(), ""),
        actual.getNotificationPubsubTopic(), mask, differences);
    check("disabled", false, actual.getDisabled(), mask, differences);
    boolean recreate = !TransferConfigSpec.DATA_SOURCE.equals(actual.getDataSourceId());
    if (recreate) {
      differences.add("data_source_id: " + actual.getDataSourceId() + " (wanted " + TransferConfigSpec.DATA_SOURCE
          + "; it cannot be updated, the config is re-created)");
    }
    return new Drift(mask.build(), List.copyOf(differences), recreate);
  }

  private static void check(String path, Object desired, Object actual, FieldMask.Builder mask,
      List<String> differences) {
    if (!desired.equals(actual)) {
      mask.addPaths(path);
      differences.add(path + ": " + actual + " (wanted " + desired + ")");
    }
  }

  /** The actual params as strings: the service may echo "true" as a bool or "5" as a number. */
  static Map<String, String> params(TransferConfig config) {
    Map<String, String> params = new TreeMap<>();
    config.getParams().getFieldsMap().forEach((key, value) -> params.put(key, text(value)));
    return params;
  }

  private static String text(Value value) {
    return switch (value.getKindCase()) {
      case STRING_VALUE -> value.getStringValue();
      case BOOL_VALUE -> Boolean.toString(value.getBoolValue());
      case NUMBER_VALUE -> value.getNumberValue() == Math.rint(value.getNumberValue())
          ? Long.toString((long) value.getNumberValue()) : Double.toString(value.getNumberValue());
      case NULL_VALUE, KIND_NOT_SET -> "";
      default -> value.toString();
    };
  }
}
