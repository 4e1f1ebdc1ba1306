package io.bqexport.bigquery;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.TableResult;
import io.bqexport.testing.GenerousWaits;
import io.bqexport.testing.bigquery.BigQueryEmulator;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What google-cloud-bigquery 2.59 does with an interrupt while {@code BigQuery.query} waits for its job. Every wait
 * of query() (jobs.query, jobs.getQueryResults, jobs.get) runs inside BigQueryRetryHelper.runWithRetries, which
 * catches Exception, so the declared InterruptedException never leaves query(); and an interrupt that lands inside
 * a poll's HTTP call is cleared by the client, which polls on. {@code Sql.query}'s and
 * {@code TableManager.ensureDeduplicatedFunction}'s {@code catch (InterruptedException)} are therefore unreachable
 * with this client (bench/MUTATION.md, bqsurv); if an upgrade changes that, this test fails first.
 */
class ClientInterruptsTest {

  private static final String PROJECT = "acme-analytics";
  private BigQueryEmulator emulator;
  private BigQuery bigquery;

  @BeforeEach
  void start() {
    emulator = BigQueryEmulator.start();
    // the operator's own client settings (retries, timeouts); the emulator does not check this token
    bigquery = BigQueryClientFactory.fromCredentials(GoogleCredentials.create(new AccessToken("token", null)),
        PROJECT, null, emulator.endpoint());
  }

  @AfterEach
  void stop() {
    emulator.close();
  }

  @Test
  void anInterruptDuringAQueryWaitIsSwallowedByTheClientWhichReturnsTheRows() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    emulator.faults().onStatement("held_row", statement -> awaitQuietly(release));
    AtomicReference<Thread> caller = new AtomicReference<>();
    CountDownLatch interrupted = new CountDownLatch(1);
    // runs on the emulator's thread while the caller is inside the HTTP call of its first poll for the results
    emulator.faults().onRequest("GET", "/queries/", request -> {
      if (interrupted.getCount() == 1) {
        caller.get().interrupt();
        interrupted.countDown();
      }
    });
    AtomicReference<TableResult> rows = new AtomicReference<>();
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicBoolean interruptedAfterwards = new AtomicBoolean();
    Thread query = new Thread(() -> {
      try {
        rows.set(Sql.query(bigquery, "SELECT 'kept' AS held_row", Map.of(), Map.of(), "reading a held row"));
      } catch (RuntimeException e) {
        thrown.set(e);
      }
      interruptedAfterwards.set(Thread.currentThread().isInterrupted());
    }, "query");
    caller.set(query);
    query.start();

    assertThat(interrupted.await(GenerousWaits.CEILING.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    release.countDown();
    query.join(GenerousWaits.CEILING.toMillis());

    assertThat(query.isAlive()).isFalse();
    assertThat(thrown.get()).as("nothing thrown").isNull();
    assertThat(rows.get().iterateAll().iterator().next().get("held_row").getStringValue()).isEqualTo("kept");
    assertThat(interruptedAfterwards).as("the client cleared the interrupt").isFalse();
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(GenerousWaits.CEILING.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
