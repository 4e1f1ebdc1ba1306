package io.bqexport.testing.bigquery;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.FieldValueList;
import com.google.cloud.bigquery.QueryJobConfiguration;
import io.bqexport.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * CURRENT_TIMESTAMP, CURRENT_DATE and CURRENT_DATETIME read the emulator's clock, the same clock that judges table
 * expiry: a staging table created to expire an hour after "now" lives an hour of the test's time, whatever the
 * calendar date ("Timestamp functions", CURRENT_TIMESTAMP: the current time, the same within one statement).
 */
class CurrentTimeContractTest {
  private static final String PROJECT = "acme-analytics";
  private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
  private BigQueryEmulator emulator;
  private BigQuery bigquery;

  @BeforeEach
  void start() {
    emulator = BigQueryEmulator.start(clock);
    bigquery = emulator.client(PROJECT);
    emulator.createDataset(PROJECT, "d");
  }

  @AfterEach
  void stop() {
    emulator.close();
  }

  private FieldValueList row(String sql) throws InterruptedException {
    return bigquery.query(QueryJobConfiguration.of(sql)).iterateAll().iterator().next();
  }

  @Test
  void currentTimeFunctionsReadTheEmulatorsClock() throws Exception {
    FieldValueList now = row("SELECT UNIX_MILLIS(CURRENT_TIMESTAMP()), CAST(CURRENT_DATE() AS STRING), "
        + "CAST(CURRENT_DATETIME() AS STRING)");
    assertThat(now.get(0).getLongValue()).isEqualTo(clock.millis());
    assertThat(now.get(1).getStringValue()).isEqualTo("2030-01-01");
    assertThat(now.get(2).getStringValue()).startsWith("2030-01-01");
  }

  @Test
  void aTableThatExpiresAnHourFromCurrentTimestampLivesAnHourOfTheEmulatorsTime() throws Exception {
    bigquery.query(QueryJobConfiguration.of("CREATE TABLE d.staging (n INT64) "
        + "OPTIONS (expiration_timestamp = TIMESTAMP_ADD(CURRENT_TIMESTAMP(), INTERVAL 1 HOUR))"));
    assertThat(emulator.tableExists(PROJECT, "d", "staging")).isTrue();

    clock.advance(Duration.ofMinutes(61));
    assertThat(emulator.tableExists(PROJECT, "d", "staging")).isFalse();
  }
}
