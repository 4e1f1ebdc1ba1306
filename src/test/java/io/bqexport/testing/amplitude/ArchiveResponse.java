package io.bqexport.testing.amplitude;

import com.sun.net.httpserver.HttpExchange;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/** Sends the export zip of hours [start, end) as the stand-in's 200 response, with the request's fault if any. */
final class ArchiveResponse {
  private static final int BUFFER = 64 * 1024;

  private final ExportDataSource source;
  private final Instant start;
  private final Instant end;
  private final int entries;
  private final ExportArchiveWriter.EntryMethod method;

  ArchiveResponse(ExportDataSource source, Instant start, Instant end, int entries,
      ExportArchiveWriter.EntryMethod method) {
    this.source = source;
    this.start = start;
    this.end = end;
    this.entries = entries;
    this.method = method;
  }

  /** Streams the zip as it is written (chunked): memory stays bounded however big the hours are. */
  void sendChunked(HttpExchange exchange, Optional<StandInFault> fault) throws IOException {
    exchange.sendResponseHeaders(200, 0);
    FaultyBodyStream body = new FaultyBodyStream(new BufferedOutputStream(exchange.getResponseBody(), BUFFER));
    fault.ifPresent(f -> BodyFaults.transport(f, body));
    write(body, fault);
    body.flush();
  }

  /** Writes the zip to a temporary file first, to answer with a Content-Length like a file server. */
  void sendWithContentLength(HttpExchange exchange, Optional<StandInFault> fault) throws IOException {
    Path archive = Files.createTempFile("amplitude-stand-in-", ".zip");
    try {
      try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(archive), BUFFER)) {
        FaultyBodyStream written = new FaultyBodyStream(file);
        write(written, fault);
        written.flush();
      }
      exchange.sendResponseHeaders(200, Files.size(archive));
      FaultyBodyStream body = new FaultyBodyStream(new BufferedOutputStream(exchange.getResponseBody(), BUFFER));
      fault.ifPresent(f -> BodyFaults.transport(f, body));
      Files.copy(archive, body);
      body.flush();
    } finally {
      Files.deleteIfExists(archive);
    }
  }

  private void write(FaultyBodyStream out, Optional<StandInFault> fault) throws IOException {
    ExportArchiveWriter.EntryObserver observer = fault.map(f -> BodyFaults.structure(f, out, entries))
        .orElse(ExportArchiveWriter.EntryObserver.NONE);
    new ExportArchiveWriter(method, observer).writeZip(source, start, end, out);
  }
}
