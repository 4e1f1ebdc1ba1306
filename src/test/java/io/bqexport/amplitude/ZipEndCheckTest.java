package io.bqexport.amplitude;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/**
 * The end-of-archive check on hand-made tails (APPNOTE 4.3.14-4.3.16: the zip64 end record, its locator, then the
 * classic end record), including entry counts and offsets beyond 32 bits that no test archive could reach.
 */
class ZipEndCheckTest {
  private static final long BIG = (1L << 32) + 7;

  /** {@code directory} bytes of central directory, then the zip64 record, the locator and the classic end record. */
  private static byte[] zip64Tail(int directory, long recordOffset, long entries, long directorySize,
      long directoryOffset) {
    ByteBuffer b = ByteBuffer.allocate(directory + 56 + 20 + 22).order(ByteOrder.LITTLE_ENDIAN);
    b.position(directory);
    b.putInt(0x06064b50).putLong(44).putShort((short) 45).putShort((short) 45).putInt(0).putInt(0)
        .putLong(entries).putLong(entries).putLong(directorySize).putLong(directoryOffset);
    b.putInt(0x07064b50).putInt(0).putLong(recordOffset).putInt(1);
    b.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) 0xFFFF).putShort((short) 0xFFFF)
        .putInt(0xFFFFFFFF).putInt(0xFFFFFFFF).putShort((short) 0);
    return b.array();
  }

  /** The classic end record only, after {@code directory} bytes of central directory. */
  private static byte[] classicTail(int directory, int entries, int directorySize, int directoryOffset) {
    ByteBuffer b = ByteBuffer.allocate(directory + 22).order(ByteOrder.LITTLE_ENDIAN);
    b.position(directory);
    b.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) entries)
        .putShort((short) entries).putInt(directorySize).putInt(directoryOffset).putShort((short) 0);
    return b.array();
  }

  @Test
  void aZip64EndWithCountsAndOffsetsBeyond32BitsIsComplete() {
    // The tail starts BIG bytes into the archive; the directory (10 bytes) starts where the tail does.
    byte[] tail = zip64Tail(10, BIG + 10, BIG, 10, BIG);

    assertThat(ZipEndCheck.problem(tail, BIG + tail.length, BIG)).isEmpty();
    assertThat(ZipEndCheck.problem(tail, BIG + tail.length, 7)).get(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("lists " + BIG + " entries but 7 were streamed");
  }

  @Test
  void aZip64RecordAtTheVeryStartOfTheTailIsFound() {
    byte[] tail = zip64Tail(0, 1000, 3, 10, 990);

    assertThat(ZipEndCheck.problem(tail, 1000 + tail.length, 3)).isEmpty();
  }

  @Test
  void aLocatorAtTheStartOfTheTailPointingBeforeItIsAMissingRecordNotAMissingLocator() {
    byte[] whole = zip64Tail(0, 1000, 3, 10, 990);
    byte[] tail = java.util.Arrays.copyOfRange(whole, 56, whole.length);

    assertThat(ZipEndCheck.problem(tail, 1056 + tail.length, 3)).contains(
        "the zip64 end-of-central-directory record is missing");
  }

  @Test
  void aZip64MarkerWithoutLocatorIsNamed() {
    byte[] tail = classicTail(30, 0xFFFF, 10, 20);

    assertThat(ZipEndCheck.problem(tail, tail.length, 0xFFFF)).contains(
        "the zip64 end-of-central-directory locator is missing");
  }

  @Test
  void aDirectoryThatDoesNotEndAtItsEndRecordIsCorrupt() {
    assertThat(ZipEndCheck.problem(classicTail(30, 2, 30, 0), 30 + 22, 2)).isEmpty();
    assertThat(ZipEndCheck.problem(classicTail(30, 2, 29, 0), 30 + 22, 2)).contains("the zip central directory"
        + " (offset 0, size 29) does not end at its end record (offset 30): the archive is corrupt");
  }
}
