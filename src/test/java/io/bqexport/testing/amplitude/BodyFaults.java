package io.bqexport.testing.amplitude;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/** Turns a body fault into settings of the {@link FaultyBodyStream} and hooks on the zip's entries. */
final class BodyFaults {
  /** How far into an entry's data a mid-entry truncation cuts (past the local header and the gzip header). */
  private static final int MID_ENTRY_BYTES = 300;

  private BodyFaults() {
  }

  /** Faults of the transport: a dropped connection, a stall, a trickle. */
  static void transport(StandInFault fault, FaultyBodyStream body) {
    switch (fault.kind()) {
      case RESET_MID_BODY -> body.resetAt(fault.bytes());
      case STALL -> body.stallAt(fault.bytes(), fault.pause());
      case TRICKLE -> body.trickle((int) fault.bytes(), fault.pause());
      default -> {
      }
    }
  }

  /** Faults of the archive itself, cut or corrupted while it is written to {@code body}. */
  static ExportArchiveWriter.EntryObserver structure(StandInFault fault, FaultyBodyStream body, int entries) {
    switch (fault.kind()) {
      case TRUNCATE_MID_ENTRY -> {
        return new ExportArchiveWriter.EntryObserver() {
          @Override
          public void entryStarting(int index, ExportFile file) {
            if (index == fault.entry()) {
              body.cutAt(body.count() + 30 + file.entryName().length() + MID_ENTRY_BYTES);
            }
          }
        };
      }
      case TRUNCATE_AFTER_ENTRIES -> {
        int last = Math.min(fault.entry(), entries) - 1;
        if (last < 0) {
          body.cutAt(0);
        }
        return new ExportArchiveWriter.EntryObserver() {
          @Override
          public void entryFinished(int index, ExportFile file) throws IOException {
            if (index == last) {
              body.flush();
              body.cutAt(body.count());
            }
          }
        };
      }
      case CORRUPT_GZIP -> {
        return new ExportArchiveWriter.EntryObserver() {
          @Override
          public OutputStream gzipTarget(int index, OutputStream out) {
            return index == fault.entry() ? new BrokenMagic(out) : out;
          }
        };
      }
      default -> {
      }
    }
    return ExportArchiveWriter.EntryObserver.NONE;
  }

  /** Flips the first byte of the gzip magic number: "Not in GZIP format". */
  private static final class BrokenMagic extends FilterOutputStream {
    private boolean first = true;

    BrokenMagic(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(first ? b ^ 0xFF : b);
      first = false;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (len > 0 && first) {
        write(b[off]);
        off++;
        len--;
      }
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }
}
