package io.bqexport.amplitude;

import java.util.Optional;

/**
 * Checks that a streamed zip really ended: its last bytes hold an end-of-central-directory record (zip64 aware)
 * whose entry count matches the entries streamed and whose central directory ends where the record starts.
 * ZipInputStream alone cannot tell a complete archive from one cut between two entries.
 */
final class ZipEndCheck {
  static final int TAIL_BYTES = 22 + 0xFFFF + 20 + 56 + 1024;

  private static final int EOCD_SIGNATURE = 0x06054b50;
  private static final int ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
  private static final int ZIP64_EOCD_SIGNATURE = 0x06064b50;

  private ZipEndCheck() {
  }

  /**
   * @param tail the last bytes of the archive
   * @param totalLength the archive's full length
   * @param entriesStreamed entries returned by ZipInputStream
   * @return empty when the archive is complete, else what is wrong
   */
  static Optional<String> problem(byte[] tail, long totalLength, long entriesStreamed) {
    int eocd = findEndRecord(tail);
    if (eocd < 0) {
      return Optional.of("the zip has no end-of-central-directory record after " + entriesStreamed
          + " entries and " + totalLength + " bytes: the archive is truncated");
    }
    long offsetOfTail = totalLength - tail.length;
    long entries = u16(tail, eocd + 10);
    long directorySize = u32(tail, eocd + 12);
    long directoryOffset = u32(tail, eocd + 16);
    long directoryEnd = offsetOfTail + eocd;
    if (entries == 0xFFFF || directorySize == 0xFFFFFFFFL || directoryOffset == 0xFFFFFFFFL) {
      int locator = eocd - 20;
      if (locator < 0 || u32(tail, locator) != ZIP64_LOCATOR_SIGNATURE) {
        return Optional.of("the zip64 end-of-central-directory locator is missing");
      }
      long recordOffset = u64(tail, locator + 8);
      int record = (int) (recordOffset - offsetOfTail);
      if (record < 0 || record + 56 > tail.length || u32(tail, record) != ZIP64_EOCD_SIGNATURE) {
        return Optional.of("the zip64 end-of-central-directory record is missing");
      }
      entries = u64(tail, record + 32);
      directorySize = u64(tail, record + 40);
      directoryOffset = u64(tail, record + 48);
      directoryEnd = recordOffset;
    }
    if (entries != entriesStreamed) {
      return Optional.of("the zip directory lists " + entries + " entries but " + entriesStreamed
          + " were streamed: the archive is truncated or corrupt");
    }
    if (directoryOffset + directorySize != directoryEnd) {
      return Optional.of("the zip central directory (offset " + directoryOffset + ", size " + directorySize
          + ") does not end at its end record (offset " + directoryEnd + "): the archive is corrupt");
    }
    return Optional.empty();
  }

  /** The last EOCD signature whose comment length reaches exactly the end of the data. */
  private static int findEndRecord(byte[] tail) {
    for (int i = tail.length - 22; i >= 0; i--) {
      if (u32(tail, i) == EOCD_SIGNATURE && i + 22 + u16(tail, i + 20) == tail.length) {
        return i;
      }
    }
    return -1;
  }

  private static long u16(byte[] b, int i) {
    return (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8;
  }

  private static long u32(byte[] b, int i) {
    return u16(b, i) | u16(b, i + 2) << 16;
  }

  private static long u64(byte[] b, int i) {
    return u32(b, i) | u32(b, i + 4) << 32;
  }
}
