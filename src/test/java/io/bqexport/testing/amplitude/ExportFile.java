package io.bqexport.testing.amplitude;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Iterator;

/** One gzipped NDJSON file of an Amplitude export, e.g. {@code 123456_2026-11-28_17#0.json.gz}. */
public interface ExportFile {
  /** The file name, without directory. */
  String name();

  /** The name inside the export zip: {@code <appId>/<name>}. */
  String entryName();

  /** Events (lines) in the file. */
  long events();

  /** Writes the gzipped file to {@code out}, without closing it. */
  void writeGzip(OutputStream out) throws IOException;

  /** The file's NDJSON lines, streamed. */
  Iterator<String> lines() throws IOException;
}
