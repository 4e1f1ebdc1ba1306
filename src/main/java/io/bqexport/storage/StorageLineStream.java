package io.bqexport.storage;

import com.google.cloud.ReadChannel;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.Storage;
import io.bqexport.amplitude.AmplitudeException;
import io.bqexport.amplitude.CorruptArchiveException;
import io.bqexport.amplitude.ExportLineStream;
import io.bqexport.amplitude.LineSource;
import io.bqexport.amplitude.SourceLine;
import io.bqexport.amplitude.SourceUnavailableException;
import io.bqexport.amplitude.Utf8LineReader;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * The lines of listed export objects, one object after another: object bytes (streamed by the client's read
 * channel, pinned to the listed generation) -> gunzip -> lines. Same contract as {@link ExportLineStream}: only
 * fixed-size buffers are held, never an object; {@link #next()} returns null only after every object was read to
 * its verified end (gzip trailer and listed size); a truncated or corrupt object throws {@link
 * CorruptArchiveException} naming it, and every later call throws again, so nothing can look complete by
 * accident. Blank lines are skipped (their numbers still count); a line that is not valid UTF-8 or too long is
 * handed out with its {@link SourceLine#problem()}, one bad line for the caller to count. Not thread-safe.
 */
public final class StorageLineStream implements LineSource {
  private static final int BUFFER = 64 * 1024;
  /** The client's download buffer per object; bounded memory whatever the object size. */
  private static final int CHUNK = 1024 * 1024;

  private final Storage storage;
  private final String bucket;
  private final List<HourObjects> hours;
  private final Deque<ListedObject> pending = new ArrayDeque<>();
  private final Utf8LineReader lineReader;
  private ListedObject current;
  private ReadChannel channel;
  private CountingInputStream counted;
  private InputStream data;
  private long lineNumber;
  private long files;
  private long lines;
  private long bytes;
  private boolean finished;
  private boolean closed;
  private AmplitudeException failure;

  StorageLineStream(Storage storage, String bucket, List<HourObjects> hours) {
    this(storage, bucket, hours, ExportLineStream.MAX_LINE_BYTES);
  }

  StorageLineStream(Storage storage, String bucket, List<HourObjects> hours, int maxLineBytes) {
    this.storage = storage;
    this.bucket = bucket;
    this.hours = List.copyOf(hours);
    this.lineReader = new Utf8LineReader(maxLineBytes);
    this.hours.forEach(hour -> pending.addAll(hour.objects()));
    this.finished = pending.isEmpty();
  }

  /** The listings this stream reads. */
  public List<HourObjects> hours() {
    return hours;
  }

  /** True when no listed hour has any file: an empty source, distinguishable from a failure. */
  public boolean hasNoFiles() {
    return hours.stream().allMatch(HourObjects::isEmpty);
  }

  @Override
  public Set<Instant> hoursWithoutData() {
    return hours.stream().filter(HourObjects::isEmpty).map(HourObjects::hour).collect(Collectors.toSet());
  }

  /** The next non-blank line, or null at the verified end of the last object. */
  public SourceLine next() {
    if (failure != null) {
      throw failure;
    }
    if (finished) {
      return null;
    }
    if (closed) {
      throw new IllegalStateException("the storage stream of gs://" + bucket + " was closed before its end");
    }
    try {
      SourceLine line = advance();
      finished = line == null;
      return line;
    } catch (IOException | RuntimeException e) {
      failure = e instanceof AmplitudeException known ? known : translate(e);
      closeObject();
      throw failure;
    }
  }

  private SourceLine advance() throws IOException {
    while (true) {
      if (data != null) {
        byte[] bytes = lineReader.readLineBytes();
        if (bytes != null) {
          lineNumber++;
          String problem = lineReader.problem();
          if (problem == null && SourceLine.isBlank(bytes)) {
            continue;
          }
          lines++;
          return SourceLine.ofUtf8(uri(current), lineNumber, bytes, problem);
        }
        finishObject();
      }
      if (pending.isEmpty()) {
        return null;
      }
      openObject(pending.removeFirst());
    }
  }

  private void openObject(ListedObject object) throws IOException {
    current = object;
    lineNumber = 0;
    files++;
    channel = storage.reader(BlobId.of(bucket, object.name(), object.generation()));
    channel.setChunkSize(CHUNK);
    counted = new CountingInputStream(Channels.newInputStream(channel));
    data = null;
    data = new GZIPInputStream(counted, BUFFER); // reads the gzip header: the first request happens here
    lineReader.reset(data);
  }

  /** The gzip stream ended at its trailer; the object must also have ended at its listed size. */
  private void finishObject() throws IOException {
    byte[] rest = new byte[BUFFER];
    while (counted.read(rest) >= 0) {
      // bytes after the last gzip member (GZIPInputStream stops reading garbage it cannot parse)
    }
    if (counted.count != current.size()) {
      throw new ObjectProblem("it ended after " + counted.count + " of its " + current.size() + " listed bytes");
    }
    bytes += counted.count;
    closeObject();
  }

  private AmplitudeException translate(Throwable e) {
    if (StorageFailures.storageCause(e) != null) {
      return StorageFailures.translate(e, bucket, StorageFailures.GET, "reading " + uri(current), true);
    }
    if (e instanceof ObjectProblem) {
      return corrupt(e.getMessage(), null);
    }
    if (e instanceof ZipException || e instanceof EOFException) {
      return corrupt("gzip: " + e.getMessage() + " after line " + lineNumber, e);
    }
    if (e instanceof IOException) {
      return new SourceUnavailableException("the download of " + uri(current) + " broke after line " + lineNumber
          + " (" + e + "); nothing was committed, the next run retries it", e);
    }
    throw (RuntimeException) e;
  }

  private CorruptArchiveException corrupt(String detail, Throwable cause) {
    return new CorruptArchiveException("the Cloud Storage object " + uri(current) + " is truncated or corrupt ("
        + detail + "); nothing was committed. Amplitude rewrites an hour's files when it re-exports them; if the "
        + "object stays damaged, ask Amplitude support to backfill that hour", cause);
  }

  private String uri(ListedObject object) {
    return object == null ? "gs://" + bucket : "gs://" + bucket + "/" + object.name();
  }

  private void closeObject() {
    try {
      if (data != null) {
        data.close(); // frees the inflater and closes the channel beneath
      } else if (channel != null) {
        channel.close();
      }
    } catch (IOException ignored) {
      // the object is abandoned; nothing to report
    }
    data = null;
    channel = null;
  }

  /** Objects opened so far. */
  public long filesRead() {
    return files;
  }

  /** Non-blank lines handed out so far. */
  public long linesRead() {
    return lines;
  }

  /** Compressed bytes of the objects read to their end. */
  public long compressedBytes() {
    return bytes;
  }

  @Override
  public void close() {
    closed = true;
    closeObject();
  }

  /** The object's structure is wrong (found by this class, not by the JDK's gzip reader). */
  private static final class ObjectProblem extends IOException {
    ObjectProblem(String message) {
      super(message);
    }
  }

  private static final class CountingInputStream extends FilterInputStream {
    private long count;

    CountingInputStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      if (n > 0) {
        count += n;
      }
      return n;
    }
  }
}
