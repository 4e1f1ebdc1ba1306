package io.bqexport.amplitude;

import io.bqexport.ExportWindow;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

/**
 * The lines of one export response, pulled one at a time: HTTP body -> zip entries -> gunzip -> lines. Only
 * buffers of fixed size are held, never an entry or the archive. {@link #next()} returns null only after the
 * archive's end was verified; a truncated or corrupt archive throws {@link CorruptArchiveException} instead, so
 * the caller must not commit anything before null (after a failure every call throws again). Blank lines are
 * skipped (their numbers still count). A line that is not valid UTF-8 or is too long is handed out with its
 * {@link SourceLine#problem()}, a bad line for the caller to count, as the archive itself is fine (CRCs passed).
 * Not thread-safe: one reader per stream.
 */
public final class ExportLineStream implements LineSource {
  private static final int BUFFER = 64 * 1024;
  /** Amplitude caps an event at about 1 MB of JSON; far longer lines are skipped as bad lines, never buffered. */
  public static final int MAX_LINE_BYTES = 32 * 1024 * 1024;

  private final ExportWindow window;
  private final long expectedLength;
  private final TailKeepingInputStream counted;
  private final EntryZipInputStream zip;
  private final Utf8LineReader lineReader;
  private Utf8LineReader entryReader;
  private InputStream entryData;
  private String file = "";
  private long lineNumber;
  private long entries;
  private long files;
  private long lines;
  private boolean finished;
  private boolean closed;
  /** Sticky: once the archive failed, every later call fails too, so it can never look complete. */
  private AmplitudeException failure;

  ExportLineStream(ExportWindow window, InputStream body, long expectedLength) {
    this(window, body, expectedLength, MAX_LINE_BYTES);
  }

  ExportLineStream(ExportWindow window, InputStream body, long expectedLength, int maxLineBytes) {
    this.window = window;
    this.lineReader = new Utf8LineReader(maxLineBytes);
    this.expectedLength = expectedLength;
    this.counted = body == null ? null : new TailKeepingInputStream(body, ZipEndCheck.TAIL_BYTES);
    this.zip = body == null ? null : new EntryZipInputStream(counted);
    this.finished = body == null;
  }

  /** The stream of a window without data (404). */
  static ExportLineStream empty(ExportWindow window) {
    return new ExportLineStream(window, null, -1);
  }

  /** Reads a whole archive from any stream (a file, a test fixture); the caller closes {@code archive}. */
  public static ExportLineStream of(ExportWindow window, InputStream archive) {
    return new ExportLineStream(window, archive, -1);
  }

  /** True when the source answered 404: it has no data for this window. */
  public boolean notFound() {
    return counted == null;
  }

  @Override
  public Set<Instant> hoursWithoutData() {
    return notFound() ? Set.copyOf(window.hourList()) : Set.of();
  }

  public ExportWindow window() {
    return window;
  }

  /** The next non-blank line, or null at the verified end of the archive. */
  public SourceLine next() {
    if (failure != null) {
      throw failure;
    }
    if (finished) {
      return null;
    }
    if (closed) {
      throw new IllegalStateException("the export stream of " + window + " was closed before its end");
    }
    try {
      SourceLine line = advance();
      finished = line == null;
      return line;
    } catch (IOException e) {
      failure = translate(e);
      throw failure;
    }
  }

  /** Counts without decoding lines ({@link Utf8LineReader#countKeptLines()}): the integrity re-check's read. */
  @Override
  public long countLines(Predicate<String> fileCounts) {
    if (failure != null) {
      throw failure;
    }
    if (closed) {
      throw new IllegalStateException("the export stream of " + window + " was closed before its end");
    }
    long n = 0;
    try {
      while (!finished) {
        if (entryReader != null) {
          long kept = entryReader.countKeptLines();
          lines += kept;
          n += fileCounts.test(file) ? kept : 0;
          entryReader = null;
          entryData.close();
        }
        ZipEntry entry = zip.getNextEntry();
        if (entry == null) {
          verifyEnd();
          finished = true;
        } else {
          entries++;
          if (!entry.isDirectory()) {
            openEntry(entry);
          }
        }
      }
      return n;
    } catch (IOException e) {
      failure = translate(e);
      throw failure;
    }
  }

