package io.bqexport.exporter;

import io.bqexport.testing.amplitude.ExportDataSource;
import io.bqexport.testing.amplitude.ExportFile;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * One hour of large events (each with a payload property of {@code payloadChars}), rendered while they are served:
 * many hundred megabytes of rows at little CPU cost, for the memory test. Nothing is held in memory.
 */
final class LargeEventsSource implements ExportDataSource {

  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);
  private final Instant hour;
  private final int events;
  private final int eventsPerFile;
  private final String payload;

  LargeEventsSource(Instant hour, int events, int eventsPerFile, int payloadChars) {
    this.hour = hour;
    this.events = events;
    this.eventsPerFile = eventsPerFile;
    StringBuilder text = new StringBuilder(payloadChars);
    for (int i = 0; text.length() < payloadChars; i++) {
      text.append("lorem ipsum ").append(Integer.toString(i, 36)).append(" é🎧 ");
    }
    this.payload = text.substring(0, payloadChars);
  }

  long rowBytesAtLeast() {
    return (long) events * payload.getBytes(StandardCharsets.UTF_8).length;
  }

  @Override
  public long count(Instant h) {
    return h.equals(hour) ? events : 0;
  }

  @Override
  public List<ExportFile> files(Instant h) {
    List<ExportFile> files = new ArrayList<>();
    if (!h.equals(hour)) {
      return files;
    }
    for (int from = 0, part = 0; from < events; from += eventsPerFile, part++) {
      files.add(new LargeFile(part, from, Math.min(events, from + eventsPerFile)));
    }
    return files;
  }

  private String line(int i) {
    String at = TIME.format(hour.plusMillis(i % 3_600_000L));
    return "{\"uuid\":\"big-" + i + "\",\"$insert_id\":\"ins-" + i + "\",\"event_type\":\"Big\",\"amplitude_id\":"
        + (9_000_000_000_000_000L + i) + ",\"event_time\":\"" + at + "\",\"server_upload_time\":\"" + at
        + "\",\"event_properties\":{\"i\":" + i + ",\"payload\":\"" + payload + "\"}}";
  }

  private final class LargeFile implements ExportFile {
    private final int part;
    private final int from;
    private final int to;

    LargeFile(int part, int from, int to) {
      this.part = part;
      this.from = from;
      this.to = to;
    }

    @Override
    public String name() {
      return "187520_" + DAY.format(hour) + "_" + hour.atZone(ZoneOffset.UTC).getHour() + "#" + part + ".json.gz";
    }

    @Override
    public String entryName() {
      return "187520/" + name();
    }

    @Override
    public long events() {
      return to - from;
    }

    @Override
    public void writeGzip(OutputStream out) throws IOException {
      GZIPOutputStream gzip = new GZIPOutputStream(new OutputStream() {
        @Override
        public void write(int b) throws IOException {
          out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          out.write(b, off, len);
        }
      }, 64 * 1024) {
        {
          def.setLevel(Deflater.BEST_SPEED);
        }
      };
      for (int i = from; i < to; i++) {
        gzip.write((line(i) + "\n").getBytes(StandardCharsets.UTF_8));
      }
      gzip.finish();
    }

    @Override
    public Iterator<String> lines() {
      return new Iterator<>() {
        private int next = from;

        @Override
        public boolean hasNext() {
          return next < to;
        }

        @Override
        public String next() {
          if (next >= to) {
            throw new NoSuchElementException();
          }
          return line(next++);
        }
      };
    }
  }
}
