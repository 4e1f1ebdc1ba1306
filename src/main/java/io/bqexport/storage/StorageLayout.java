package io.bqexport.storage;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where Amplitude's Cloud Storage export puts each hour, per its documentation
 * (https://amplitude.com/docs/data/destination-catalog/google-cloud-storage, "Exported data format"):
 * <ul>
 *   <li>events: {@code {prefix}/{appId}/{appId}_yyyy-MM-dd_H#n.json.gz}, H the upload hour in UTC without a
 *       leading zero, one or more files {@code #n} per hour;</li>
 *   <li>merged IDs of cross-app organisations: {@code {prefix}/-{orgId}/-{orgId}_yyyy-MM-dd_H.json.gz};</li>
 *   <li>merged IDs of legacy single-app organisations: {@code {prefix}/{appId}/{appId}_yyyy-MM-dd_H.json.gz}, in
 *       the events' directory and told apart from events only by the missing {@code #n}.</li>
 * </ul>
 * An empty prefix puts the scope directory at the bucket root. Pure: no I/O.
 */
public record StorageLayout(String prefix, String appId, String orgId) {
  private static final Pattern ID = Pattern.compile("[1-9]\\d{0,18}");
  /** scope _ date _ hour [#n] .json.gz; the hour has no leading zero (so "01" is not hour 1). */
  private static final Pattern FILE =
      Pattern.compile("(-?\\d+)_(\\d{4}-\\d{2}-\\d{2})_(0|[1-9]\\d?)(?:#(\\d{1,18}))?\\.json\\.gz");

  /**
   * @param prefix the folder Amplitude was given ("" for the bucket root); slashes at either end are ignored
   * @param appId the Amplitude project ID
   * @param orgId the organisation ID for merged IDs, or null for a legacy organisation (merged IDs under appId)
   */
  public StorageLayout {
    prefix = prefix == null ? "" : prefix.replaceAll("^/+|/+$", "");
    requireId(appId, "appId", "the Amplitude project ID (a number, e.g. 187520)");
    if (orgId != null) {
      requireId(orgId.startsWith("-") ? orgId.substring(1) : orgId, "orgId",
          "the Amplitude organisation ID without its minus sign (e.g. 189524), or unset for a legacy organisation");
      orgId = orgId.startsWith("-") ? orgId.substring(1) : orgId;
    }
  }

  private static void requireId(String value, String field, String what) {
    if (value == null || !ID.matcher(value).matches()) {
      throw new IllegalArgumentException(field + " must be " + what + ", got "
          + (value == null ? "nothing" : "'" + value + "'"));
    }
  }

  /** A legacy organisation keeps its merged IDs under the app ID, beside the events. */
  public boolean legacyMergeIds() {
    return orgId == null;
  }

  /** The scope directory and file-name stem: the app ID for events, -orgId (or the app ID) for merged IDs. */
  public String scope(StorageObjectKind kind) {
    return kind == StorageObjectKind.EVENTS || legacyMergeIds() ? appId : "-" + orgId;
  }

  /**
   * The object-name prefix that lists exactly the hour's files of this kind: it ends in {@code #} for events and
   * in {@code .json.gz} for merged IDs, so hour 1 does not also list hours 10 to 19, and legacy merged IDs and
   * events that share a directory do not list each other.
   */
  public String hourPrefix(StorageObjectKind kind, Instant hour) {
    ZonedDateTime time = requireHour(hour).atZone(ZoneOffset.UTC);
    String scope = scope(kind);
    String stem = directory(scope) + scope + "_" + time.toLocalDate() + "_" + time.getHour();
    return kind == StorageObjectKind.EVENTS ? stem + "#" : stem + ".json.gz";
  }

  /** The full name of an events file (as Amplitude writes it); for tests and messages. */
  public String eventsObject(Instant hour, long fileNumber) {
    return hourPrefix(StorageObjectKind.EVENTS, hour) + fileNumber + ".json.gz";
  }

  /** The full name of the hour's merged-ID file. */
  public String mergeIdsObject(Instant hour) {
    return hourPrefix(StorageObjectKind.MERGE_IDS, hour);
  }

  /** The directory listed for a kind, for messages such as "no files under gs://b/events/187520/". */
  public String directory(StorageObjectKind kind) {
    return directory(scope(kind));
  }

  private String directory(String scope) {
    return (prefix.isEmpty() ? "" : prefix + "/") + scope + "/";
  }

  /** The object's kind, hour and file number; empty when the name is not a file of this layout of that kind. */
  public Optional<ExportObjectName> parse(StorageObjectKind kind, String objectName) {
    String directory = directory(kind);
    if (!objectName.startsWith(directory)) {
      return Optional.empty();
    }
    Matcher m = FILE.matcher(objectName.substring(directory.length()));
    if (!m.matches() || !m.group(1).equals(scope(kind)) || (m.group(4) != null) != (kind == StorageObjectKind.EVENTS)) {
      return Optional.empty();
    }
    int hourOfDay = Integer.parseInt(m.group(3));
    if (hourOfDay > 23) {
      return Optional.empty();
    }
    try {
      Instant hour = LocalDate.parse(m.group(2)).atStartOfDay(ZoneOffset.UTC).toInstant()
          .plus(hourOfDay, ChronoUnit.HOURS);
      long fileNumber = m.group(4) == null ? 0 : Long.parseLong(m.group(4));
      return Optional.of(new ExportObjectName(objectName, kind, hour, fileNumber));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** The object's file of this kind and hour, or empty when it belongs to another hour or is not such a file. */
  public Optional<ExportObjectName> parse(StorageObjectKind kind, Instant hour, String objectName) {
    return parse(kind, objectName).filter(parsed -> parsed.hour().equals(hour));
  }

  private static Instant requireHour(Instant hour) {
    if (!hour.truncatedTo(ChronoUnit.HOURS).equals(hour)) {
      throw new IllegalArgumentException("not a whole hour: " + hour);
    }
    return hour;
  }
}
