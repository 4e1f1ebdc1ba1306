package io.bqexport.exporter;

import io.bqexport.ExportWindow;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * A backfill range cut into chunks of {@code chunkHours} (the last one may be shorter). The operator renders it once
 * into the Indexed Job's pod template as {@code --chunks START/END/HOURS}; each pod picks its chunk by its completion
 * index, so one template serves every index and both sides compute the same windows.
 */
public record ChunkPlan(ExportWindow range, int chunkHours) {

  public ChunkPlan {
    if (chunkHours < 1) {
      throw new IllegalArgumentException("chunk hours must be at least 1, got " + chunkHours);
    }
  }

  /** Parses {@code START/END/HOURS}, e.g. {@code 2025-01-01T00:00:00Z/2025-02-01T00:00:00Z/24}. */
  public static ChunkPlan parse(String text) {
    String[] parts = text.split("/", -1);
    if (parts.length != 3) {
      throw new IllegalArgumentException("expected START/END/HOURS, e.g. 2025-01-01T00:00:00Z/2025-02-01T00:00:00Z/24,"
          + " got '" + text + "'");
    }
    try {
      return new ChunkPlan(ExportWindow.parse(parts[0] + "/" + parts[1]), Integer.parseInt(parts[2].trim()));
    } catch (NumberFormatException | DateTimeParseException e) {
      throw new IllegalArgumentException("expected START/END/HOURS, e.g. 2025-01-01T00:00:00Z/2025-02-01T00:00:00Z/24,"
          + " got '" + text + "'");
    }
  }

  public int count() {
    return (range.hours() + chunkHours - 1) / chunkHours;
  }

  /** The window of chunk {@code index} (0-based, as Kubernetes numbers completion indexes). */
  public ExportWindow window(int index) {
    if (index < 0 || index >= count()) {
      throw new IllegalArgumentException("chunk index " + index + " is outside 0.." + (count() - 1));
    }
    Instant start = range.start().plus((long) index * chunkHours, ChronoUnit.HOURS);
    Instant end = start.plus(Duration.ofHours(chunkHours));
    return new ExportWindow(start, end.isAfter(range.end()) ? range.end() : end);
  }

  @Override
  public String toString() {
    return range + "/" + chunkHours;
  }
}
