package io.bqexport.transfer;

import com.google.cloud.bigquery.datatransfer.v1.TransferConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Makes an export's transfer configs match the desired ones: creates what is missing, updates what drifted (only
 * the drifted fields), re-creates a config of another data source, and deletes the export's configs that are no
 * longer wanted (merged IDs turned off; or every one, with an empty desired list, when the export is deleted), and
 * all but one (the first by name) of several configs of one display name. An export's configs are found by their
 * exact display name, {@code bqexport <namespace>/<name> <table kind>}; configs of other exports or made by hand
 * under another name are never touched.
 */
public final class TransferConfigSync {
  private TransferConfigSync() {}

  /** What one sync did to one config. */
  public record Change(Kind kind, String name, List<String> differences) {
    /** ORPHANED: the export's config could not be deleted (differences: why); it keeps loading. */
    public enum Kind { CREATED, UPDATED, RECREATED, DELETED, ORPHANED }
  }

  /**
   * @param parent {@code projects/P/locations/L}, where the export's configs live
   * @param ownedPrefix the display-name prefix of this export's configs, {@code bqexport <namespace>/<name> }
   * @param desired the specs (empty: delete them all)
   * @return the changes made, empty when everything already matched
   */
  public static List<Change> sync(TransferClient client, String parent, String ownedPrefix,
      List<TransferConfigSpec> desired) {
    return syncAndRead(client, parent, ownedPrefix, desired).changes();
  }

  /**
   * What a sync did, and the desired configs as they now are by display name (as listed when unchanged, else as
   * the service answered the create or update), so a steady poll needs no second list.
   */
  public record Result(List<Change> changes, Map<String, TransferConfig> current) {
    /** Whether a config was created: one the service may not list yet. */
    public boolean created() {
      return changes.stream().anyMatch(c -> c.kind() == Change.Kind.CREATED || c.kind() == Change.Kind.RECREATED);
    }
  }

  /** {@link #sync}, also returning the desired configs as they now are. */
  public static Result syncAndRead(TransferClient client, String parent, String ownedPrefix,
      List<TransferConfigSpec> desired) {
    Map<String, TransferConfig> current = new HashMap<>();
    List<Change> changes = new ArrayList<>();
    Map<String, TransferConfig> owned = new HashMap<>();
    List<TransferConfig> listed = client.list(parent).stream()
        .filter(config -> TransferConfigSpec.owned(ownedPrefix, config.getDisplayName()))
        .sorted(Comparator.comparing(TransferConfig::getName)).toList();
    for (TransferConfig config : listed) {
      if (owned.putIfAbsent(config.getDisplayName(), config) != null) {
        // A second config of one kind (a create retried after its response was lost) would load every hour again.
        client.delete(config.getName());
        changes.add(new Change(Change.Kind.DELETED, config.getName(), List.of("a second config of this name")));
      }
    }
    for (TransferConfigSpec spec : desired) {
      Optional<TransferConfig> actual = Optional.ofNullable(owned.remove(spec.displayName()));
      if (actual.isEmpty()) {
        TransferConfig created = client.create(spec);
        current.put(spec.displayName(), created);
        changes.add(new Change(Change.Kind.CREATED, created.getName(), List.of()));
        continue;
      }
      TransferConfigDrift.Drift drift = TransferConfigDrift.compare(spec, actual.get());
      if (drift.recreate()) {
        client.delete(actual.get().getName());
        TransferConfig created = client.create(spec);
        current.put(spec.displayName(), created);
        changes.add(new Change(Change.Kind.RECREATED, created.getName(), drift.differences()));
      } else if (!drift.none()) {
        current.put(spec.displayName(), client.update(actual.get().getName(), spec, drift.mask()));
        changes.add(new Change(Change.Kind.UPDATED, actual.get().getName(), drift.differences()));
      } else {
        current.put(spec.displayName(), actual.get());
      }
    }
    for (TransferConfig unwanted : owned.values()) {
      client.delete(unwanted.getName());
      changes.add(new Change(Change.Kind.DELETED, unwanted.getName(), List.of()));
    }
    return new Result(changes, current);
  }
}
