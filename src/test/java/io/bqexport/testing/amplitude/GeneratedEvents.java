package io.bqexport.testing.amplitude;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Generated hours: a count of events per upload hour, split into files of at most {@link #eventsPerFile}
 * events, each rendered on demand by the generator. Hours can be added while a stand-in serves them.
 */
public final class GeneratedEvents implements ExportDataSource {
  private final AmplitudeEventGenerator generator;
  private final Map<Instant, Long> counts = new ConcurrentHashMap<>();
  private volatile long eventsPerFile = 50_000;
  private volatile int gzipLevel = Deflater.BEST_SPEED;

  public GeneratedEvents(AmplitudeEventGenerator generator) {
    this.generator = generator;
  }

  public AmplitudeEventGenerator generator() {
    return generator;
  }

  /** Sets the number of events of one hour (0 removes it: the hour has no data). */
  public GeneratedEvents hour(Instant hour, long count) {
    ExportWindowChecks.requireHour(hour);
    if (count <= 0) {
      counts.remove(hour);
    } else {
      counts.put(hour, count);
    }
    return this;
  }

  /** Sets {@code countPerHour} events for every hour of [start, end). */
  public GeneratedEvents hours(Instant start, Instant end, long countPerHour) {
    for (Instant hour = start; hour.isBefore(end); hour = hour.plus(Duration.ofHours(1))) {
      hour(hour, countPerHour);
    }
    return this;
  }

  /** Splits hours into files of at most this many events (Amplitude writes several files for big hours). */
  public GeneratedEvents eventsPerFile(long max) {
    this.eventsPerFile = max;
    return this;
  }

  /** Gzip level of the files (default 1: fast, for large benchmark archives). */
  public GeneratedEvents gzipLevel(int level) {
    this.gzipLevel = level;
    return this;
  }

  @Override
  public long count(Instant hour) {
    return counts.getOrDefault(hour, 0L);
  }

  @Override
  public List<ExportFile> files(Instant hour) {
    long total = count(hour);
    List<ExportFile> files = new ArrayList<>();
    long perFile = eventsPerFile;
    for (long from = 0, part = 0; from < total; from += perFile, part++) {
      files.add(new GeneratedFile(hour, (int) part, from, Math.min(total, from + perFile)));
    }
    return files;
  }

  /** uuids and $insert_ids come straight from the generator, without rendering events. */
  @Override
  public List<String> values(Instant hour, String field) {
    if (!field.equals("uuid") && !field.equals("$insert_id")) {
      return ExportDataSource.super.values(hour, field);
    }
    long total = count(hour);
    List<String> values = new ArrayList<>((int) total);
    for (long i = 0; i < total; i++) {
      values.add(field.equals("uuid") ? generator.uuid(hour, i) : generator.insertId(hour, i));
    }
    return values;
  }

  private final class GeneratedFile implements ExportFile {
    private final Instant hour;
    private final int part;
    private final long from;
    private final long to;

    GeneratedFile(Instant hour, int part, long from, long to) {
      this.hour = hour;
      this.part = part;
      this.from = from;
      this.to = to;
    }

    @Override
    public String name() {
      return ExportFileNames.name(generator.appId(), hour, part);
    }

    @Override
    public String entryName() {
      return generator.appId() + "/" + name();
    }

    @Override
    public long events() {
      return to - from;
    }

    @Override
    public void writeGzip(OutputStream out) throws IOException {
      OutputStream keepOpen = new FilterOutputStream(out) {
        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
          flush();
        }
      };
      int level = gzipLevel;
      try (GZIPOutputStream gzip = new GZIPOutputStream(keepOpen, 64 * 1024) {
        {
          def.setLevel(level);
        }
      }) {
        generator.write(hour, from, to, gzip);
      }
    }

    @Override
    public Iterator<String> lines() {
      return generator.lines(hour, from, to);
    }
  }
}
