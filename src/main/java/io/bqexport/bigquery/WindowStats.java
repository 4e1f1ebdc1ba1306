package io.bqexport.bigquery;

import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Per-hour counts of the rows written for one window, gathered while they stream (never the rows themselves). */
public final class WindowStats {

  /** The statistics of one hour. sourceFiles is null when unknown (recovered from the table). */
  public static final class Hour {
    private long rows;
    private long bytes;
    private final Set<String> files = new HashSet<>();
    private Instant minEventTime;
    private Instant maxEventTime;

    public long rows() {
      return rows;
    }

    public long bytes() {
      return bytes;
    }

    public long sourceFiles() {
      return files.size();
    }

    public Instant minEventTime() {
      return minEventTime;
    }

    public Instant maxEventTime() {
      return maxEventTime;
    }
  }

  private final Map<Instant, Hour> hours = new TreeMap<>();
  private long rows;
  private long bytes;
  private boolean sourceNotFound;
  private final Set<Instant> hoursWithoutData = new HashSet<>();

  /** The source answered 404: it has no data for the window (committed empty, unverified). */
  public void markSourceNotFound() {
    sourceNotFound = true;
  }

  /**
   * The source has no data for these hours of the window (no objects in the bucket, a 404): they are committed
   * empty and unverified. When that is every hour of the window, the whole source is not found.
   */
  public void markHoursWithoutData(Set<Instant> hours, java.util.List<Instant> windowHours) {
    hoursWithoutData.addAll(hours);
    if (!windowHours.isEmpty() && hoursWithoutData.containsAll(windowHours)) {
      sourceNotFound = true;
    }
  }

  /** True when the source had no data for {@code hour} (or for the whole window). */
  public boolean withoutData(Instant hour) {
    return sourceNotFound || hoursWithoutData.contains(hour);
  }

  public boolean sourceNotFound() {
    return sourceNotFound;
  }

  /** Counts one written row of {@code bytes} NDJSON bytes (newline included) from source file {@code file}. */
  public void add(MappedEvent event, long rowBytes, String file) {
    Hour hour = hours.computeIfAbsent(event.hour(), h -> new Hour());
    hour.rows++;
    hour.bytes += rowBytes;
    if (file != null) {
      hour.files.add(file);
    }
    Instant t = event.eventTime();
    if (t != null) {
      hour.minEventTime = hour.minEventTime == null || t.isBefore(hour.minEventTime) ? t : hour.minEventTime;
      hour.maxEventTime = hour.maxEventTime == null || t.isAfter(hour.maxEventTime) ? t : hour.maxEventTime;
    }
    rows++;
    bytes += rowBytes;
  }

  /** The statistics of {@code hour}, empty when no row was routed to it. */
  public Hour hour(Instant hour) {
    return hours.getOrDefault(hour, new Hour());
  }

  public long rows() {
    return rows;
  }

  public long bytes() {
    return bytes;
  }
}
