package io.bqexport.bigquery;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.DatasetId;
import com.google.cloud.bigquery.TableId;
import io.bqexport.ExportWindow;
import io.bqexport.testing.bigquery.BigQueryEmulator;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every SQL statement the main code generates goes through BigQuery's own analyzer (the emulator runs Google's
 * GoogleSQL front end before anything else) and none is rejected. To cover a new statement, drive the main code
 * path that generates it here; the emulator records every rejection.
 */
class GeneratedSqlAnalysisTest {
  private static final String PROJECT = "acme-analytics";
  private static final Instant H0 = Instant.parse("2026-11-28T00:00:00Z");
  private final Clock clock = Clock.fixed(H0.plus(Duration.ofHours(12)), ZoneOffset.UTC);
  private BigQueryEmulator emulator;
  private BigQuery bigquery;

  @BeforeEach
  void start() {
    emulator = BigQueryEmulator.start(clock);
    emulator.createDataset(PROJECT, "amplitude");
    bigquery = emulator.client(PROJECT);
  }

  @AfterEach
  void stop() {
    emulator.close();
  }

  @Test
  void tablesFunctionCommitsRerunsReplacesAndLedgerReadsAllPassTheAnalyzer() {
    TableManager tables = new TableManager(bigquery, DatasetId.of(PROJECT, "amplitude"));
    tables.ensureTables("events");
    Committer committer = new Committer(bigquery, TableId.of(PROJECT, "amplitude", "events"), "test",
        CommitObserver.NONE, clock);
    ExportWindow window = new ExportWindow(H0, H0.plus(Duration.ofHours(2)));

    committer.commitNew(window, rows(window, 3));      // recurring run / FillGaps: load + ledger MERGE
    committer.commitNew(window, rows(window, 3));      // rerun: the load job exists, rows are counted
    committer.replace(window, rows(window, 2));        // Replace: the transaction with the events column list
    committer.replace(window, rows(window, 1));        // repair with known ranges: the partition filter
    Ledger ledger = tables.ledger();
    assertThat(ledger.committedHours("events", H0)).hasSize(2);
    assertThat(ledger.entries("events", window).values()).allSatisfy(e -> assertThat(e.generation()).isEqualTo(3));

    assertThat(emulator.rejectedSql()).isEmpty();
    // DDL of the table function, 2 ledger MERGEs, the rerun's count, 2 ledger reads per Replace, 2 transactions
    // and the final ledger reads.
    assertThat(emulator.acceptedSqlCount()).isGreaterThanOrEqualTo(10);
    assertThat(emulator.rowCount(PROJECT, "amplitude", "events")).isEqualTo(2);
    assertThat(emulator.query(PROJECT, "SELECT COUNT(*) AS n FROM `acme-analytics.amplitude.deduplicated_events`"
        + "(DATE '2026-11-28', DATE '2026-11-28')").get(0).get("n")).isEqualTo(2L);
  }

  /** Amplitude export lines through the real mapper: one event per hour of the window, {@code perHour} per hour. */
  private static RowWriter rows(ExportWindow window, int perHour) {
    return out -> {
      EventMapper mapper = new EventMapper();
      WindowStats stats = new WindowStats();
      int n = 0;
      for (Instant hour : window.hourList()) {
        for (int i = 0; i < perHour; i++, n++) {
          String time = hour.plus(Duration.ofMinutes(10 + i)).toString().replace("T", " ").replace("Z", ".000000");
          String line = "{\"uuid\":\"u" + n + "\",\"event_type\":\"open\",\"event_time\":\"" + time + "\","
              + "\"server_upload_time\":\"" + time + "\",\"$insert_id\":\"i" + n + "\",\"user_id\":\"user" + i
              + "\",\"groups\":{\"company\":[\"acme\"]},\"event_properties\":{\"plan\":\"pro\"}}";
          try {
            MappedEvent event = mapper.map(line, window);
            out.write(event.row());
            out.write('\n');
            stats.add(event, event.row().length + 1, "file-" + hour);
          } catch (MalformedEventException e) {
            throw new IllegalStateException(e);
          }
        }
      }
      return stats;
    };
  }
}
