package io.bqexport.testing.bigquery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resumable upload sessions as the Java client speaks them: chunks arrive with Content-Range, bytes are
 * committed only when a whole chunk arrived, a repeated range is accepted idempotently, and the final chunk
 * completes the load job.
 */
final class UploadSessions {
  private static final Pattern RANGE = Pattern.compile("bytes (?:(\\d+)-(\\d+)|\\*)/(\\d+|\\*)");

  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final List<UploadChunk> chunks = new CopyOnWriteArrayList<>();

  static final class Session {
    final String project;
    final ObjectNode jobBody;
    final String userEmail;
    final Path file;
    long committed;
    ObjectNode completedJob;

    Session(String project, ObjectNode jobBody, String userEmail, Path file) {
      this.project = project;
      this.jobBody = jobBody;
      this.userEmail = userEmail;
      this.file = file;
    }
  }

  /** What a PUT led to: more bytes wanted (308 with the committed count), or the finished job. */
  record ChunkOutcome(long committed, ObjectNode job) {}

  interface Finisher {
    ObjectNode finish(Session session);
  }

  String open(String project, JsonNode jobBody, String userEmail) {
    try {
      String id = UUID.randomUUID().toString().replace("-", "");
      Path file = Files.createTempFile("bq-emulator-upload-" + id, ".ndjson");
      file.toFile().deleteOnExit();
      sessions.put(id, new Session(project, ((ObjectNode) jobBody).deepCopy(), userEmail, file));
      return id;
    } catch (IOException e) {
      throw new ApiException(500, "backendError", "Emulator could not store the upload: " + e.getMessage());
    }
  }

  ChunkOutcome put(String uploadId, String contentRange, byte[] body, Finisher finisher) {
    Session session = sessions.get(uploadId);
    if (session == null) {
      throw ApiException.notFound("Upload session " + uploadId);
    }
    synchronized (session) {
      if (session.completedJob != null) {
        return new ChunkOutcome(session.committed, session.completedJob);
      }
      Matcher m = RANGE.matcher(contentRange == null ? "" : contentRange.trim());
      if (!m.matches()) {
        throw ApiException.invalid("Content-Range header \"" + contentRange + "\" is not bytes a-b/total, "
            + "bytes a-b/* or bytes */total.");
      }
      long total = "*".equals(m.group(3)) ? -1 : Long.parseLong(m.group(3));
      chunks.add(new UploadChunk(body.length, total >= 0));
      if (m.group(1) != null) {
        long first = Long.parseLong(m.group(1));
        long last = Long.parseLong(m.group(2));
        if (last - first + 1 != body.length) {
          throw ApiException.invalid("Content-Range " + contentRange + " does not match the " + body.length
              + " bytes received.");
        }
        if (first > session.committed) {
          throw ApiException.invalid("Content-Range starts at byte " + first + " but only " + session.committed
              + " bytes were committed; resend from byte " + session.committed + ".");
        }
        append(session, body, (int) (session.committed - first));
      }
      if (total >= 0 && session.committed == total) {
        session.completedJob = finisher.finish(session);
        return new ChunkOutcome(session.committed, session.completedJob);
      }
      if (total >= 0 && session.committed > total) {
        throw ApiException.invalid("Upload is larger than the total size " + total + " given in Content-Range.");
      }
      return new ChunkOutcome(session.committed, null);
    }
  }

  private static void append(Session session, byte[] body, int alreadyCommitted) {
    if (alreadyCommitted >= body.length) {
      return;
    }
    try (OutputStream out = Files.newOutputStream(session.file, StandardOpenOption.APPEND)) {
      out.write(body, alreadyCommitted, body.length - alreadyCommitted);
    } catch (IOException e) {
      throw new ApiException(500, "backendError", "Emulator could not store the chunk: " + e.getMessage());
    }
    session.committed += body.length - alreadyCommitted;
  }

  /**
   * Every chunk PUT to an open session, in arrival order. Not checked here: BigQuery documents that every chunk but
   * the last is a multiple of 256 KiB (the Java client rounds its chunk size so); the raw-protocol tests send
   * smaller chunks on purpose.
   */
  List<UploadChunk> chunks() {
    return List.copyOf(chunks);
  }

  void deleteFiles() {
    sessions.values().forEach(s -> s.file.toFile().delete());
  }
}