  private SourceLine advance() throws IOException {
    while (true) {
      if (entryReader != null) {
        byte[] bytes = entryReader.readLineBytes();
        if (bytes != null) {
          lineNumber++;
          String problem = entryReader.problem();
          if (problem == null && SourceLine.isBlank(bytes)) {
            continue;
          }
          lines++;
          return SourceLine.ofUtf8(file, lineNumber, bytes, problem);
        }
        entryReader = null;
        entryData.close(); // frees the gzip inflater now rather than at garbage collection
      }
      ZipEntry entry = zip.getNextEntry();
      if (entry == null) {
        verifyEnd();
        return null;
      }
      entries++;
      if (!entry.isDirectory()) {
        openEntry(entry);
      }
    }
  }

  private AmplitudeException translate(IOException e) {
    if (e instanceof ArchiveProblem problem) {
      return corrupt(problem.getMessage(), null);
    }
    if (e instanceof ZipException || e instanceof EOFException) {
      return corrupt(where() + ": " + e.getMessage(), e);
    }
    if (e instanceof SocketTimeoutException) {
      return new SourceUnavailableException("the download of Amplitude export " + window + " stalled at "
          + where() + ": " + e.getMessage() + "; nothing was committed, the next run retries it", e);
    }
    return new SourceUnavailableException("the connection to Amplitude broke while downloading export " + window
        + " at " + where() + " (" + e + "); nothing was committed, the next run retries it", e);
  }

  private void openEntry(ZipEntry entry) throws IOException {
    file = entry.getName();
    lineNumber = 0;
    files++;
    InputStream data = new FilterInputStream(zip) {
      @Override
      public void close() {
        // the zip stream stays open for the next entry
      }
    };
    if (file.endsWith(".gz")) {
      data = new GZIPInputStream(data, BUFFER);
    }
    entryData = data;
    entryReader = lineReader.reset(data);
  }

  private void verifyEnd() throws IOException {
    zip.drainRemaining();
    long length = counted.count();
    if (expectedLength >= 0 && length != expectedLength) {
      throw new ArchiveProblem("the response ended after " + length + " of " + expectedLength + " bytes");
    }
    Optional<String> problem = ZipEndCheck.problem(counted.tail(), length, entries);
    if (problem.isPresent()) {
      throw new ArchiveProblem(problem.get());
    }
  }

  private String where() {
    return file.isEmpty() ? "the start of the archive" : "file " + file + " after line " + lineNumber;
  }

  private CorruptArchiveException corrupt(String detail, Throwable cause) {
    return new CorruptArchiveException("the Amplitude export archive of " + window + " is truncated or corrupt ("
        + detail + "); nothing was committed, the next run retries it", cause);
  }

  /** Data files (zip entries that are not directories) opened so far. */
  public long filesRead() {
    return files;
  }

  /** Non-blank lines handed out so far. */
  public long linesRead() {
    return lines;
  }

  /** Compressed archive bytes received so far. */
  public long archiveBytes() {
    return counted == null ? 0 : counted.count();
  }

  @Override
  public void close() {
    closed = true;
    if (zip != null) {
      try {
        if (entryData != null) {
          entryData.close();
        }
        zip.close();
      } catch (IOException ignored) {
        // closing aborts the download; nothing to report
      }
    }
  }

  /** The archive's structure is wrong (found by this class, not by the JDK's zip and gzip readers). */
  private static final class ArchiveProblem extends IOException {
    ArchiveProblem(String message) {
      super(message);
    }
  }

  /** Exposes the stream below the zip reader, to read the central directory after the last entry. */
  private static final class EntryZipInputStream extends ZipInputStream {
    EntryZipInputStream(InputStream in) {
      super(in);
    }

    void drainRemaining() throws IOException {
      byte[] scratch = new byte[BUFFER];
      while (in.read(scratch) >= 0) {
        // the bytes land in the tail kept by TailKeepingInputStream
      }
    }
  }
}
