package io.bqexport.amplitude;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The kept tail is exactly the last bytes read, whatever the read sizes: the zip end check reads the archive's
 * central directory from it, so a tail off by one byte, or wrong where the ring wraps, fails valid archives.
 */
class TailKeepingInputStreamTest {
  private static final int CAPACITY = 16;

  private static byte[] bytes(int n) {
    byte[] data = new byte[n];
    for (int i = 0; i < n; i++) {
      data[i] = (byte) (i * 7 + 1);
    }
    return data;
  }

  @Test
  void readsOfEverySizeKeepTheLastBytesAcrossTheRingsWrap() throws IOException {
    byte[] data = bytes(100);
    // 5 fills part of the ring, 15 wraps it, 1 lands at an odd position, 40 is more than the ring holds at once.
    int[] sizes = {5, 15, 1, 40, 3, 16, 20};
    try (TailKeepingInputStream in = new TailKeepingInputStream(new ByteArrayInputStream(data), CAPACITY)) {
      int read = 0;
      for (int size : sizes) {
        byte[] buffer = new byte[size + 2];
        int n = in.read(buffer, 2, size);
        assertThat(n).isEqualTo(size);
        read += n;
        assertThat(in.count()).isEqualTo(read);
        assertThat(in.tail()).as("after %d bytes", read)
            .isEqualTo(Arrays.copyOfRange(data, Math.max(0, read - CAPACITY), read));
      }
      assertThat(in.read(new byte[8], 0, 8)).isEqualTo(-1);
      assertThat(in.count()).isEqualTo(100);
    }
  }

  @Test
  void singleByteReadsAndSkipsCountAndKeepTheTailToo() throws IOException {
    byte[] data = bytes(40);
    try (TailKeepingInputStream in = new TailKeepingInputStream(new ByteArrayInputStream(data), CAPACITY)) {
      for (int i = 0; i < 10; i++) {
        assertThat(in.read()).isEqualTo(data[i] & 0xFF);
      }
      assertThat(in.tail()).isEqualTo(Arrays.copyOfRange(data, 0, 10));
      assertThat(in.skip(25)).isEqualTo(25);
      assertThat(in.count()).isEqualTo(35);
      assertThat(in.tail()).isEqualTo(Arrays.copyOfRange(data, 35 - CAPACITY, 35));
      assertThat(in.skip(100)).as("only what is left").isEqualTo(5);
      assertThat(in.read()).isEqualTo(-1);
      assertThat(in.count()).isEqualTo(40);
      assertThat(in.tail()).isEqualTo(Arrays.copyOfRange(data, 40 - CAPACITY, 40));
      assertThat(in.markSupported()).as("a reset would count bytes twice").isFalse();
    }
  }
}
