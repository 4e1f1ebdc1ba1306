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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPOutputStream;

/** Hand-written export lines per upload hour (one file per hour), for tests that need exact content. */
final class LinesSource implements ExportDataSource {

  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);
  private final Map<Instant, List<byte[]>> lines = new ConcurrentHashMap<>();

  LinesSource hour(Instant hour, List<String> hourLines) {
    return rawHour(hour, hourLines.stream().map(l -> l.getBytes(StandardCharsets.UTF_8)).toList());
  }

  /** Lines as bytes, for content no Java string encodes, such as invalid UTF-8. */
  LinesSource rawHour(Instant hour, List<byte[]> hourLines) {
    lines.put(hour, new ArrayList<>(hourLines));
    return this;
  }

  @Override
  public List<ExportFile> files(Instant hour) {
    List<byte[]> hourLines = lines.get(hour);
    if (hourLines == null) {
      return List.of();
    }
    String name = "187520_" + DAY.format(hour) + "_" + hour.atZone(ZoneOffset.UTC).getHour() + "#0.json.gz";
    return List.of(new ExportFile() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public String entryName() {
        return "187520/" + name;
      }

      @Override
      public long events() {
        return hourLines.size();
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
        });
        for (byte[] line : hourLines) {
          gzip.write(line);
          gzip.write('\n');
        }
        gzip.finish();
      }

      @Override
      public Iterator<String> lines() {
        return hourLines.stream().map(l -> new String(l, StandardCharsets.UTF_8)).iterator();
      }
    });
  }
}
