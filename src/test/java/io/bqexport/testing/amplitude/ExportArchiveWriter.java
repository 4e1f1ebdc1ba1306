package io.bqexport.testing.amplitude;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes the hours of an {@link ExportDataSource} as an Export API zip (entries {@code <appId>/<file>.json.gz})
 * or as Amplitude's file layout on disk. Memory is bounded by one file (STORED entries need their size and CRC
 * first) or by fixed buffers (DEFLATED entries at level 0 stream straight through).
 */
public final class ExportArchiveWriter {

  /** How entries are stored in the zip. */
  public enum EntryMethod { STORED, DEFLATED }

  /** Hooks for fault injection: see each entry being written and wrap its gzip bytes. */
  public interface EntryObserver {
    EntryObserver NONE = new EntryObserver() { };

    default void entryStarting(int index, ExportFile file) throws IOException {
    }

    default void entryFinished(int index, ExportFile file) throws IOException {
    }

    default OutputStream gzipTarget(int index, OutputStream out) {
      return out;
    }
  }

  /** What a write produced. */
  public record Stats(int files, long events, long bytes) {
  }

  private final EntryMethod method;
  private final EntryObserver observer;
  private final int parallelism;

  /**
   * @param parallelism files gzipped at once for STORED entries (1: in the writing thread, memory = one file;
   *     more: faster archives for benchmarks, memory = that many files)
   */
  public ExportArchiveWriter(EntryMethod method, EntryObserver observer, int parallelism) {
    this.method = method;
    this.observer = observer;
    this.parallelism = Math.max(1, parallelism);
  }

  public ExportArchiveWriter(EntryMethod method, EntryObserver observer) {
    this(method, observer, 1);
  }

  /** STORED entries, one gzip per available processor. */
  public ExportArchiveWriter() {
    this(EntryMethod.STORED, EntryObserver.NONE, Runtime.getRuntime().availableProcessors());
  }

  /** Writes a zip of the hours [start, end) to {@code out} and finishes the zip (out stays open). */
  public Stats writeZip(ExportDataSource source, Instant start, Instant end, OutputStream out) throws IOException {
    List<ExportFile> files = new ArrayList<>();
    for (Instant hour = start; hour.isBefore(end); hour = hour.plus(Duration.ofHours(1))) {
      files.addAll(source.files(hour));
    }
    CountingOutputStream counted = new CountingOutputStream(out);
    ZipOutputStream zip = new ZipOutputStream(counted);
    zip.setLevel(Deflater.NO_COMPRESSION);
    long events = 0;
    try (GzipPipeline gzips = new GzipPipeline(files)) {
      for (int index = 0; index < files.size(); index++) {
        ExportFile file = files.get(index);
        observer.entryStarting(index, file);
        ZipEntry entry = new ZipEntry(file.entryName());
        if (method == EntryMethod.STORED) {
          byte[] bytes = gzips.take(index);
          CRC32 crc = new CRC32();
          crc.update(bytes);
          entry.setMethod(ZipEntry.STORED);
          entry.setSize(bytes.length);
          entry.setCompressedSize(bytes.length);
          entry.setCrc(crc.getValue());
          zip.putNextEntry(entry);
          zip.write(bytes);
        } else {
          entry.setMethod(ZipEntry.DEFLATED);
          zip.putNextEntry(entry);
          file.writeGzip(observer.gzipTarget(index, zip));
        }
        zip.closeEntry();
        observer.entryFinished(index, file);
        events += file.events();
      }
    }
    zip.finish();
    zip.flush();
    return new Stats(files.size(), events, counted.count);
  }

  /** Gzips the next files ahead of the writer, at most {@code parallelism} at a time, handing them out in order. */
  private final class GzipPipeline implements AutoCloseable {
    private final List<ExportFile> files;
    private final ExecutorService pool;
    private final Deque<Future<byte[]>> ahead = new ArrayDeque<>();
    private int submitted;

    GzipPipeline(List<ExportFile> files) {
      this.files = files;
      this.pool = method == EntryMethod.STORED && parallelism > 1
          ? Executors.newFixedThreadPool(parallelism, runnable -> {
            Thread thread = new Thread(runnable, "export-archive-gzip");
            thread.setDaemon(true);
            return thread;
          })
          : null;
    }

    byte[] take(int index) throws IOException {
      if (pool == null) {
        return gzip(index);
      }
      while (submitted < files.size() && ahead.size() < parallelism) {
        int next = submitted++;
        ahead.addLast(pool.submit(() -> gzip(next)));
      }
      try {
        return ahead.removeFirst().get();
      } catch (ExecutionException e) {
        throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
    }

    private byte[] gzip(int index) throws IOException {
      ByteArrayOutputStream buffer = new ByteArrayOutputStream(1 << 20);
      files.get(index).writeGzip(observer.gzipTarget(index, buffer));
      return buffer.toByteArray();
    }

    @Override
    public void close() {
      if (pool != null) {
        pool.shutdownNow();
      }
    }
  }

  /** Writes a zip file of the hours [start, end). */
  public Stats writeZip(ExportDataSource source, Instant start, Instant end, Path zipFile) throws IOException {
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(zipFile), 1 << 16)) {
      return writeZip(source, start, end, out);
    }
  }

  /** Writes the hours [start, end) as Amplitude's layout: {@code <directory>/<appId>/<file>.json.gz}. */
  public static Stats writeLayout(ExportDataSource source, Instant start, Instant end, Path directory)
      throws IOException {
    int files = 0;
    long events = 0;
    long bytes = 0;
    for (Instant hour = start; hour.isBefore(end); hour = hour.plus(Duration.ofHours(1))) {
      List<ExportFile> hourFiles = source.files(hour);
      for (ExportFile file : hourFiles) {
        Path target = directory.resolve(file.entryName());
        Files.createDirectories(target.getParent());
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(target), 1 << 16)) {
          file.writeGzip(out);
        }
        files++;
        events += file.events();
        bytes += Files.size(target);
      }
    }
    return new Stats(files, events, bytes);
  }

  private static final class CountingOutputStream extends FilterOutputStream {
    private long count;

    CountingOutputStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }
  }
}
