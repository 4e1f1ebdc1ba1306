package io.bqexport.exporter;

import io.bqexport.ExportWindow;
import io.bqexport.amplitude.LineSource;
import io.bqexport.amplitude.SourceLine;
import io.bqexport.amplitude.WindowSource;
import io.bqexport.bigquery.LineMapper;
import io.bqexport.bigquery.MalformedEventException;
import io.bqexport.bigquery.MappedEvent;
import io.bqexport.bigquery.RowWriter;
import io.bqexport.bigquery.WindowStats;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams one window from its source (the Export API or the Cloud Storage export) through a mapper (events or merged
 * IDs) into a load job: line by line, never holding the hour.
 * Mapping (JSON parse and re-serialization) is the costly step, so batches of lines are mapped on a small pool while
 * this thread keeps reading; results are written strictly in source order, and at most {@code 2 x threads} batches
 * (of at most 256 lines or 1 MiB) are in flight, so memory stays bounded (a few MB, whatever the node's core count) however large the window. Bad
 * lines of every kind (not JSON, not an object, a value BigQuery would reject that cannot be repaired) are skipped up
 * to maxBadRecords per window; one more fails the window. Messages name the file, line and column, never the text.
 * Events the filter drops are counted, never mapped.
 */
final class WindowRowWriter implements RowWriter {

  private static final Logger LOG = LoggerFactory.getLogger(WindowRowWriter.class);
  private static final int BATCH = 256;
  /**
   * A batch is also cut at this many bytes of lines: with 256 events of 50 KB a batch, the batches in flight (raw and
   * mapped) outgrew the pod's 128 MiB heap. Bounded so, they hold about 2 x (2 x threads + 1) MiB at most.
   */
  static final int BATCH_BYTES = 1 << 20;
  /** Beyond a few mappers the single reader and uploader are the limit; more would only hold more batches. */
  private static final int MAX_THREADS = 4;

  private final WindowSource source;
  private final LineMapper mapper;
  private final EventTypeFilter filter;
  private final ExportWindow window;
  private final int maxBadRecords;
  /** The config field that sets maxBadRecords, named in the message when a window has too many bad lines. */
  private final String maxBadRecordsField;
  private final Set<String> schemaDrift;
  private final int threads;
  private long skipped;
  private long replacedSurrogates;
  private long valuesInExtra;
  private long filtered;

  /**
   * @param filter the events filter; {@link EventTypeFilter#keepsEverything()} for merged IDs
   */
  WindowRowWriter(WindowSource source, LineMapper mapper, EventTypeFilter filter, ExportWindow window,
      int maxBadRecords, String maxBadRecordsField, Set<String> schemaDrift) {
    this.source = source;
    this.mapper = mapper;
    this.filter = filter;
    this.window = window;
    this.maxBadRecords = maxBadRecords;
    this.maxBadRecordsField = maxBadRecordsField;
    this.schemaDrift = schemaDrift;
    this.threads = Math.max(1, Math.min(MAX_THREADS, Runtime.getRuntime().availableProcessors()));
  }

  /** What the last attempt skipped and repaired. */
  MappingCounts counts() {
    return new MappingCounts(skipped, replacedSurrogates, valuesInExtra);
  }

  /** Events the filter dropped in the last attempt. */
  long filtered() {
    return filtered;
  }

  /**
   * One line's outcome: a mapped event, why it is malformed, or neither (the filter dropped it); hour is the hour
   * the line counts for.
   */
  private record Mapped(SourceLine line, Instant hour, MappedEvent event, MalformedEventException malformed) {}

  @Override
  public WindowStats writeRows(OutputStream out) throws IOException {
    WindowStats stats = new WindowStats();
    skipped = 0;
    replacedSurrogates = 0;
    valuesInExtra = 0;
    filtered = 0;
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "event-mapper");
      t.setDaemon(true);
      return t;
    });
    Deque<Future<List<Mapped>>> inFlight = new ArrayDeque<>();
    try (LineSource lines = source.open(window)) {
      stats.markHoursWithoutData(lines.hoursWithoutData(), window.hourList());
      List<SourceLine> batch = new ArrayList<>(BATCH);
      long batchBytes = 0;
      for (SourceLine line = lines.next(); line != null; line = lines.next()) {
        batch.add(line);
        batchBytes += line.length();
        if (batch.size() == BATCH || batchBytes >= BATCH_BYTES) {
          submit(pool, inFlight, batch);
          batch = new ArrayList<>(BATCH);
          batchBytes = 0;
          if (inFlight.size() >= 2 * threads) {
            write(take(inFlight), out, stats);
          }
        }
      }
      if (!batch.isEmpty()) {
        submit(pool, inFlight, batch);
      }
      while (!inFlight.isEmpty()) {
        write(take(inFlight), out, stats);
      }
    } finally {
      pool.shutdownNow();
    }
    return stats;
  }

  private void submit(ExecutorService pool, Deque<Future<List<Mapped>>> inFlight, List<SourceLine> batch) {
    inFlight.addLast(pool.submit(() -> {
      List<Mapped> mapped = new ArrayList<>(batch.size());
      Routing routing = new Routing();
      for (SourceLine line : batch) {
        if (line.problem() != null) {
          mapped.add(new Mapped(line, routing.of(line).start(), null, new MalformedEventException(line.problem())));
          continue;
        }
        if (!filter.keepsEverything() && !filter.keeps(line.text())) {
          mapped.add(new Mapped(line, routing.of(line).start(), null, null));
          continue;
        }
        try {
          byte[] utf8 = line.utf8(); // no String per line: the mapper parses the bytes
          ExportWindow routed = routing.of(line);
          MappedEvent event = utf8 != null ? mapper.mapUtf8(utf8, routed) : mapper.map(line.text(), routed);
          mapped.add(new Mapped(line, event.hour(), event, null));
        } catch (MalformedEventException e) {
          mapped.add(new Mapped(line, routing.of(line).start(), null, e));
        }
      }
      return mapped;
    }));
  }

  /**
   * The window an event is routed within: its file's hour when the file name tells it. An event's hour must not
   * depend on the window that carried it (hours are committed one by one, whatever the windows): an event without a
   * usable server_upload_time would otherwise go to the window's first hour, so a two-hour window and a one-hour
   * window would commit it in different hours, twice or never. A batch's lines mostly share a file, so the name is
   * parsed once per file and batch, not per line.
   */
  private final class Routing {
    private String file;
    private ExportWindow routing;

    ExportWindow of(SourceLine line) {
      if (routing == null || !Objects.equals(file, line.file())) {
        file = line.file();
        Instant hour = source.fileHour(file);
        routing = hour != null && window.contains(hour) ? ExportWindow.ofHour(hour) : window;
      }
      return routing;
    }
  }

  private static List<Mapped> take(Deque<Future<List<Mapped>>> inFlight) throws IOException {
    try {
      return inFlight.removeFirst().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while mapping events", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new UncheckedIOException(new IOException(cause));
    }
  }

  private void write(List<Mapped> batch, OutputStream out, WindowStats stats) throws IOException {
    for (Mapped m : batch) {
      stats.addSourceLine(m.hour()); // every line, bad or filtered too: what a re-read of the source counts
      if (m.malformed() != null) {
        skipped++;
        String where = m.line().location(m.malformed().column());
        if (skipped > maxBadRecords) {
          throw new ExportFailure(FailureReason.BadRecords, where + " of the Amplitude export is a bad line ("
              + m.malformed().getMessage() + "); " + skipped + " bad line(s) exceed " + maxBadRecordsField
              + "=" + maxBadRecords + ", so nothing of " + window + " was committed. Raise " + maxBadRecordsField
              + " to skip them");
        }
        LOG.warn("skipping bad {} of {}: {}", where, window, m.malformed().getMessage());
        continue;
      }
      MappedEvent event = m.event();
      if (event == null) {
        filtered++;
        continue;
      }
      replacedSurrogates += event.replacedSurrogates();
      valuesInExtra += event.valuesInExtra();
      out.write(event.row());
      out.write('\n');
      stats.add(event, event.row().length + 1L, m.line().file());
      if (!event.unknownKeys().isEmpty() && schemaDrift.size() < 100) {
        schemaDrift.addAll(event.unknownKeys());
      }
    }
  }
}
