package io.bqexport.amplitude;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The download's idle watchdog on its own: what a read returns, what close closes, and a stalled read. */
class IdleTimeoutInputStreamTest {
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
  }

  @Test
  void singleByteReadsReturnUnsignedBytesThenMinusOne() throws IOException {
    try (InputStream in = new IdleTimeoutInputStream(
        new ByteArrayInputStream(new byte[] {(byte) 0xFF, 0x00}), Duration.ofMinutes(1), scheduler)) {
      assertThat(in.read()).isEqualTo(255);
      assertThat(in.read()).isEqualTo(0);
      assertThat(in.read()).isEqualTo(-1);
    }
  }

  @Test
  void closeClosesTheStreamBelow() throws IOException {
    boolean[] closed = {false};
    InputStream below = new ByteArrayInputStream(new byte[0]) {
      @Override
      public void close() {
        closed[0] = true;
      }
    };

    new IdleTimeoutInputStream(below, Duration.ofMinutes(1), scheduler).close();

    assertThat(closed[0]).isTrue();
  }

  @Test
  void aReadThatNeverGetsDataEndsAsASocketTimeoutNamingTheTimeout() throws IOException {
    // A connection whose server accepts and stays silent: without the watchdog this read blocks forever.
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket client = new Socket(server.getInetAddress(), server.getLocalPort());
        Socket silent = server.accept();
        InputStream in = new IdleTimeoutInputStream(client.getInputStream(), Duration.ofMillis(200), scheduler)) {
      assertThatThrownBy(() -> in.read(new byte[8], 0, 8)).isInstanceOf(SocketTimeoutException.class)
          .hasMessageContaining("read timeout");
      assertThatThrownBy(() -> in.read(new byte[8], 0, 8)).as("and stays timed out")
          .isInstanceOf(SocketTimeoutException.class);
    }
  }
}
