package io.bqexport.bigquery;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.Job;
import com.google.cloud.bigquery.JobId;
import com.google.cloud.bigquery.TableDataWriteChannel;
import com.google.cloud.bigquery.WriteChannelConfiguration;
import io.bqexport.ExportWindow;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * The rows of one load job as an OutputStream over a resumable upload. The upload starts with the first byte, so an
 * empty window creates no job; the job is created only by {@link #finish()}. Abandoning the stream without finish
 * (the source failed) leaves an unfinished upload session that never becomes a job: nothing is committed.
 * Memory: one chunk buffer of the client plus a small write buffer, however large the window.
 */
final class LoadUpload extends OutputStream {

  private static final int BUFFER = 64 * 1024;
  /** The client's chunk granularity: chunk sizes are multiples of 256 KiB. */
  private static final int LAST_CHUNK_MARGIN = 256 * 1024;

  private final BigQuery bigquery;
  private final JobId jobId;
  private final WriteChannelConfiguration configuration;
  private final int chunkSize;
  private final Runnable midUpload;
  private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
  private TableDataWriteChannel writer;
  private long written;
  private boolean midUploadReported;

  LoadUpload(BigQuery bigquery, JobId jobId, WriteChannelConfiguration configuration, int chunkSize,
      CommitObserver observer, ExportWindow window) {
    this.bigquery = bigquery;
    this.jobId = jobId;
    this.configuration = configuration;
    this.chunkSize = chunkSize;
    this.midUpload = () -> observer.reached(CommitStep.MID_UPLOAD, window);
  }

  @Override
  public void write(int b) throws IOException {
    if (!buffer.hasRemaining()) {
      drain();
    }
    buffer.put((byte) b);
  }

  @Override
  public void write(byte[] bytes, int offset, int length) throws IOException {
    while (length > 0) {
      if (!buffer.hasRemaining()) {
        drain();
      }
      int n = Math.min(length, buffer.remaining());
      buffer.put(bytes, offset, n);
      offset += n;
      length -= n;
    }
  }

  private void drain() throws IOException {
    buffer.flip();
    if (buffer.hasRemaining()) {
      if (writer == null) {
        writer = bigquery.writer(jobId, configuration); // may throw 409 "duplicate"
        writer.setChunkSize(chunkSize);
      }
      while (buffer.hasRemaining()) {
        written += writer.write(buffer);
      }
    }
    buffer.clear();
    if (!midUploadReported && written > chunkSize) {
      midUploadReported = true;
      midUpload.run();
    }
  }

  /** Sends the last chunk, which creates the load job; null when no byte was written (no job). */
  Job finish() throws IOException {
    if (writer != null) {
      // The client flushes whenever it holds a whole chunk, and its close() sends nothing when it then holds no
      // byte (google-cloud-bigquery skips a 0-length write): an upload of exactly k chunks would never send the
      // request that completes it, and no load job would exist although every row went out. A larger chunk size
      // for the last bytes (at most one write buffer on top of less than a chunk) keeps them for close().
      writer.setChunkSize(chunkSize + LAST_CHUNK_MARGIN);
    }
    drain();
    if (writer == null) {
      return null;
    }
    writer.close(); // may throw 409 "duplicate" when another upload with this id finished first
    return writer.getJob();
  }

  @Override
  public void close() {
    // Deliberately not finishing the upload: only finish() commits.
  }
}
