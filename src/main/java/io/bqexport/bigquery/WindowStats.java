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
    private long sourceLines;
    private final Set<String> files = new HashSet<>();
    private Instant minEventTime;
    private Instant maxEventTime;

    public long rows() {
      return rows;
    }

    public long bytes() {
      return bytes;
    }

    /** Lines the source had for the hour: rows, bad lines and filtered lines alike. */
    public long sourceLines() {
      return sourceLines;
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

  /** The source answered 404: it has no data for the window (committed empty, unverified). */
  public void markSourceNotFound() {
    sourceNotFound = true;
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

  /**
   * Counts one line the source had for {@code hour}, whatever becomes of it (a row, a bad line, a filtered event):
   * the integrity re-check compares these with a re-read of the source.
   */
  public void addSourceLine(Instant hour) {
    hours.computeIfAbsent(hour, h -> new Hour()).sourceLines++;
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
